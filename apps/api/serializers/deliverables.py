"""Deliverables: their representation, filters, progress updates and workflow moves."""

from rest_framework import serializers

from apps.core.dates import DatePrecision
from apps.core.limits import REASON_MAX_LENGTH
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.selectors import SORTS
from apps.deliverables.services import PROGRESS_FIELDS

from .base import (
    YEAR_RANGE,
    ClosedBodySerializer,
    DateAsStoredField,
    DeliverableRefSerializer,
    GroupRefSerializer,
    ReadSerializer,
    StrictCharField,
    history_link,
)


class DeliverableSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-detail")
    history_url = history_link("api:deliverable-history")
    transitions_url = serializers.HyperlinkedIdentityField(view_name="api:deliverable-transitions")
    consensus_rounds_url = serializers.HyperlinkedIdentityField(
        view_name="api:deliverable-consensus-rounds"
    )
    revisions_url = serializers.HyperlinkedIdentityField(
        view_name="api:revision-list", lookup_url_kwarg="id"
    )
    lead_group = GroupRefSerializer(read_only=True)
    contributing_groups = GroupRefSerializer(many=True, read_only=True)
    part_of = DeliverableRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The product this is a chapter or part of (then not listed in Annex I).",
    )
    target_display = DateAsStoredField("target_date", "target_precision")
    published_display = DateAsStoredField("published_on", "published_precision")

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
            "target_display",
            "percent_complete",
            "rag",
            "next_milestone",
            "status_note",
            "summary",
            "published_on",
            "published_precision",
            "published_display",
            "link",
            "needs_sam_endorsement",
            "part_of",
            "listed_as_publication",
            "notes",
            "source",
            "version",
            "updated_at",
            "history_url",
            "transitions_url",
            "consensus_rounds_url",
            "revisions_url",
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


class ProgressUpdateSerializer(ClosedBodySerializer):
    """The progress fields a PATCH may change; anything else is refused, not ignored."""

    unknown_field_message = (
        "This field cannot be changed here. A PATCH changes progress only: "
        f"{', '.join(PROGRESS_FIELDS)} (and an optional reason)."
    )

    percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    rag = serializers.ChoiceField(
        choices=[*Deliverable.Rag.choices, ("", "not set")], required=False
    )
    next_milestone = StrictCharField(required=False, allow_blank=True, max_length=300)
    target_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The target day (YYYY-MM-DD), or the first day of the target month or year "
        "with target_precision. A new date sent without target_precision is a day; the date "
        "already stored keeps its precision.",
    )
    target_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        required=False,
        help_text="How precise target_date is: 'year' (send 1 January), 'month' (send its "
        "1st), 'day', or 'on_or_before' (no later than target_date).",
    )
    status_note = StrictCharField(required=False, allow_blank=True)
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why, for the history (e.g. 'after the June telecon').",
    )

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
    reason = StrictCharField(
        max_length=REASON_MAX_LENGTH,
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
