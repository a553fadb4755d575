from django import forms

from apps.core.limits import RATIONALE_MAX_LENGTH, REASON_MAX_LENGTH
from apps.documents.models import Revision
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position

from .common import date_input


class OpenRoundForm(forms.Form):
    channel = forms.ChoiceField(choices=ConsensusRound.Channel.choices)
    deadline = forms.DateField(
        required=False,
        widget=date_input(),
        help_text="Leave empty for 14 days from today.",
    )
    meeting = forms.ModelChoiceField(
        queryset=PlenaryMeeting.objects.order_by("-starts_on"), required=False
    )
    revision = forms.TypedChoiceField(
        label="On revision",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The text the agencies decide on.",
    )

    def __init__(self, *args, revisions=(), **kwargs) -> None:
        """`revisions`: the deliverable's, newest first; a round opens on a current one."""
        super().__init__(*args, **kwargs)
        current = [r for r in revisions if r.status == Revision.Status.CURRENT]
        if not current:  # no text in the tracker (yet): the round has no revision
            del self.fields["revision"]
            return
        self.fields["revision"].choices = [("", "the latest current revision")] + [
            (r.number, f"{r.label} — {r.note[:60]}") for r in current
        ]


class PositionForm(forms.Form):
    agency = forms.ChoiceField(label="For agency")
    position = forms.ChoiceField(choices=Position.Kind.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        required=False,
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for an objection: what blocks consensus and what would resolve it.",
    )

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.acronym, str(a)) for a in agencies]


class RoundDecisionForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        required=False,
        widget=date_input(),
        help_text="Only to extend: the new deadline.",
    )
