from django import forms

from apps.core.limits import NOTE_MAX_LENGTH


class CommentForm(forms.Form):
    """A comment on a revision, or (with `parent`) a reply to one; the service checks the rest."""

    body = forms.CharField(
        label="Comment",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    quote = forms.CharField(
        label="Quoted passage",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: the revision's own words you comment on, copied from its text.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, reply_to: int | None = None, **kwargs) -> None:
        # ids unique on a page with a reply form under every comment
        kwargs.setdefault("auto_id", f"reply-{reply_to}-%s" if reply_to else "comment-%s")
        if reply_to:
            kwargs.setdefault("initial", {"parent": reply_to})
        super().__init__(*args, **kwargs)
        self.reply_to = reply_to
        if reply_to:
            self.fields["body"].label = "Reply"
