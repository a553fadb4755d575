"""What is recorded around a meeting, as the API shows and takes it: attendance per agency,
the outcome of a round recorded in one step for the agencies present (the decisions the
minutes list), and how each agency was told of a round. Agencies are named by acronym."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.limits import NOTE_MAX_LENGTH, RATIONALE_MAX_LENGTH
from apps.meetings.models import Attendance
from apps.meetings.selectors import MinutesEntry
from apps.plenary.models import AgencyNotice, ConsensusRound, Position

from .base import (
    AgencyRefSerializer,
    ClosedBodySerializer,
    DeliverableRefSerializer,
    MeetingRefSerializer,
    ReadSerializer,
    StrictCharField,
    UserRefSerializer,
)
from .changes import StructuralChangeLinkSerializer
from .comments import MAX_ID
from .meetings import (
    ACRONYM_MAX_LENGTH,
    StrictIntegerField,
    agencies_named,
    checked,
    meeting_named,
    meeting_url,
    no_agency,
)
from .revisions import RevisionRefSerializer, revision_ref

# --- attendance -------------------------------------------------------------------------------


class AttendanceSerializer(ReadSerializer):
    agency = AgencyRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = ["agency", "status", "represented_by", "recorded_by", "recorded_at"]


class AttendanceRowSerializer(ClosedBodySerializer):
    agency = StrictCharField(max_length=ACRONYM_MAX_LENGTH, help_text="The agency's acronym.")
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    represented_by = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Who spoke for it, e.g. 'J. Doe (head)'.",
    )

    def validate_represented_by(self, value: str) -> str:
        return checked(value, limit=300)


def resolve_agencies(rows: list[dict], field: str = "agency") -> list[dict]:
    """Each row's acronym as its agency, every agency at most once; else a 400 naming the row."""
    named = agencies_named([row[field] for row in rows])
    errors, seen = {}, {}
    for index, row in enumerate(rows):
        agency = named.get(row[field].upper())
        if agency is None:
            errors[index] = {field: [no_agency(row[field])]}
        elif agency.pk in seen:
            errors[index] = {field: [f"{agency.acronym} is already in row {seen[agency.pk]}."]}
        else:
            seen[agency.pk] = index
            row[field] = agency
    if errors:
        raise serializers.ValidationError([errors.get(i, {}) for i in range(len(rows))])
    return rows


class AttendanceRequestSerializer(ClosedBodySerializer):
    rows = AttendanceRowSerializer(
        many=True,
        max_length=500,
        help_text="One row per agency, at least one; agencies left out keep what was recorded "
        "for them.",
    )

    def validate_rows(self, rows: list[dict]) -> list[dict]:
        if not rows:
            raise serializers.ValidationError("Give at least one row: an agency and its status.")
        return resolve_agencies(rows)


class AttendanceRecordedSerializer(serializers.Serializer):
    changed = serializers.ListField(
        child=serializers.CharField(),
        help_text="The acronyms whose row was added or changed (a row sent unchanged is not).",
    )
    rows = AttendanceSerializer(many=True, help_text="The meeting's attendance, by agency.")


# --- decisions: the outcome of a round recorded in one step -------------------------------------


class StatedPositionSerializer(serializers.Serializer):
    """A position an agency stated at the meeting, recorded by the secretariat."""

    agency = AgencyRefSerializer()
    position = serializers.ChoiceField(choices=Position.Kind.choices)
    rationale = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class DecisionRoundSerializer(ReadSerializer):
    """The round a decision is on, as it stands now."""

    url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-detail")
    deliverable = DeliverableRefSerializer(
        read_only=True, allow_null=True, help_text="Null for a round on a structural change."
    )
    structural_change = StructuralChangeLinkSerializer(
        read_only=True, allow_null=True, help_text="Null for a round on a deliverable."
    )

    class Meta:
        model = ConsensusRound
        fields = ["id", "url", "deliverable", "structural_change", "state", "outcome"]


class DecisionSerializer(serializers.Serializer):
    """A decision as the minutes list it: the RESOLVED line and the positions stated."""

    id = serializers.IntegerField(source="decision.pk")
    url = serializers.SerializerMethodField()
    meeting = MeetingRefSerializer(source="decision.meeting")
    round = DecisionRoundSerializer(
        source="decision.round",
        help_text="The round decided on, as it stands now: closed with its outcome once every "
        "eligible agency has answered, else open for the agencies not present.",
    )
    revision = serializers.SerializerMethodField(
        help_text="The revision the round was on when the outcome was recorded; null for the "
        "record's rounds."
    )
    statement = serializers.CharField(
        source="decision.statement", help_text="The RESOLVED line the minutes carry."
    )
    positions_recorded = serializers.IntegerField(source="decision.positions_recorded")
    recorded_by = UserRefSerializer(source="decision.recorded_by")
    recorded_at = serializers.DateTimeField(source="decision.recorded_at")
    positions = StatedPositionSerializer(
        many=True, help_text="The positions stated at the meeting, by agency."
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, entry: MinutesEntry) -> str:
        decision = entry.decision
        return meeting_url(
            self.context["request"],
            "api:meeting-decision-detail",
            decision.meeting_id,
            decision=decision.pk,
        )

    @extend_schema_field(RevisionRefSerializer(allow_null=True))
    def get_revision(self, entry: MinutesEntry) -> dict | None:
        return revision_ref(self.context["request"], entry.decision.revision)


