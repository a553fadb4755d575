from django import forms

from apps.core.limits import REASON_MAX_LENGTH
from apps.plenary.models import Objection

RESPONSE_LABELS = {
    Objection.Status.RESOLVED: "How the revision answers it",
    Objection.Status.NOT_ACCEPTED: "Why it is not accepted",
    Objection.Status.WITHDRAWN: "Note (optional)",
}


class ObjectionAnswerForm(forms.Form):
    """One answer to an objection: `status` says which; resolved also names a revision."""

    status = forms.ChoiceField(choices=[(s, s) for s in RESPONSE_LABELS], widget=forms.HiddenInput)
    revision = forms.IntegerField(
        label="Resolved in revision",
        required=False,
        min_value=0,
        max_value=32767,
        help_text="A revision uploaded after the one the round decided on.",
    )
    response = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,  # the service says when it is needed, and why
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The agencies read it before the next round.",
    )

    def __init__(self, *args, objection_id: int, status: str, revisions=(), **kwargs) -> None:
        """`revisions`: the ones offered to resolve it in, newest first."""
        kwargs.setdefault("auto_id", f"objection-{objection_id}-{status}-%s")
        kwargs.setdefault("initial", {"status": status})
        super().__init__(*args, **kwargs)
        self.objection_id, self.answer = objection_id, status
        self.fields["response"].label = RESPONSE_LABELS[status]
        if status != Objection.Status.RESOLVED:
            del self.fields["revision"]
            return
        # Offered: the later revisions; any number is taken, the service says why it is not one.
        offered = [(r.number, f"{r.label} — {r.note[:60]}") for r in revisions]
        self.fields["revision"].widget = forms.Select(choices=[("", "choose…"), *offered])
