from django import forms

from apps.core.limits import FIRST_YEAR, LAST_YEAR, REASON_MAX_LENGTH


class ReportRequestForm(forms.Form):
    year = forms.IntegerField(label="Year to draft", min_value=FIRST_YEAR, max_value=LAST_YEAR)


class ReportSummaryForm(forms.Form):
    """The Executive Summary of a year; reports.narratives checks the text and the version."""

    executive_summary = forms.CharField(
        label="Executive Summary",
        required=False,  # a blank text is refused by the service, which says what to write
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Paragraphs separated by a blank line, as they should appear in the report.",
    )
    reason = forms.CharField(
        label="Why (kept in the history)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text="E.g. 'after the plenary's comments'. Left empty: 'Written' or 'Rewritten'.",
    )
    # The version the editor started from (0: none written yet): a save over a newer one is
    # refused, so nobody overwrites a text they have not read.
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "The page you edited from is out of date: reload it and save again."
        },
    )

    def carry_version(self, version: int) -> None:
        """After a stale refusal that showed the newer text: what was typed stays, and saving
        again replaces what is shown (the editor has now read it)."""
        self.data = self.data.copy()
        self.data["seen_version"] = str(version)


class ReportHighlightForm(forms.Form):
    """A highlight of a year's report, new: reports.highlights checks the texts. `about` is one
    of `about_choices` ("deliverable:7", "group:3", "change:1"; empty for none)."""

    heading = forms.CharField(
        label="Heading",
        required=False,  # a blank heading is refused by the service, which says what to write
        max_length=300,
        help_text="As the report names it, e.g. 'The 2024 Global Exploration Roadmap'.",
    )
    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Paragraphs separated by a blank line, as they should appear in the report.",
    )
    about = forms.ChoiceField(
        label="About",
        required=False,
        help_text="The product, working group or structural change it tells of, if any: the "
        "draft then tells no other text of that product or change.",
    )
    reason = forms.CharField(
        label="Why (kept in the history)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text="Left empty: 'Written'.",
    )

    def __init__(self, *args, about_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [("", "— nothing in particular —"), *about_choices]


class ReportHighlightEditForm(forms.Form):
    """A highlight rewritten, from the version the editor read (a save over a newer one is
    refused, so nobody overwrites a text they have not read)."""

    heading = ReportHighlightForm.base_fields["heading"]
    text = ReportHighlightForm.base_fields["text"]
    reason = forms.CharField(
        label="Why (kept in the history)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text="Left empty: 'Rewritten'.",
    )
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "The page you edited from is out of date: reload it and save again."
        },
    )

    carry_version = ReportSummaryForm.carry_version


class ReportHighlightStepForm(forms.Form):
    """Move a highlight up or down, or leave it out of the report or put it back."""

    direction = forms.ChoiceField(
        choices=[("up", "up"), ("down", "down")], required=False, widget=forms.HiddenInput
    )
    shown = forms.ChoiceField(
        choices=[("yes", "yes"), ("no", "no")], required=False, widget=forms.HiddenInput
    )
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False)
    seen_version = ReportHighlightEditForm.base_fields["seen_version"]