# Everyone present states the default; an objection is an agency's own, with its rationale.
DEFAULT_POSITIONS = [(kind, label) for kind, label in Position.Kind.choices if kind != "object"]


class OutcomeExceptionSerializer(ClosedBodySerializer):
    agency = StrictCharField(max_length=ACRONYM_MAX_LENGTH, help_text="The agency's acronym.")
    position = serializers.ChoiceField(choices=Position.Kind.choices)
    rationale = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=RATIONALE_MAX_LENGTH,
        help_text="Required for an objection: what blocks consensus and what would resolve it.",
    )

    def validate(self, attrs: dict) -> dict:
        try:
            attrs["rationale"] = checked(
                attrs["rationale"],
                limit=RATIONALE_MAX_LENGTH,
                required=attrs["position"] == Position.Kind.OBJECT,
                ask="An objection must give its rationale: what blocks consensus and what "
                "would resolve it.",
            )
        except serializers.ValidationError as refused:
            raise serializers.ValidationError({"rationale": refused.detail}) from None
        return attrs


class OutcomeRequestSerializer(ClosedBodySerializer):
    meeting = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the meeting where it was decided."
    )
    default = serializers.ChoiceField(
        choices=DEFAULT_POSITIONS,
        required=False,
        default=Position.Kind.CONCUR.value,
        help_text="What every eligible agency present stated, unless it is in `exceptions`. "
        "Default: concur.",
    )
    exceptions = OutcomeExceptionSerializer(
        many=True,
        required=False,
        default=list,
        max_length=500,
        help_text="The agencies present that stated something else, each once.",
    )

    def validate_meeting(self, value: int):
        return meeting_named(value)

    def validate_exceptions(self, rows: list[dict]) -> list[dict]:
        return resolve_agencies(rows)


# --- how each agency was told of a round -------------------------------------------------------

# apps.plenary.notices.notice_status's words, as the API's other codes are written.
NOTICE_STATUSES = ["delivered", "waiting", "failed", "bounced", "no_address", "other_channel"]


class NoticeSerializer(serializers.Serializer):
    """One notice (a mail to the agency's people, or another channel) and what became of it."""

    kind = serializers.ChoiceField(choices=AgencyNotice.Kind.choices, source="notice.kind")
    status = serializers.SerializerMethodField(
        help_text="delivered: the mail was sent; waiting: not yet; failed or bounced: not "
        "delivered; no_address: nobody to write to; other_channel: told another way."
    )
    created_at = serializers.DateTimeField(source="notice.created_at")
    note = serializers.CharField(
        source="notice.note", help_text="For another channel: how and when."
    )
    recorded_by = UserRefSerializer(
        source="notice.recorded_by",
        allow_null=True,
        help_text="Who recorded another channel; null for mails.",
    )

    @extend_schema_field(serializers.ChoiceField(choices=NOTICE_STATUSES))
    def get_status(self, state) -> str:
        return state.status.replace(" ", "_")


class AgencyNoticesSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    reachable = serializers.BooleanField(
        help_text="Whether it has a head of delegation or alternate with an address today."
    )
    told = serializers.BooleanField(
        help_text="Whether one of its notices was delivered (or it was told another way): "
        "only then does its silence count as no objection."
    )
    notices = NoticeSerializer(many=True, help_text="Oldest first.")


class NoticeQuerySerializer(serializers.Serializer):
    agency = serializers.CharField(
        required=False, max_length=ACRONYM_MAX_LENGTH, help_text="Only this agency (acronym)."
    )


class OtherChannelSerializer(ClosedBodySerializer):
    agency = StrictCharField(max_length=ACRONYM_MAX_LENGTH, help_text="The agency's acronym.")
    note = StrictCharField(
        max_length=NOTE_MAX_LENGTH,
        help_text="How and when it was told, e.g. 'phoned the head of delegation, 3 May'.",
    )

    def validate_agency(self, value: str):
        agency = agencies_named([value]).get(value.upper())
        if agency is None:
            raise serializers.ValidationError(no_agency(value))
        return agency

    def validate_note(self, value: str) -> str:
        return checked(value, limit=NOTE_MAX_LENGTH, required=True, ask="Say how and when.")
