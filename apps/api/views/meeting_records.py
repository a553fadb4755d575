"""What is recorded at a meeting: who attended (recorded for many agencies at once) and the
decisions taken there, as the minutes list them (recorded by POST consensus-rounds/{id}/outcome/,
apps/api/views/rounds.py). Every write is apps.meetings'."""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from apps.meetings.models import Attendance, Decision
from apps.meetings.selectors import MinutesEntry, attendance_by_agency, minutes_entries
from apps.meetings.services import attendance_record
from apps.plenary.models import PlenaryMeeting

from ..schema import LIST_ERRORS, READ_ERRORS, errors
from ..serializers.meeting_records import (
    AttendanceRecordedSerializer,
    AttendanceRequestSerializer,
    AttendanceSerializer,
    DecisionSerializer,
)
from . import meeting_docs as docs
from .base import ApiView, parsed_body
from .meetings import MeetingLookup


@extend_schema(tags=["meetings"], parameters=[docs.MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary="Who attended: one row per agency recorded, by acronym",
        responses={200: AttendanceSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    create=extend_schema(
        summary="Record attendance, for many agencies at once (secretariat)",
        description="Each row: an agency (acronym), present, apologies or absent, and who "
        "represented it. An agency already recorded is updated (its history keeps the earlier "
        "answer); agencies left out keep what they have. All rows or none: a bad row is a 400 "
        "naming it (rows.N.field).",
        request=AttendanceRequestSerializer,
        responses={200: AttendanceRecordedSerializer, **errors(400, 401, 403, 404, 415)},
        examples=[docs.ATTENDANCE_EXAMPLE],
    ),
)
class AttendanceViewSet(MeetingLookup, ApiView, viewsets.GenericViewSet):
    """Who attended a meeting, per agency, and who represented it."""

    serializer_class = AttendanceSerializer
    queryset = Attendance.objects.none()

    def _rows(self) -> list[Attendance]:
        rows = sorted(attendance_by_agency(self.meeting()).values(), key=lambda r: r.agency.acronym)
        prefetch_related_objects(rows, "recorded_by")
        return rows

    def list(self, request, id=None):
        page = self.paginate_queryset(self._rows())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, id=None):
        body = parsed_body(AttendanceRequestSerializer, request)
        rows = {row["agency"]: (row["status"], row["represented_by"]) for row in body["rows"]}
        saved = attendance_record(meeting=self.meeting(), actor=request.user, rows=rows)
        recorded = {"changed": [row.agency.acronym for row in saved], "rows": self._rows()}
        context = self.get_serializer_context()
        return Response(AttendanceRecordedSerializer(recorded, context=context).data)


@extend_schema(tags=["meetings"], parameters=[docs.MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The decisions taken at the meeting, with the positions stated there",
        description="What the minutes list: each round whose outcome was recorded at this "
        "meeting (POST consensus-rounds/{id}/outcome/), its RESOLVED line and positions.",
        responses={200: DecisionSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[docs.DECISION_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One decision",
        parameters=[docs.DECISION],
        responses={200: DecisionSerializer, **errors(*READ_ERRORS)},
        examples=[docs.DECISION_EXAMPLE],
    ),
)
class DecisionViewSet(MeetingLookup, ApiView, viewsets.GenericViewSet):
    """The decisions taken at a meeting, as its minutes list them."""

    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()
    lookup_field = "pk"
    lookup_url_kwarg = "decision"
    lookup_value_regex = r"\d+"

    def list(self, request, id=None):
        page = self.paginate_queryset(meeting_decisions(self.meeting()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, id=None, decision=None):
        found = [e for e in meeting_decisions(self.meeting()) if str(e.decision.pk) == decision]
        if not found:
            raise self.not_found("decision", decision, "api:meeting-decision-list")
        return Response(self.get_serializer(found[0]).data)


def meeting_decisions(meeting: PlenaryMeeting) -> list[MinutesEntry]:
    entries = minutes_entries(meeting)
    for entry in entries:
        entry.decision.meeting = meeting  # one meeting for all: no query per decision
    return entries
