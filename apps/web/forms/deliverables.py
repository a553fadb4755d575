from django import forms

from apps.core.dates import DatePrecision, StoredDate
from apps.core.limits import FIRST_YEAR, LAST_YEAR, REASON_MAX_LENGTH
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.selectors import DEFAULT_SORT, SORTS, sort_choices
from apps.groups.models import WorkingGroup

from .common import DateAsTypedField, date_input


class DeliverableFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    group = forms.ChoiceField(label="Lead group", required=False)
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "any state"), *DeliverableState.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "any kind"), *Deliverable.Kind.choices]
    )
    year = forms.IntegerField(
        label="Year", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    rag = forms.ChoiceField(
        label="RAG", required=False, choices=[("", "any"), *Deliverable.Rag.choices]
    )
    sort = forms.ChoiceField(label="Sort by", required=False, choices=sort_choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        acronyms = WorkingGroup.objects.order_by("acronym").values_list("acronym", flat=True)
        self.fields["group"].choices = [("", "any group")] + [
            (a, a) for a in dict.fromkeys(acronyms)
        ]

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] if self.cleaned_data["sort"] in SORTS else DEFAULT_SORT


class ProgressForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput)
    # One box for the date and its precision: what is typed says how precise it is.
    target_date = DateAsTypedField(label="Target date", required=False)
    reason = forms.CharField(
        label="Comment", required=False, max_length=500, help_text="Optional: what changed."
    )
    field_order = [
        "percent_complete",
        "rag",
        "next_milestone",
        "target_date",
        "status_note",
        "seen_version",
        "reason",
    ]

    class Meta:
        model = Deliverable
        fields = ["percent_complete", "rag", "next_milestone", "status_note"]
        labels = {"percent_complete": "Progress (%)", "rag": "RAG status"}
        widgets = {
            "status_note": forms.Textarea(attrs={"rows": 3}),
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.target_date and "target_date" not in self.initial:
            self.initial["target_date"] = StoredDate(
                self.instance.target_date, self.instance.target_precision
            )

    def progress(self) -> dict:
        """The progress fields for deliverables.services, the target as its day and precision."""
        data = self.cleaned_data
        target = data["target_date"]
        return {field: data[field] for field in self.Meta.fields} | {
            "target_date": target.day if target else None,
            "target_precision": target.precision if target else DatePrecision.DAY,
        }


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=DeliverableState.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the history. For a return, say what to fix.",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    published_on = forms.DateField(label="Publication date", required=False, widget=date_input())
    link = forms.URLField(label="Link", required=False, assume_scheme="https")
