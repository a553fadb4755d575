from django import forms

from apps.core.limits import FIRST_YEAR, LAST_YEAR, OUTLOOK_TEXT_MAX_LENGTH
from apps.groups.models import OutlookItem


class OutlookItemForm(forms.ModelForm):
    # The version the editor started from: groups.services refuses an edit over a newer one.
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page you edited from is out of date: reload it and make your "
            "change again.",
        },
    )

    class Meta:
        model = OutlookItem
        fields = ["text", "assessment", "assessment_note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "assessment_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def carry_version(self, version: int) -> None:
        """After a refusal that showed the current text: what was typed stays, and saving again
        replaces the text shown (the editor has now seen it)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = str(version)


class NewOutlookItemForm(forms.Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    text = forms.CharField(
        max_length=OUTLOOK_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
