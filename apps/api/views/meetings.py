"""Plenary meetings: the list, scheduling one, its facts and minutes (written, then approved at
a later meeting), its agenda (built from the tracker, completed, ordered, items taken off; as
DOCX and as a calendar event), its attendance and the decisions taken there. Every write is
apps.meetings' (who may, what is accepted); reads any signed-in user's."""

from contextlib import contextmanager

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.errors import ApplicationError
from apps.meetings.agenda import (
    agenda_build,
    agenda_item_add,
    agenda_item_remove,
    agenda_order,
    require_secretariat,
)
from apps.meetings.files import agenda_file_response
from apps.meetings.models import AgendaItem
from apps.meetings.selectors import (
    agenda_items,
)
from apps.meetings.services import (
    meeting_schedule,
    minutes_approve,
    minutes_write,
)
from apps.plenary.models import PlenaryMeeting

from .. import selectors
from ..schema import LIST_ERRORS, READ_ERRORS, errors, location_header
from ..serializers.meetings import (
    AgendaItemRequestSerializer,
    AgendaItemSerializer,
    AgendaOrderSerializer,
    AgendaQuerySerializer,
    MeetingQuerySerializer,
    MeetingScheduleSerializer,
    MeetingSerializer,
    MinutesApproveSerializer,
    MinutesSerializer,
    RemoveItemSerializer,
)
from . import meeting_docs as docs
from .base import AnyAccept, ApiView, RecordViewSet, parsed_body, parsed_query


@contextmanager
def naming_state(state: str):
    """A 409 names where the thing stands (minutes approved, an item already off)."""
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "illegal_move":
            exc.extra.setdefault("state", state)
            exc.extra.setdefault("allowed", [])
        raise


@contextmanager
def fields_renamed(names: dict[str, str]):
    """A service's refusal names its own field; the API names the body's."""
    try:
        yield
    except ApplicationError as exc:
        fields = exc.extra.get("fields")
        if fields:
            exc.extra["fields"] = {names.get(name, name): text for name, text in fields.items()}
        raise


def minutes_state(meeting: PlenaryMeeting) -> str:
    return "approved" if meeting.minutes_approved_in_id else "draft"


