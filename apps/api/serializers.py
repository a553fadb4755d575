"""What the API reads and writes. Representations only: rules live in the services and in
accounts.permissions; query-parameter serializers turn a bad filter into a 400 per field."""

from django.contrib.auth.models import User
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agencies.models import Agency, AgencyName
from apps.deliverables.models import Activity, Deliverable, DeliverableState
from apps.deliverables.selectors import SORTS
from apps.deliverables.services import PROGRESS_FIELDS
from apps.groups.models import (
    CoChairAppointment,
    GroupStatus,
    OutlookItem,
    StructuralChange,
    WorkingGroup,
)
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position
from apps.reports.models import ReportDraft

YEAR_RANGE = {"min_value": 2007, "max_value": 2100}


class ReadSerializer(serializers.ModelSerializer):
    """A representation: every field is output only (writes go through the services)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
            field.required = False
        return fields


# --- references: the few fields that name a related object --------------------------------


class UserRefSerializer(ReadSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class AgencyRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail")

    class Meta:
        model = Agency
        fields = ["id", "url", "acronym", "name"]


class GroupRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:working-group-detail")

    class Meta:
        model = WorkingGroup
        fields = ["id", "url", "acronym", "name"]


class DeliverableRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-detail")

    class Meta:
        model = Deliverable
        fields = ["id", "url", "title", "edition", "state"]


class MeetingRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")

    class Meta:
        model = PlenaryMeeting
        fields = ["id", "url", "title", "kind", "starts_on"]


def history_link(view_name: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=view_name, read_only=True)


# --- the ISECG record ----------------------------------------------------------------------


class AgencyNameSerializer(ReadSerializer):
    class Meta:
        model = AgencyName
        fields = ["name", "acronym", "used_until", "used_until_precision", "note"]


class AgencySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail")
    history_url = history_link("api:agency-history")
    earlier_names = AgencyNameSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "country",
            "joined_on",
            "joined_precision",
            "left_on",
            "left_precision",
            "website",
            "earlier_names",
            "notes",
            "source",
            "history_url",
        ]


class AgencyQuerySerializer(serializers.Serializer):
    member_on = serializers.DateField(
        required=False, help_text="Only the agencies that are members on this day (YYYY-MM-DD)."
    )


class StructuralChangeRefSerializer(ReadSerializer):
    class Meta:
        model = StructuralChange
        fields = ["id", "kind", "effective_on", "effective_precision", "summary", "decision"]


class WorkingGroupSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:working-group-detail")
    history_url = history_link("api:working-group-history")
    status_change = StructuralChangeRefSerializer(read_only=True, allow_null=True)
    successor = GroupRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "mandate",
            "established_on",
            "established_precision",
            "status",
            "status_change",
            "successor",
            "notes",
            "source",
            "history_url",
        ]


class WorkingGroupQuerySerializer(serializers.Serializer):
    active_on = serializers.DateField(
        required=False,
        help_text="Only the groups active on this day: established by then, not yet merged, "
        "absorbed or closed.",
    )
    status = serializers.ChoiceField(choices=GroupStatus.choices, required=False)
    acronym = serializers.CharField(required=False, max_length=20)


class CoChairAppointmentSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cochair-appointment-detail")
    history_url = history_link("api:cochair-appointment-history")
    person = UserRefSerializer(read_only=True)
    agency = AgencyRefSerializer(read_only=True)
    group = GroupRefSerializer(read_only=True)

    class Meta:
        model = CoChairAppointment
        fields = [
            "id",
            "url",
            "person",
            "agency",
            "group",
            "starts_on",
            "ends_on",
            "source",
            "history_url",
        ]


class CoChairAppointmentQuerySerializer(serializers.Serializer):
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    agency = serializers.CharField(required=False, max_length=30, help_text="Agency acronym.")
    on = serializers.DateField(required=False, help_text="Only appointments in force that day.")


class OutlookItemSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:outlook-item-detail")
    history_url = history_link("api:outlook-item-history")
    group = GroupRefSerializer(read_only=True, allow_null=True)
    partner_groups = GroupRefSerializer(many=True, read_only=True)
    planned_deliverables = DeliverableRefSerializer(many=True, read_only=True)

    class Meta:
        model = OutlookItem
        fields = [
            "id",
            "url",
            "year",
            "group",
            "partner_groups",
            "position",
            "text",
            "planned_deliverables",
            "assessment",
            "assessment_note",
            "source",
            "history_url",
        ]


class OutlookItemQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    priorities = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only the ISECG Priorities (no group); false: only groups' items.",
    )


# --- deliverables ----------------------------------------------------------------------------


class DeliverableSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-detail")
    history_url = history_link("api:deliverable-history")
    transitions_url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-transitions")
    consensus_rounds_url = serializers.HyperlinkedIdentityField(
        view_name="api:deliverable-consensus-rounds"
    )
    lead_group = GroupRefSerializer(read_only=True)
    contributing_groups = GroupRefSerializer(many=True, read_only=True)

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "edition",
            "state",
            "lead_group",
            "contributing_groups",
            "target_date",
            "target_precision",
            "percent_complete",
            "rag",
            "next_milestone",
            "status_note",
            "summary",
            "published_on",
            "published_precision",
            "link",
            "needs_sam_endorsement",
            "notes",
            "source",
            "version",
            "updated_at",
            "history_url",
            "transitions_url",
            "consensus_rounds_url",
        ]


class DeliverableQuerySerializer(serializers.Serializer):
    group = serializers.CharField(
        required=False, max_length=20, help_text="Lead working group acronym, e.g. TWG."
    )
    state = serializers.ChoiceField(choices=DeliverableState.choices, required=False)
    kind = serializers.ChoiceField(choices=Deliverable.Kind.choices, required=False)
    year = serializers.IntegerField(
        required=False, help_text="Target or publication year.", **YEAR_RANGE
    )
    rag = serializers.ChoiceField(choices=Deliverable.Rag.choices, required=False)
    search = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Words in the title, summary, status note or next milestone.",
    )
    ordering = serializers.ChoiceField(
        choices=list(SORTS),
        required=False,
        help_text="Sort key; a leading '-' sorts descending. Default: -updated.",
    )


class ProgressUpdateSerializer(serializers.Serializer):
    """The progress fields a PATCH may change; anything else is refused, not ignored."""

    percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    rag = serializers.ChoiceField(
        choices=[*Deliverable.Rag.choices, ("", "not set")], required=False
    )
    next_milestone = serializers.CharField(required=False, allow_blank=True, max_length=300)
    target_date = serializers.DateField(required=False, allow_null=True)
    status_note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why, for the history (e.g. 'after the June telecon').",
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            "This field cannot be changed here. A PATCH changes progress only: "
                            f"{', '.join(PROGRESS_FIELDS)} (and an optional reason)."
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        if not set(attrs) & set(PROGRESS_FIELDS):
            raise serializers.ValidationError(
                f"Nothing to change: give at least one of {', '.join(PROGRESS_FIELDS)}."
            )
        return attrs


class MoveSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The move's name in the workflow table.")
    label = serializers.CharField()
    to = serializers.ChoiceField(choices=DeliverableState.choices)
    needs = serializers.ListField(
        child=serializers.CharField(), help_text="The body fields this move requires."
    )
    endpoint = serializers.CharField(
        allow_null=True,
        help_text="Where to make it when not by POST to this URL: consensus-round moves go "
        "through the round endpoints.",
    )


class TransitionsSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=DeliverableState.choices)
    version = serializers.IntegerField()
    transitions = MoveSerializer(many=True)


class TransitionRequestSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=DeliverableState.choices,
        error_messages={
            "invalid_choice": '"{input}" is not a state. Use one of: '
            + ", ".join(DeliverableState.values)
            + "."
        },
    )
    reason = serializers.CharField(
        max_length=5000,
        error_messages={
            "blank": "Say why: every move records a reason (for a return, what to fix).",
            "required": "Say why: every move records a reason (for a return, what to fix).",
        },
    )
    published_on = serializers.DateField(
        required=False, help_text="For publishing: the publication date."
    )
    link = serializers.URLField(
        required=False, allow_blank=True, help_text="For publishing: where it is published."
    )

    def validate(self, attrs):
        if attrs["to"] == DeliverableState.PUBLISHED and not attrs.get("published_on"):
            raise serializers.ValidationError(
                {"published_on": ["Give the publication date to mark a deliverable published."]}
            )
        return attrs


class ActivitySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    history_url = history_link("api:activity-history")
    deliverables = DeliverableRefSerializer(many=True, read_only=True)
    group = GroupRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "occurred_on",
            "occurred_precision",
            "event",
            "place",
            "link",
            "deliverables",
            "group",
            "summary",
            "source",
            "history_url",
        ]


class ActivityQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    group = serializers.CharField(required=False, max_length=20, help_text="Working group acronym.")
    deliverable = serializers.IntegerField(
        required=False, min_value=1, help_text="Only activities promoting this deliverable (id)."
    )


# --- plenary -----------------------------------------------------------------------------------


class MeetingSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    history_url = history_link("api:meeting-history")
    host_agency = AgencyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PlenaryMeeting
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "starts_on",
            "starts_precision",
            "ends_on",
            "place",
            "host_agency",
            "minutes",
            "source",
            "history_url",
        ]


class MeetingQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlenaryMeeting.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, **YEAR_RANGE)


class PositionSerializer(ReadSerializer):
    agency = AgencyRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "agency",
            "position",
            "rationale",
            "recorded_by",
            "on_behalf",
            "recorded_at",
        ]


class ConsensusRoundSummarySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-detail")
    history_url = history_link("api:consensus-round-history")
    positions_url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-positions")
    deliverable = DeliverableRefSerializer(read_only=True)
    meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    opened_by = UserRefSerializer(read_only=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ConsensusRound
        fields = [
            "id",
            "url",
            "deliverable",
            "channel",
            "meeting",
            "opened_on",
            "opened_at",
            "opened_by",
            "deadline",
            "state",
            "outcome",
            "closed_at",
            "closed_by",
            "close_reason",
            "history_url",
            "positions_url",
        ]


class AgencyPositionSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    latest = PositionSerializer(
        allow_null=True, help_text="The position that counts; null: not answered yet."
    )
    earlier = PositionSerializer(many=True, help_text="Positions it recorded before, newest first.")


class TallySerializer(serializers.Serializer):
    concur = serializers.IntegerField()
    no_objection = serializers.IntegerField()
    abstain = serializers.IntegerField()
    object = serializers.IntegerField()


class ConsensusRoundSerializer(ConsensusRoundSummarySerializer):
    """A round with where it stands: every eligible agency's position, the tally, who is silent,
    and what this user may do on it now."""

    agencies = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField()
    not_answered = serializers.SerializerMethodField()
    deadline_passed = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    may_close_now = serializers.SerializerMethodField()
    you_may_record_for = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(ConsensusRoundSummarySerializer.Meta):
        fields = [
            *ConsensusRoundSummarySerializer.Meta.fields,
            "agencies",
            "tally",
            "not_answered",
            "deadline_passed",
            "days_left",
            "may_close_now",
            "you_may_record_for",
            "actions",
        ]

    def _facts(self, round):
        return self.context["facts"]

    @extend_schema_field(AgencyPositionSerializer(many=True))
    def get_agencies(self, round) -> list:
        return AgencyPositionSerializer(
            self._facts(round).rows, many=True, context=self.context
        ).data

    @extend_schema_field(TallySerializer)
    def get_tally(self, round) -> dict:
        return self._facts(round).tally

    @extend_schema_field(AgencyRefSerializer(many=True))
    def get_not_answered(self, round) -> list:
        return AgencyRefSerializer(
            self._facts(round).not_answered, many=True, context=self.context
        ).data

    def get_deadline_passed(self, round) -> bool:
        return self._facts(round).deadline_passed

    def get_days_left(self, round) -> int:
        return self._facts(round).days_left

    def get_may_close_now(self, round) -> bool:
        return self._facts(round).may_close_now

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_you_may_record_for(self, round) -> list[str]:
        return self.context["speaks_for"]

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=["record_position", "close", "extend", "cancel"])
        )
    )
    def get_actions(self, round) -> list[str]:
        return self.context["actions"]


class ConsensusRoundQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ConsensusRound.State.choices, required=False)
    channel = serializers.ChoiceField(choices=ConsensusRound.Channel.choices, required=False)
    deliverable = serializers.IntegerField(required=False, min_value=1)


class RoundOpenSerializer(serializers.Serializer):
    deadline = serializers.DateField(
        required=False,
        help_text="Positions are taken until the end of this day (UTC). Default: in 14 days.",
    )
    channel = serializers.ChoiceField(choices=ConsensusRound.Channel.choices)
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=PlenaryMeeting.objects.all(),
        required=False,
        allow_null=True,
        help_text="The meeting (id) where it is decided, if any.",
        error_messages={"does_not_exist": "No meeting with id {pk_value}: see /api/v1/meetings/."},
    )
    reason = serializers.CharField(
        required=False,
        max_length=5000,
        help_text="For the history; default: submitted for plenary consensus.",
    )


class PositionRequestSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=Position.Kind.choices)
    rationale = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Required for an objection: what blocks consensus and what would resolve it.",
    )
    agency = serializers.CharField(
        required=False,
        max_length=30,
        help_text="Acronym of the agency the position is for; needed only when you may speak "
        "for more than one (the secretariat, recording on an agency's behalf).",
    )

    def validate(self, attrs):
        if attrs["position"] == Position.Kind.OBJECT and not attrs.get("rationale", "").strip():
            raise serializers.ValidationError(
                {
                    "rationale": [
                        "An objection must give its rationale: say what blocks consensus and "
                        "what would resolve it."
                    ]
                }
            )
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000,
        error_messages={
            "blank": "Say why: this step records a reason.",
            "required": "Say why: this step records a reason.",
        },
    )


class RoundExtendSerializer(ReasonSerializer):
    deadline = serializers.DateField(help_text="The new deadline, after the current one.")


# --- history ---------------------------------------------------------------------------------


def paginated(child: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """One page of a list served under an object (its history, a round's positions)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": child(many=True),
            "__module__": __name__,
        },
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(
        allow_null=True, help_text="The value before (ids for related objects)."
    )
    new = serializers.JSONField(allow_null=True, help_text="The value after.")
    old_display = serializers.CharField(help_text="The value before, as a person reads it.")
    new_display = serializers.CharField(help_text="The value after, as a person reads it.")


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The history row's id.")
    when = serializers.DateTimeField()
    who = UserRefSerializer(allow_null=True, help_text="Null: the system (e.g. a deadline job).")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_null=True)
    changes = ChangeSerializer(
        many=True, help_text="What changed from what to what; on creation, the initial values."
    )


