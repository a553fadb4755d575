"""Plenary meetings as the API shows them (their facts and where their agenda, attendance,
decisions and files are), their agenda items, attendance rows and decisions, and the bodies
that schedule a meeting and write what is recorded around it. Every rule is apps.meetings';
the bodies only name things (agencies by acronym, people by username) and check the types."""

import datetime

from django.contrib.auth.models import User
from django.db.models.functions import Upper
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, date_outside_range, text_checked
from apps.meetings.agenda import TITLE_MAX_LENGTH
from apps.meetings.models import AgendaItem
from apps.meetings.services import MINUTES_MAX_LENGTH
from apps.plenary.models import ConsensusRound, PlenaryMeeting

from .base import (
    YEAR_RANGE,
    AgencyRefSerializer,
    ClosedBodySerializer,
    DateAsStoredField,
    DeliverableRefSerializer,
    MeetingRefSerializer,
    ReadSerializer,
    StrictCharField,
    UserRefSerializer,
    history_link,
)
from .comments import MAX_ID

# --- links under a meeting ------------------------------------------------------------------


def meeting_url(request, view_name: str, meeting_id: int, **kwargs) -> str:
    return request.build_absolute_uri(reverse(view_name, kwargs={"id": meeting_id, **kwargs}))


@extend_schema_field(OpenApiTypes.URI)
class MeetingLink(serializers.Field):
    """The absolute URL of one of a meeting's endpoints."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, meeting: PlenaryMeeting) -> str:
        return meeting_url(self.context["request"], self.view_name, meeting.pk)


class MeetingSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    history_url = history_link("api:meeting-history")
    host_agency = AgencyRefSerializer(read_only=True, allow_null=True)
    chair = UserRefSerializer(read_only=True, allow_null=True)
    starts_display = DateAsStoredField("starts_on", "starts_precision")
    minutes_approved_in = MeetingRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The later meeting that approved these minutes; null: not approved yet.",
    )
    agenda_url = MeetingLink("api:meeting-agenda-list", help_text="The agenda, in order.")
    attendance_url = MeetingLink("api:meeting-attendance-list", help_text="Who attended.")
    decisions_url = MeetingLink(
        "api:meeting-decision-list", help_text="The decisions taken, as the minutes list them."
    )
    agenda_docx_url = MeetingLink("api:meeting-agenda-docx", help_text="The agenda as DOCX.")
    agenda_ics_url = MeetingLink(
        "api:meeting-agenda-ics", help_text="The meeting as a calendar event, with its agenda."
    )

    class Meta:
        model = PlenaryMeeting
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "starts_on",
            "starts_precision",
            "starts_display",
            "ends_on",
            "starts_at",
            "ends_at",
            "time_zone",
            "place",
            "call_link",
            "host_agency",
            "chair",
            "is_sample",
            "minutes",
            "minutes_approved_in",
            "source",
            "history_url",
            "agenda_url",
            "attendance_url",
            "decisions_url",
            "agenda_docx_url",
            "agenda_ics_url",
        ]
        extra_kwargs = {
            "starts_at": {"help_text": "When it starts; null for the record's meetings (a day)."},
            "ends_at": {"help_text": "When it ends; null for the record's meetings."},
        }


class MeetingQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlenaryMeeting.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    upcoming = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: the meetings from today on, soonest first; false: the earlier ones.",
    )


# --- strict input: JSON types as the schema says them -----------------------------------------


class StrictIntegerField(serializers.IntegerField):
    """An integer, and only one: "5", 5.0 and true are refused, as the schema says."""

    default_error_messages = {"not_an_integer": "Send a number (a JSON integer), not {kind}."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_an_integer", kind=type(data).__name__)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"not_a_boolean": "Send true or false, not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("not_a_boolean", kind=type(data).__name__)
        return data


class AwareDateTimeField(serializers.DateTimeField):
    """A date and time with its offset (2026-12-08T09:00:00+01:00 or ...Z): a time without one
    would be read in a zone the sender never chose."""

    default_error_messages = {
        "naive": "Give the time with its offset, e.g. 2026-12-08T09:00:00+01:00 or "
        "2026-12-08T08:00:00Z.",
        "not_a_string": "Send a date and time as text (ISO 8601), not {kind}.",
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("not_a_string", kind=type(value).__name__)
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            self.fail("naive")
        moment = super().enforce_timezone(value)
        if why := date_outside_range(moment.astimezone(datetime.UTC).date()):
            raise serializers.ValidationError(why)
        return moment


def checked(value: str, *, limit: int, required: bool = False, ask: str = "") -> str:
    """The services' own text check (control characters, length), as this field's error."""
    try:
        return text_checked(value, field="text", limit=limit, required=required, ask=ask)
    except ApplicationError as refused:
        raise serializers.ValidationError(refused.message.replace("The text ", "It ")) from None


def agencies_named(acronyms: list[str]) -> dict[str, Agency]:
    """Upper-cased acronym -> agency, for those of `acronyms` that name one (in one query)."""
    wanted = {acronym.upper() for acronym in acronyms}
    found = Agency.objects.annotate(key=Upper("acronym")).filter(key__in=wanted)
    return {agency.key: agency for agency in found}


def no_agency(acronym: str) -> str:
    return f"No agency with the acronym {acronym[:40]!r}: see /api/v1/agencies/."


ACRONYM_MAX_LENGTH = 30


class MeetingScheduleSerializer(ClosedBodySerializer):
    title = StrictCharField(max_length=200, help_text="e.g. 'ISECG Plenary, Paris'.")
    kind = serializers.ChoiceField(choices=PlenaryMeeting.Kind.choices)
    starts_at = AwareDateTimeField(help_text="When it starts, with its offset.")
    ends_at = AwareDateTimeField(help_text="When it ends, after it starts.")
    time_zone = StrictCharField(
        required=False,
        default="UTC",
        max_length=64,
        help_text="Where it is held, as an IANA name (Europe/Paris); the agenda and the "
        "calendar event show its hours there. Default: UTC.",
    )
    place = StrictCharField(required=False, allow_blank=True, max_length=200)
    call_link = serializers.URLField(
        required=False, allow_blank=True, max_length=200, help_text="The call's address."
    )
    host_agency = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=ACRONYM_MAX_LENGTH,
        help_text="The host agency's acronym.",
    )
    chair = StrictCharField(
        required=False, allow_blank=True, max_length=150, help_text="The chair's username."
    )
    is_sample = StrictBooleanField(
        required=False, default=False, help_text="A sample meeting (a demonstration)."
    )

    def validate_host_agency(self, value: str) -> Agency | None:
        if not value:
            return None
        agency = agencies_named([value]).get(value.upper())
        if agency is None:
            raise serializers.ValidationError(no_agency(value))
        return agency

    def validate_chair(self, value: str):
        if not value:
            return None
        chair = User.objects.filter(username=value, is_active=True).first()
        if chair is None:
            raise serializers.ValidationError(f"No active user named {value[:40]!r}.")
        return chair


class MinutesSerializer(ClosedBodySerializer):
    unknown_field_message = (
        "This field cannot be changed here: a PATCH of a meeting writes its minutes only."
    )

    minutes = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=MINUTES_MAX_LENGTH,
        help_text="The minutes' text (plain text; tabs and line breaks kept), replacing what "
        "was written; left out, nothing changes.",
    )

    def validate_minutes(self, value: str) -> str:
        return checked(value, limit=MINUTES_MAX_LENGTH)


def meeting_named(pk: int) -> PlenaryMeeting:
    meeting = PlenaryMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise serializers.ValidationError(f"No meeting with id {pk}: see /api/v1/meetings/.")
    return meeting


class MinutesApproveSerializer(ClosedBodySerializer):
    at_meeting = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the later meeting that approved them."
    )
    note = StrictCharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, help_text="For the history."
    )

    def validate_at_meeting(self, value: int) -> PlenaryMeeting:
        return meeting_named(value)


# --- the agenda -------------------------------------------------------------------------------


class AgendaRoundSerializer(ReadSerializer):
    """The round an agenda item is about."""

    url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-detail")

    class Meta:
        model = ConsensusRound
        fields = ["id", "url", "state", "deadline"]


@extend_schema_field(OpenApiTypes.URI)
class AgendaItemLink(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item: AgendaItem) -> str:
        request = self.context["request"]
        return meeting_url(request, self.view_name, item.meeting_id, item=item.pk)


class AgendaItemSerializer(ReadSerializer):
    url = AgendaItemLink("api:meeting-agenda-detail")
    round = AgendaRoundSerializer(read_only=True, allow_null=True)
    deliverable = DeliverableRefSerializer(read_only=True, allow_null=True)
    previous_meeting = MeetingRefSerializer(
        read_only=True, allow_null=True, help_text="For the minutes item: whose minutes."
    )
    added_by = UserRefSerializer(read_only=True)
    remove_url = AgendaItemLink(
        "api:meeting-agenda-remove", help_text="POST here (with the reason) to take it off."
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "url",
            "meeting",
            "position",
            "kind",
            "title",
            "note",
            "round",
            "deliverable",
            "structural_change",
            "previous_meeting",
            "added_by",
            "removed",
            "remove_url",
        ]
        extra_kwargs = {
            "meeting": {"help_text": "The meeting's id."},
            "structural_change": {"help_text": "The structural change's id, if it is about one."},
            "removed": {"help_text": "Taken off the agenda (listed only with ?removed=true)."},
        }


class AgendaQuerySerializer(serializers.Serializer):
    removed = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: list the items taken off the agenda too.",
    )


class AgendaItemRequestSerializer(ClosedBodySerializer):
    title = StrictCharField(max_length=TITLE_MAX_LENGTH, help_text="e.g. 'Any other business'.")
    note = StrictCharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)

    def validate_title(self, value: str) -> str:
        return checked(value, limit=TITLE_MAX_LENGTH, required=True, ask="Give the item a title.")

    def validate_note(self, value: str) -> str:
        return checked(value, limit=NOTE_MAX_LENGTH)


class AgendaOrderSerializer(ClosedBodySerializer):
    item_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        max_length=1000,
        help_text="Every item on the agenda (not those taken off), exactly once, in the new order.",
    )


class RemoveItemSerializer(ClosedBodySerializer):
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why it is taken off (kept in its history).",
        error_messages={"blank": "Say why.", "required": "Say why."},
    )

    def validate_reason(self, value: str) -> str:
        return checked(value, limit=REASON_MAX_LENGTH, required=True, ask="Say why.")
