from django import forms
from django.utils import timezone

from apps.agencies.selectors import members_on
from apps.core.dates import date_as_stored
from apps.core.limits import NOTE_MAX_LENGTH, RATIONALE_MAX_LENGTH, REASON_MAX_LENGTH
from apps.documents.models import Revision
from apps.plenary.models import ConsensusRound, PlenaryMeeting, Position
from apps.plenary.notices import unreachable_agencies

from .common import date_input


class AcknowledgedField(forms.MultipleChoiceField):
    """The acronyms ticked, keeping only those still unreachable: one that became reachable
    since the page was read needs no acknowledgement, and one that became unreachable is not
    ticked, so the service refuses and the page asks for it."""

    def validate(self, value) -> None:
        pass

    def clean(self, value) -> list[str]:
        known = {str(key) for key, _ in self.choices}
        return [acronym for acronym in self.to_python(value) if acronym in known]


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
    acknowledge_unreachable = AcknowledgedField(
        label="Open it anyway for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each agency: you will tell it another way and record how on the "
        "round's page.",
    )

    def __init__(self, *args, revisions=(), unreachable=(), **kwargs) -> None:
        """`revisions`: the deliverable's, newest first; a round opens on a current one.
        `unreachable`: the agencies that would be eligible today with nobody to write to, each
        of which the secretariat must acknowledge."""
        super().__init__(*args, **kwargs)
        self.unreachable = list(unreachable)
        if self.unreachable:
            self.fields["acknowledge_unreachable"].choices = [
                (a.acronym, f"{a.acronym} — {a.name}") for a in self.unreachable
            ]
        else:
            del self.fields["acknowledge_unreachable"]
        current = [r for r in revisions if r.status == Revision.Status.CURRENT]
        if not current:  # no text in the tracker (yet): the round has no revision
            del self.fields["revision"]
            return
        self.fields["revision"].choices = [("", "the latest current revision")] + [
            (r.number, f"{r.label} — {r.note[:60]}") for r in current
        ]


def open_round_form(*, revisions, data=None) -> OpenRoundForm:
    """The form with the agencies that would be eligible if the round opened now and that
    nobody can be written to, each to acknowledge."""
    members = set(members_on(timezone.localdate()).values_list("pk", flat=True))
    return OpenRoundForm(data, revisions=revisions, unreachable=unreachable_agencies(members))


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


class OtherChannelForm(forms.Form):
    agency = forms.CharField(max_length=30, widget=forms.HiddenInput)
    # Not required here: the service says what is missing and how to say it.
    note = forms.CharField(
        label="How and when it was told",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
        help_text="E.g. 'phoned the head of delegation, 3 May'. Its silence then counts.",
    )


EXCEPTION_CHOICES = [("", "— the default —"), *Position.Kind.choices]


class OutcomeForm(forms.Form):
    """The outcome of a round at a meeting, for every agency present in one post: a default
    position, and per agency an exception (blank: the default) with its rationale. Every
    eligible agency has its fields, so an exception for one absent reaches the service, which
    refuses it."""

    meeting = forms.TypedChoiceField(coerce=int, label="At the meeting")
    default = forms.ChoiceField(
        label="Position of every agency present",
        choices=Position.Kind.choices,
        initial=Position.Kind.CONCUR,
        help_text="Unless you give an agency its own position below.",
    )

    def __init__(self, *args, meetings=(), agencies=(), **kwargs) -> None:
        """`meetings`: those the outcome may be recorded at, most recent first; `agencies`:
        the round's eligible agencies."""
        kwargs.setdefault("auto_id", "outcome-%s")  # ids of its own beside the position form
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [(m.pk, meeting_label(m)) for m in meetings]
        self.agencies = list(agencies)
        for agency in self.agencies:
            # In a table row that names the agency: the label is read out, not shown.
            position, rationale = f"{agency.acronym}'s position", f"{agency.acronym}'s rationale"
            self.fields[f"position_{agency.pk}"] = forms.ChoiceField(
                label=position,
                choices=EXCEPTION_CHOICES,
                required=False,
                widget=forms.Select(attrs={"aria-label": position}),
            )
            self.fields[f"rationale_{agency.pk}"] = forms.CharField(
                label=rationale,
                max_length=RATIONALE_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "aria-label": rationale}),
            )

    def exceptions(self) -> dict:
        """agency -> (position, rationale) for each agency given a position or a rationale."""
        data, default = self.cleaned_data, self.cleaned_data["default"]
        found = {}
        for agency in self.agencies:
            position = data.get(f"position_{agency.pk}") or ""
            rationale = data.get(f"rationale_{agency.pk}") or ""
            if position or rationale.strip():
                found[agency] = (position or default, rationale)
        return found


def meeting_label(meeting: PlenaryMeeting) -> str:
    return f"{meeting.title} ({date_as_stored(meeting.starts_on, meeting.starts_precision)})"