HistoryPage = paginated(HistoryEntrySerializer, "HistoryPage")
PositionPage = paginated(PositionSerializer, "PositionPage")
RoundPage = paginated(ConsensusRoundSummarySerializer, "ConsensusRoundPage")


# --- tokens ----------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        required=False, max_length=150, help_text="Not needed when already signed in."
    )
    password = serializers.CharField(
        required=False,
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as 'Authorization: Token <token>'.")
    username = serializers.CharField()
    created = serializers.DateTimeField()


# --- annual report drafts --------------------------------------------------------------------


class ReportDraftSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:report-draft-detail")
    history_url = history_link("api:report-draft-history")
    requested_by = UserRefSerializer(read_only=True, allow_null=True)
    docx_url = serializers.SerializerMethodField(
        help_text="Download of the editable DOCX; null until the draft is done."
    )
    html_url = serializers.SerializerMethodField(
        help_text="Download of the HTML preview; null until the draft is done."
    )

    class Meta:
        model = ReportDraft
        fields = [
            "id",
            "url",
            "year",
            "version",
            "state",
            "percent",
            "current_section",
            "requested_by",
            "origin",
            "checksum",
            "checklist_items",
            "error",
            "waiting_reason",
            "created_at",
            "started_at",
            "finished_at",
            "docx_url",
            "html_url",
            "history_url",
        ]

    def _file_url(self, draft: ReportDraft, kind: str) -> str | None:
        if draft.state != ReportDraft.State.DONE or not getattr(draft, kind):
            return None
        return self.context["request"].build_absolute_uri(
            reverse(f"api:report-draft-{kind}", args=[draft.pk])
        )

    def get_docx_url(self, draft: ReportDraft) -> str | None:
        return self._file_url(draft, "docx")

    def get_html_url(self, draft: ReportDraft) -> str | None:
        return self._file_url(draft, "html")


class ReportDraftQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, **YEAR_RANGE)
    state = serializers.ChoiceField(choices=ReportDraft.State.choices, required=False)


class ReportDraftRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        help_text="The year the report is about (usually last year).", **YEAR_RANGE
    )
