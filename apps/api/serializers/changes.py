"""Structural changes as the API shows them (the proposal, where it stands, its lineage and
what this user may do on it), and the bodies that propose, amend, withdraw and endorse one.
Every rule is apps.groups.changes'; the bodies name groups by acronym and check the types."""

from django.db.models.functions import Upper
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.dates import DatePrecision
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH
from apps.groups.change_selectors import change_lineage, takes_effect_label
from apps.groups.models import ChangeState, StructuralChange, SubTeam, WorkingGroup

from .base import (
    ClosedBodySerializer,
    DateAsStoredField,
    GroupRefSerializer,
    MeetingRefSerializer,
    ReadSerializer,
    StrictCharField,
    UserRefSerializer,
    history_link,
)
from .meetings import StrictBooleanField

ACTIONS = ["amend", "withdraw", "open_round", "endorse"]


class SubTeamRefSerializer(ReadSerializer):
    group = serializers.CharField(source="group.acronym", help_text="Its group's acronym.")

    class Meta:
        model = SubTeam
        fields = ["id", "name", "kind", "status", "group"]


class NewGroupSerializer(serializers.Serializer):
    """A group the change sets up (an establishment: one; a split: two or more)."""

    acronym = StrictCharField(max_length=20)
    name = StrictCharField(max_length=200)
    mandate = StrictCharField(max_length=SUMMARY_MAX_LENGTH)


class EndedGroupSerializer(serializers.Serializer):
    group = GroupRefSerializer()
    successor = GroupRefSerializer(
        allow_null=True, help_text="The group it went into (merger, absorption); null otherwise."
    )


class LineageNewGroupSerializer(serializers.Serializer):
    acronym = serializers.CharField()
    name = serializers.CharField()
    mandate = serializers.CharField()
    group = GroupRefSerializer(allow_null=True, help_text="The group set up; null until then.")


class LineageSerializer(serializers.Serializer):
    """What the change does to the groups: made (`made` true, read from the groups
    themselves) once it is in effect, else what it would make if decided."""

    made = serializers.BooleanField()
    ending = serializers.SerializerMethodField(
        help_text="The groups it ends, with the group they go into."
    )
    into = GroupRefSerializer(allow_null=True, help_text="The group taking over, if any.")
    new_groups = LineageNewGroupSerializer(
        many=True, help_text="The groups it sets up, with the group each became once in effect."
    )
    new_name = serializers.CharField()
    new_acronym = serializers.CharField()

    @extend_schema_field(EndedGroupSerializer(many=True))
    def get_ending(self, lineage) -> list:
        rows = [
            {"group": g, "successor": g.successor if lineage.made else lineage.into}
            for g in lineage.ending
        ]
        return EndedGroupSerializer(rows, many=True, context=self.context).data


class StructuralChangeSerializer(ReadSerializer):
    """A proposal to change the shape of ISECG, where it stands, and what it does. Its ETag is
    its version."""

    url = serializers.HyperlinkedIdentityField(view_name="api:structural-change-detail")
    history_url = history_link("api:structural-change-history")
    consensus_rounds_url = serializers.HyperlinkedIdentityField(
        view_name="api:structural-change-consensus-rounds",
        help_text="Its consensus rounds; POST there (secretariat) to open one.",
    )
    state_label = serializers.CharField(read_only=True)
    takes_effect = serializers.SerializerMethodField(
        help_text="For a decided change: 'in effect', or when it takes effect; '' otherwise (a "
        "proposal has not happened)."
    )
    effective_display = DateAsStoredField("effective_on", "effective_precision")
    decided_display = DateAsStoredField("decided_on", "decided_precision")
    endorsed_display = DateAsStoredField("endorsed_on", "endorsed_precision")
    groups = GroupRefSerializer(many=True, read_only=True)
    sub_teams = SubTeamRefSerializer(many=True, read_only=True)
    into_group = GroupRefSerializer(read_only=True, allow_null=True)
    new_groups = NewGroupSerializer(many=True, read_only=True)
    meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    proposed_by = UserRefSerializer(read_only=True, allow_null=True)
    notes = serializers.SerializerMethodField(
        help_text="The secretariat's notes: to the secretariat only ('' for anyone else); "
        "never printed in a report."
    )
    lineage = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What you may do on it now: amend and withdraw (PATCH, withdraw/) while "
        "proposed; open_round (consensus_rounds_url) for the secretariat while proposed; "
        "endorse (endorse/) for the secretariat while awaiting the SAMs."
    )

    class Meta:
        model = StructuralChange
        fields = [
            "id",
            "url",
            "kind",
            "state",
            "state_label",
            "takes_effect",
            "summary",
            "effective_on",
            "effective_precision",
            "effective_display",
            "groups",
            "sub_teams",
            "into_group",
            "new_groups",
            "new_name",
            "new_acronym",
            "new_mandate",
            "needs_sam_endorsement",
            "meeting",
            "proposed_by",
            "proposed_at",
            "decided_on",
            "decided_precision",
            "decided_display",
            "endorsed_on",
            "endorsed_precision",
            "endorsed_display",
            "decision",
            "applied_at",
            "version",
            "lineage",
            "notes",
            "source",
            "actions",
            "consensus_rounds_url",
            "history_url",
        ]

    def get_takes_effect(self, change: StructuralChange) -> str:
        return takes_effect_label(change)

    def get_notes(self, change: StructuralChange) -> str:
        return change.notes if self.context.get("secretariat") else ""

    @extend_schema_field(LineageSerializer)
    def get_lineage(self, change: StructuralChange) -> dict:
        return LineageSerializer(change_lineage(change), context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS)))
    def get_actions(self, change: StructuralChange) -> list[str]:
        return list(self.context["actions"](change))