def with_location(response: Response) -> Response:
    # A plain str: WSGI servers that check header types refuse the serializer's Hyperlink.
    response["Location"] = str(response.data["url"])
    return response


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(
        summary="List meetings",
        parameters=[MeetingQuerySerializer],
        responses={200: MeetingSerializer(many=True), **errors(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One meeting: its facts, minutes, and where its agenda, attendance and "
        "decisions are",
        responses={200: MeetingSerializer, **errors(*READ_ERRORS)},
        examples=[docs.MEETING_EXAMPLE],
    ),
    create=extend_schema(
        summary="Schedule a meeting (secretariat)",
        description="Its hours with their offset, and the time zone it is held in (an IANA "
        "name; the agenda and calendar event show the hours there). The host agency is named "
        "by acronym, the chair by username. A meeting must end after it starts; an unknown "
        "time zone, agency or user, or a date outside 1957-2200, is a 400 naming the field.",
        parameters=[location_header(201, "the new meeting")],
        request=MeetingScheduleSerializer,
        responses={201: MeetingSerializer, **errors(400, 401, 403, 415)},
        examples=[docs.SCHEDULE_EXAMPLE, docs.MEETING_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary="Write the minutes (secretariat)",
        description="Replaces the minutes' text. Once the minutes are approved at a later "
        "meeting they no longer change: 409, state approved. Any other field is refused (400).",
        request=MinutesSerializer,
        responses={200: MeetingSerializer, **docs.MEETING_WRITE_ERRORS},
        examples=[docs.MINUTES_EXAMPLE],
    ),
)
class MeetingViewSet(RecordViewSet):
    """Plenary meetings, monthly teleconferences and written procedures."""

    queryset = PlenaryMeeting.objects.all()
    serializer_class = MeetingSerializer
    query_serializer_class = MeetingQuerySerializer

    def records(self, **filters):
        return selectors.meetings_list(**filters)

    def _rendered(self, meeting: PlenaryMeeting, status_code: int = 200) -> Response:
        fresh = self.records().get(pk=meeting.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def create(self, request):
        body = parsed_body(MeetingScheduleSerializer, request)
        meeting = meeting_schedule(actor=request.user, **body)
        return with_location(self._rendered(meeting, status.HTTP_201_CREATED))

    def partial_update(self, request, pk=None):
        meeting = self.get_object()
        require_secretariat(request.user, "write minutes")  # even a PATCH that changes nothing
        body = parsed_body(MinutesSerializer, request)
        if "minutes" in body:
            with naming_state(minutes_state(meeting)):
                minutes_write(meeting=meeting, actor=request.user, minutes=body["minutes"])
        return self._rendered(meeting)

    @extend_schema(
        summary="Approve the minutes at a later meeting (secretariat)",
        description="`at_meeting`: the later meeting that approved them (an earlier one is a "
        "400). Minutes approved once are not approved again (409, state approved).",
        request=MinutesApproveSerializer,
        responses={200: MeetingSerializer, **docs.MEETING_WRITE_ERRORS},
        examples=[docs.APPROVE_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="approve-minutes")
    def approve_minutes(self, request, pk=None):
        meeting = self.get_object()
        body = parsed_body(MinutesApproveSerializer, request)
        with naming_state(minutes_state(meeting)):
            minutes_approve(
                meeting=meeting,
                at_meeting=body["at_meeting"],
                actor=request.user,
                note=body.get("note", ""),
            )
        return self._rendered(meeting)


class MeetingLookup:
    """For the views under a meeting's URL: the meeting from `id`, a 404 saying where to look."""

    kwargs: dict

    def meeting(self) -> PlenaryMeeting:
        if not hasattr(self, "_meeting"):
            meeting = (
                PlenaryMeeting.objects.select_related("host_agency", "chair")
                .filter(pk=self.kwargs["id"])
                .first()
            )
            if meeting is None:
                raise exceptions.NotFound(
                    f"No meeting with id {self.kwargs['id']!r}; the list is at "
                    f"{reverse('api:meeting-list')}."
                )
            self._meeting = meeting
        return self._meeting

    def not_found(self, what: str, pk, listed: str) -> exceptions.NotFound:
        where = reverse(listed, kwargs={"id": self.meeting().pk})
        return exceptions.NotFound(
            f"{self.meeting().title} has no {what} {pk}; they are listed at {where}."
        )


@extend_schema(tags=["meetings"], parameters=[docs.MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The meeting's agenda, in order",
        description="The items taken off are left out unless ?removed=true.",
        parameters=[AgendaQuerySerializer],
        responses={200: AgendaItemSerializer(many=True), **errors(*LIST_ERRORS)},
        examples=[docs.AGENDA_ITEM_EXAMPLE],
    ),
    create=extend_schema(
        summary="Add an item of your own at the end (secretariat)",
        parameters=[location_header(201, "the new item")],
        request=AgendaItemRequestSerializer,
        responses={201: AgendaItemSerializer, **errors(400, 401, 403, 404, 415)},
        examples=[docs.FREE_ITEM_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One agenda item",
        parameters=[docs.ITEM],
        responses={200: AgendaItemSerializer, **errors(*READ_ERRORS)},
        examples=[docs.AGENDA_ITEM_EXAMPLE],
    ),
)
class AgendaViewSet(MeetingLookup, ApiView, viewsets.GenericViewSet):
    """A meeting's agenda: built from the tracker (rounds to decide, submissions, proposals,
    overdue work, the previous minutes), completed, ordered and pruned by the secretariat."""

    serializer_class = AgendaItemSerializer
    queryset = AgendaItem.objects.none()  # reads go through the selectors, by meeting
    lookup_field = "pk"
    lookup_url_kwarg = "item"  # `id` is the meeting's
    lookup_value_regex = r"\d+"

    def _items(self, pks=None, *, with_removed: bool = False):
        items = agenda_items(self.meeting(), with_removed=with_removed)
        return items if pks is None else items.filter(pk__in=pks)

    def _item(self, pk) -> AgendaItem:
        item = self._items(with_removed=True).filter(pk=pk).first()
        if item is None:
            raise self.not_found("agenda item", pk, "api:meeting-agenda-list")
        return item

    def get_object(self) -> AgendaItem:
        # OPTIONS asks for the object of every PUT; the order is the agenda's, not an item's.
        if "item" not in self.kwargs:
            raise exceptions.NotFound("The order is the whole agenda's: no one item.")
        return self._item(self.kwargs["item"])

    def _listed(self, items, status_code: int = 200) -> Response:
        return Response(self.get_serializer(items, many=True).data, status=status_code)

    def list(self, request, id=None):
        query = parsed_query(AgendaQuerySerializer, request)
        items = self._items(with_removed=query.get("removed", False))
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, id=None, item=None):
        return Response(self.get_serializer(self._item(item)).data)

    def create(self, request, id=None):
        body = parsed_body(AgendaItemRequestSerializer, request)
        added = agenda_item_add(
            meeting=self.meeting(),
            actor=request.user,
            title=body["title"],
            note=body.get("note", ""),
        )
        data = self.get_serializer(self._item(added.pk)).data
        return with_location(Response(data, status=status.HTTP_201_CREATED))

    @extend_schema(
        summary="Build the agenda from the tracker (secretariat)",
        description="Adds, after the existing items, what the tracker proposes that the "
        "agenda lacks (an item taken off is not added again); answers the items added, "
        "none when the agenda already has everything.",
        request=None,
        responses={200: AgendaItemSerializer(many=True), **errors(400, 401, 403, 404, 415)},
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def build(self, request, id=None):
        added = agenda_build(meeting=self.meeting(), actor=request.user)
        return self._listed(self._items([item.pk for item in added]))

    @extend_schema(
        summary="Put the agenda in a new order (secretariat)",
        description="`item_ids`: every item on the agenda (not those taken off) exactly once, "
        "in the new order; else a 400 naming item_ids (someone may have changed the agenda: "
        "read it again). Answers the agenda in its new order.",
        request=AgendaOrderSerializer,
        responses={200: AgendaItemSerializer(many=True), **errors(400, 401, 403, 404, 415)},
        examples=[docs.ORDER_EXAMPLE],
    )
    @action(detail=False, methods=["put"], pagination_class=None)
    def order(self, request, id=None):
        body = parsed_body(AgendaOrderSerializer, request)
        with fields_renamed({"order": "item_ids"}):
            agenda_order(meeting=self.meeting(), actor=request.user, item_ids=body["item_ids"])
        return self._listed(self._items())

    @extend_schema(
        summary="Take an item off the agenda, with the reason (secretariat)",
        description="It stays in the history (and in ?removed=true), and a rebuild does not "
        "add it again. An item already off: 409, state removed.",
        parameters=[docs.ITEM],
        request=RemoveItemSerializer,
        responses={200: AgendaItemSerializer, **docs.MEETING_WRITE_ERRORS},
        examples=[docs.REMOVE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, id=None, item=None):
        agenda_item = self._item(item)
        body = parsed_body(RemoveItemSerializer, request)
        with naming_state("removed" if agenda_item.removed else "on_agenda"):
            agenda_item_remove(item=agenda_item, actor=request.user, reason=body["reason"])
        return Response(self.get_serializer(self._item(item)).data)

    @extend_schema(summary="The agenda as DOCX", responses=docs.AGENDA_DOCX_RESPONSES)
    @action(detail=False, methods=["get"], content_negotiation_class=AnyAccept)
    def docx(self, request, id=None):
        return agenda_file_response(self.meeting(), "docx")

    @extend_schema(
        summary="The meeting as a calendar event, with its agenda",
        responses=docs.AGENDA_ICS_RESPONSES,
    )
    @action(detail=False, methods=["get"], content_negotiation_class=AnyAccept)
    def ics(self, request, id=None):
        return agenda_file_response(self.meeting(), "ics")
