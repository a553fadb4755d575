from django import forms

from apps.watching.models import FeedAddress, Level, Watch


class WatchForm(forms.Form):
    """Watch or stop watching one target; it always acts on the signed-in person's own watch."""

    scope = forms.ChoiceField(choices=Watch.Scope.choices)
    target = forms.IntegerField(required=False, min_value=1)
    level = forms.ChoiceField(choices=Level.choices, required=False)
    digest = forms.BooleanField(required=False)
    action = forms.ChoiceField(choices=[("watch", "watch"), ("stop", "stop watching")])
    next = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict:
        data = super().clean()
        scope, target = data.get("scope"), data.get("target")
        if scope in (Watch.Scope.DELIVERABLE, Watch.Scope.GROUP) and not target:
            raise forms.ValidationError(f"Say which {scope} to watch.")
        if scope == Watch.Scope.EVERYTHING and target:
            raise forms.ValidationError("Watching everything names no deliverable or group.")
        if data.get("action") == "watch" and not data.get("level"):
            data["level"] = Level.SIGNIFICANT
        return data


class FeedAddressForm(forms.Form):
    kind = forms.ChoiceField(choices=FeedAddress.Kind.choices)
    action = forms.ChoiceField(choices=[("issue", "make a new address"), ("revoke", "revoke")])