class StructuralChangeLinkSerializer(ReadSerializer):
    """The structural change a consensus round decides."""

    url = serializers.HyperlinkedIdentityField(view_name="api:structural-change-detail")

    class Meta:
        model = StructuralChange
        fields = ["id", "url", "kind", "state", "effective_on", "effective_precision"]


class StructuralChangeQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ChangeState.choices, required=False)
    kind = serializers.ChoiceField(choices=StructuralChange.Kind.choices, required=False)
    group = serializers.CharField(
        required=False,
        max_length=20,
        help_text="A working group's acronym: the changes it is in (affected, taking over, or "
        "set up).",
    )


def _groups_named(acronyms: list[str]) -> list[WorkingGroup]:
    """The active groups of these acronyms, in the order given; a name that is none is a 400."""
    wanted = [acronym.upper() for acronym in acronyms]
    found = {
        group.key: group
        for group in WorkingGroup.objects.annotate(key=Upper("acronym")).filter(
            key__in=wanted, status="active"
        )
    }
    unknown = [acronym for acronym in acronyms if acronym.upper() not in found]
    if unknown:
        raise serializers.ValidationError(
            f"No active working group with the acronym {', '.join(repr(a[:20]) for a in unknown)}"
            ": see /api/v1/working-groups/?status=active."
        )
    return [found[key] for key in dict.fromkeys(wanted)]


class ChangeTextsSerializer(ClosedBodySerializer):
    """What a proposal says, for proposing and amending alike."""

    summary = StrictCharField(
        max_length=SUMMARY_MAX_LENGTH, help_text="What changes, as a report would say it."
    )
    effective_on = serializers.DateField(
        help_text="When it is to take effect: the first day of the month or year when only "
        "that is known (effective_precision says which)."
    )
    effective_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, required=False, default=DatePrecision.DAY
    )
    new_groups = NewGroupSerializer(
        many=True,
        required=False,
        max_length=10,
        help_text="The groups it sets up: one for an establishment, two or more for a split.",
    )
    new_name = StrictCharField(required=False, allow_blank=True, max_length=200)
    new_acronym = StrictCharField(required=False, allow_blank=True, max_length=20)
    new_mandate = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=SUMMARY_MAX_LENGTH,
        help_text="For a mandate change.",
    )
    needs_sam_endorsement = StrictBooleanField(required=False, default=False)
    notes = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text="The secretariat's notes, never printed.",
    )


class ChangeProposeSerializer(ChangeTextsSerializer):
    kind = serializers.ChoiceField(choices=StructuralChange.Kind.choices)
    groups = serializers.ListField(
        child=StrictCharField(max_length=20),
        required=False,
        max_length=10,
        help_text="The acronyms of the active groups it affects: none for an establishment, "
        "one for a split, renaming or mandate change, two or more for a partial merger.",
    )
    into_group = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="For a merger or an absorption: the acronym of the group taking over.",
    )
    sub_teams = serializers.PrimaryKeyRelatedField(
        queryset=SubTeam.objects.all(),
        many=True,
        required=False,
        help_text="The ids of the sub-teams it ends (of the groups it affects or the one "
        "taking over).",
    )
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="For the history.",
    )

    def validate_groups(self, acronyms: list[str]) -> list[WorkingGroup]:
        return _groups_named(acronyms)

    def validate_into_group(self, acronym: str) -> WorkingGroup | None:
        return _groups_named([acronym])[0] if acronym else None


class ChangeAmendSerializer(ChangeTextsSerializer):
    """Every field optional: what is sent replaces what the proposal says."""

    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        help_text="Why it is amended, for the history (e.g. to answer an objection).",
        error_messages={"required": "Say why it is amended: the history records it."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "reason":
                field.required = False
                # A field left out is left as it is, not reset to its default.
                field.default = serializers.empty


class ChangeWithdrawSerializer(ClosedBodySerializer):
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "blank": "Say why it is withdrawn: the history records it.",
            "required": "Say why it is withdrawn: the history records it.",
        },
    )


class ChangeEndorseSerializer(ClosedBodySerializer):
    endorsed_on = serializers.DateField(help_text="The day the SAMs endorsed it: today or earlier.")
    decision = StrictCharField(
        max_length=REASON_MAX_LENGTH,
        help_text="How they endorsed it, as a report would say it, e.g. 'approved by the "
        "senior agency managers'.",
    )
