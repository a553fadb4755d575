"""Consensus rounds: positions, the tally, and what a user may do on a round now."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.agencies.models import Agency
from apps.core.limits import RATIONALE_MAX_LENGTH, REASON_MAX_LENGTH
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position

from .base import (
    AgencyRefSerializer,
    DateAsStoredField,
    DeliverableRefSerializer,
    MeetingRefSerializer,
    ReadSerializer,
    StrictCharField,
    UserRefSerializer,
    history_link,
    paginated,
)
from .changes import StructuralChangeLinkSerializer
from .revisions import RevisionRefSerializer, revision_ref


class PositionSerializer(ReadSerializer):
    agency = AgencyRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    revision = serializers.SerializerMethodField(
        help_text="The number of the revision the round was on when the position was given; "
        "null for a round with no revision in the tracker."
    )

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
            "revision",
        ]

    def get_revision(self, position: Position) -> int | None:
        return position.revision.number if position.revision_id else None


class ConsensusRoundSummarySerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-detail")
    history_url = history_link("api:consensus-round-history")
    positions_url = serializers.HyperlinkedIdentityField(view_name="api:consensus-round-positions")
    objections_url = serializers.HyperlinkedIdentityField(
        view_name="api:objection-list",
        lookup_url_kwarg="id",
        help_text="The round's objections, each followed to its resolution.",
    )
    deliverable = DeliverableRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The deliverable it decides; null for a round on a structural change.",
    )
    structural_change = StructuralChangeLinkSerializer(
        read_only=True,
        allow_null=True,
        help_text="The structural change it decides; null for a round on a deliverable.",
    )
    meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    opened_by = UserRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Null for a round of the record, whose opener the publications do not name.",
    )
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    opened_display = DateAsStoredField("opened_on", "dates_precision")
    revision = serializers.SerializerMethodField(
        help_text="The revision the round decides on (its SHA-256 kept when it opened, or when "
        "an editorial revision replaced it); null for the record's rounds, from before the "
        "tracker kept revisions."
    )

    class Meta:
        model = ConsensusRound
        fields = [
            "id",
            "url",
            "deliverable",
            "structural_change",
            "channel",
            "meeting",
            "opened_on",
            "dates_precision",
            "opened_display",
            "opened_at",
            "opened_by",
            "deadline",
            "state",
            "outcome",
            "closed_at",
            "closed_by",
            "close_reason",
            "revision",
            "history_url",
            "positions_url",
            "objections_url",
        ]

    @extend_schema_field(RevisionRefSerializer(allow_null=True))
    def get_revision(self, round: ConsensusRound) -> dict | None:
        text = round.revision if round.revision_id else None
        return revision_ref(self.context["request"], text, round.revision_sha256)


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
    silence_counts = serializers.SerializerMethodField(
        help_text="Of the agencies not answered, those told of the round (a notice delivered, "
        "or another channel recorded): their silence counts as no objection at the deadline."
    )
    silence_not_counted = serializers.SerializerMethodField(
        help_text="Of the agencies not answered, those never told: their silence is not "
        "counted as no objection (see notices_url)."
    )
    notices_url = serializers.HyperlinkedIdentityField(
        view_name="api:consensus-round-notices",
        help_text="How each agency was told of the round, and recording another channel.",
    )
    deadline_passed = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    may_close_now = serializers.SerializerMethodField()
    you_may_record_for = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    previous_objections_url = serializers.SerializerMethodField(
        help_text="When the round decided before this one was objected: its objections, which "
        "had to be answered before this round opened; null otherwise."
    )

    class Meta(ConsensusRoundSummarySerializer.Meta):
        fields = [
            *ConsensusRoundSummarySerializer.Meta.fields,
            "agencies",
            "tally",
            "not_answered",
            "silence_counts",
            "silence_not_counted",
            "notices_url",
            "deadline_passed",
            "days_left",
            "may_close_now",
            "you_may_record_for",
            "actions",
            "previous_objections_url",
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

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_silence_counts(self, round) -> list[str]:
        return [agency.acronym for agency in self._facts(round).silence_counts]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_silence_not_counted(self, round) -> list[str]:
        return [agency.acronym for agency in self._facts(round).silence_not_counted]

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

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_previous_objections_url(self, round) -> str | None:
        previous = self.context["previous_objected"]
        if previous is None:
            return None
        path = reverse("api:objection-list", kwargs={"id": previous.pk})
        return self.context["request"].build_absolute_uri(path)


class ConsensusRoundQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ConsensusRound.State.choices, required=False)
    channel = serializers.ChoiceField(choices=ConsensusRound.Channel.choices, required=False)
    deliverable = serializers.IntegerField(required=False, min_value=1)
    structural_change = serializers.IntegerField(
        required=False, min_value=1, help_text="The rounds on this structural change (its id)."
    )


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
    reason = StrictCharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="For the history; default: submitted for plenary consensus.",
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=32767,
        help_text="The number of the revision the round decides on (0 for 00; a current one "
        "of this deliverable's); default: its latest current revision.",
    )
    acknowledge_unreachable = serializers.ListField(
        child=StrictCharField(max_length=30),
        required=False,
        max_length=200,
        help_text="The acronyms of the eligible agencies nobody can be written to (no head of "
        "delegation or alternate with an address), acknowledged: the round opens anyway and "
        "their silence counts only once another channel is recorded. Without it, an opening "
        "with such agencies is refused (400 unreachable_not_acknowledged, listing them in "
        "`unreachable`).",
    )

    def validate_acknowledge_unreachable(self, acronyms: list[str]) -> list[str]:
        """The acronyms as the agencies spell them now; one that names none is a typo."""
        named = {agency.acronym.upper(): agency.acronym for agency in Agency.objects.all()}
        unknown = [acronym for acronym in acronyms if acronym.upper() not in named]
        if unknown:
            raise serializers.ValidationError(
                f"No agency with the acronym {', '.join(repr(a[:40]) for a in unknown[:5])}: "
                "see /api/v1/agencies/."
            )
        return [named[acronym.upper()] for acronym in acronyms]


class ChangeRoundOpenSerializer(RoundOpenSerializer):
    """A round on a proposed structural change: no revision, the proposal is what is decided."""

    revision = None
    reason = StrictCharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="For the history; default: proposed for plenary consensus.",
    )


class PositionRequestSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=Position.Kind.choices)
    rationale = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=RATIONALE_MAX_LENGTH,
        help_text="Required for an objection: what blocks consensus and what would resolve it.",
    )
    agency = StrictCharField(
        required=False,
        max_length=30,
        help_text="Acronym of the agency the position is for; needed only when you may speak "
        "for more than one (the secretariat, recording on an agency's behalf).",
    )


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "blank": "Say why: this step records a reason.",
            "required": "Say why: this step records a reason.",
        },
    )


class RoundExtendSerializer(ReasonSerializer):
    deadline = serializers.DateField(help_text="The new deadline, after the current one.")


PositionPage = paginated(PositionSerializer, "PositionPage")
RoundPage = paginated(ConsensusRoundSummarySerializer, "ConsensusRoundPage")
