from django import forms

from apps.core.limits import REASON_MAX_LENGTH

from .common import DateAsTypedField

OTHER = "other"


class AppointmentDatesSettleForm(forms.Form):
    """Settle what the sources disagree on: one of the accounts offered, or another date."""

    choice = forms.ChoiceField(label="The date the record keeps", widget=forms.RadioSelect)
    date = DateAsTypedField(label="Another date", required=False)  # the service says when
    reason = forms.CharField(
        label="Why (kept in the history)",
        max_length=REASON_MAX_LENGTH,
        required=False,  # the service says it is needed, and why
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, accounts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = [
            (str(a.pk), f"{a.date_display}, as the {a.source} says: “{a.words}”") for a in accounts
        ]
        self.fields["choice"].choices = [*offered, (OTHER, "Another date, given below")]
