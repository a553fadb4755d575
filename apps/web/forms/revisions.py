from django import forms
from django.conf import settings

from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from apps.documents.files import ACCEPTED_LIST
from apps.documents.models import Revision

# What a browser's file picker offers first; the service decides from the bytes.
ACCEPT = ".docx,.odt,.pdf"


class RevisionUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(
        label="What changed",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the first revision: what the text is.",
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            ("", "choose…"),
            (Revision.Kind.SUBSTANTIVE, "substantive: cancel the round, ask the agencies again"),
            (Revision.Kind.EDITORIAL, "editorial: the round goes on, on this text"),
        ],
        required=False,
        help_text="A consensus round is open on this deliverable.",
    )
    reason = forms.CharField(
        label="Why this kind",
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The delegates read it in their mail.",
    )

    def __init__(self, *args, round_open: bool = False, **kwargs) -> None:
        kwargs.setdefault("auto_id", "upload-%s")  # ids unique beside the page's other forms
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"{ACCEPTED_LIST[0].upper()}{ACCEPTED_LIST[1:]}, at most {settings.REVISION_MAX_MB} MB."
        )
        if not round_open:  # kind and reason are asked only during a round
            del self.fields["kind"], self.fields["reason"]


class RevisionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Mark as",
        choices=[
            (Revision.Status.SUPERSEDED, "superseded"),
            (Revision.Status.WITHDRAWN, "withdrawn"),
        ],
    )
    reason = forms.CharField(label="Reason", max_length=REASON_MAX_LENGTH)


class RevisionDiffForm(forms.Form):
    """?from=N&to=M: revision numbers ("from" is a keyword in Python, hence the fields dict)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", "From revision"), ("to", "To revision")):
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=32767
            )
