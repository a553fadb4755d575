"""The forms of structural changes: propose, amend, withdraw, record the SAMs' endorsement.

They only parse what was typed; apps/groups/changes.py holds every rule (what each kind needs,
who may propose it, which state allows what) and says what is wrong, field by field.
"""

from django import forms

from apps.core.dates import DatePrecision, StoredDate
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH
from apps.groups.models import GroupStatus, StructuralChange, SubTeam, WorkingGroup

from .common import DateAsTypedField, date_input

# New groups the web form takes at once (an establishment sets up one, a split two or more);
# the API takes up to ten.
NEW_GROUP_ROWS = 4
NEW_GROUP_PARTS = ("acronym", "name", "mandate")
# The service's field names that the forms call otherwise.
FORM_FIELD = {"effective_on": "effective", "effective_precision": "effective"}


def _active_groups():
    return WorkingGroup.objects.filter(status=GroupStatus.ACTIVE).order_by("acronym")


class ChangeTextsForm(forms.Form):
    """What a proposal says: proposing and amending alike."""

    summary = forms.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What changes, as a report would say it.",
    )
    effective = DateAsTypedField(label="Takes effect")
    new_name = forms.CharField(
        label="New name", max_length=200, required=False, help_text="For a renaming."
    )
    new_acronym = forms.CharField(
        label="New acronym", max_length=20, required=False, help_text="For a renaming."
    )
    new_mandate = forms.CharField(
        label="New mandate",
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a mandate change.",
    )
    needs_sam_endorsement = forms.BooleanField(
        label="Needs the senior agency managers' endorsement",
        required=False,
        help_text="Once agreed by consensus, it is decided only when the SAMs endorse it.",
    )
    notes = forms.CharField(
        label="Secretariat's notes",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never printed in a report; only the secretariat sees them.",
    )

    def __init__(self, *args, secretariat: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, NEW_GROUP_ROWS + 1):
            for part in NEW_GROUP_PARTS:
                self.fields[f"new_{number}_{part}"] = forms.CharField(
                    label=f"New group {number}: {part}",
                    max_length={"acronym": 20, "name": 200}.get(part, SUMMARY_MAX_LENGTH),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2})
                    if part == "mandate"
                    else forms.TextInput(),
                    help_text="For an establishment (one) or a split (two or more)."
                    if (number, part) == (1, "acronym")
                    else "",
                )
        if not secretariat:
            del self.fields["notes"]

    def new_groups(self) -> list[dict]:
        """The rows with anything typed in them: a half-filled one reaches the service, which
        says what it lacks."""
        rows = []
        for number in range(1, NEW_GROUP_ROWS + 1):
            row = {
                part: self.cleaned_data.get(f"new_{number}_{part}", "") for part in NEW_GROUP_PARTS
            }
            if any(value.strip() for value in row.values()):
                rows.append(row)
        return rows

    def texts(self) -> dict:
        """The fields for groups.changes, the effective date as its day and precision."""
        data = self.cleaned_data
        effective: StoredDate | None = data.get("effective")
        texts = {
            "summary": data["summary"],
            "effective_on": effective.day if effective else None,
            "effective_precision": effective.precision if effective else DatePrecision.DAY,
            "new_name": data["new_name"],
            "new_acronym": data["new_acronym"],
            "new_mandate": data["new_mandate"],
            "new_groups": self.new_groups(),
            "needs_sam_endorsement": data["needs_sam_endorsement"],
        }
        if "notes" in self.fields:
            texts["notes"] = data["notes"]
        return texts


class ProposeChangeForm(ChangeTextsForm):
    kind = forms.ChoiceField(choices=StructuralChange.Kind.choices)
    groups = forms.ModelMultipleChoiceField(
        label="Groups it affects",
        queryset=_active_groups(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None for an establishment; one for a split, renaming or mandate change.",
    )
    into_group = forms.ModelChoiceField(
        label="Group taking over",
        queryset=_active_groups(),
        required=False,
        help_text="For a merger or an absorption.",
    )
    sub_teams = forms.ModelMultipleChoiceField(
        label="Sub-teams it ends",
        queryset=SubTeam.objects.filter(status=GroupStatus.ACTIVE).select_related("group"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Why (kept in the history)", max_length=REASON_MAX_LENGTH, required=False
    )
    field_order = ["kind", "groups", "into_group", "sub_teams", "summary", "effective"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Fresh querysets per form: a group ended since the class was read is not offered.
        self.fields["groups"].queryset = _active_groups()
        self.fields["into_group"].queryset = _active_groups()
        self.fields["sub_teams"].queryset = SubTeam.objects.filter(
            status=GroupStatus.ACTIVE
        ).select_related("group")

    def proposal(self) -> dict:
        data = self.cleaned_data
        return self.texts() | {
            "kind": data["kind"],
            "groups": list(data["groups"]),
            "sub_teams": list(data["sub_teams"]),
            "into_group": data["into_group"],
            "reason": data["reason"],
        }


class AmendChangeForm(ChangeTextsForm):
    # The version the editor started from: groups.changes refuses an edit over a newer one.
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page you edited from is out of date: reload it and amend again."
        },
    )
    reason = forms.CharField(
        label="Why it is amended",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history, e.g. 'to answer ESA's objection'.",
    )

    @classmethod
    def for_change(cls, change: StructuralChange, *, secretariat: bool) -> "AmendChangeForm":
        initial = {
            "summary": change.summary,
            "effective": StoredDate(change.effective_on, change.effective_precision),
            "new_name": change.new_name,
            "new_acronym": change.new_acronym,
            "new_mandate": change.new_mandate,
            "needs_sam_endorsement": change.needs_sam_endorsement,
            "notes": change.notes,
            "seen_version": change.version,
        }
        for number, spec in enumerate(change.new_groups or (), start=1):
            for part in NEW_GROUP_PARTS:
                initial[f"new_{number}_{part}"] = spec.get(part, "")
        return cls(initial=initial, secretariat=secretariat, prefix="amend")

    def carry_version(self, version: int) -> None:
        """After a refusal that showed the current proposal: what was typed stays, and amending
        again replaces what is shown (the editor has now seen it)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = str(version)


class WithdrawChangeForm(forms.Form):
    reason = forms.CharField(
        label="Why it is withdrawn",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndorseChangeForm(forms.Form):
    endorsed_on = forms.DateField(label="Endorsed by the SAMs on", widget=date_input())
    decision = forms.CharField(
        label="How they endorsed it",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="As a report would say it, e.g. 'approved by the senior agency managers'.",
    )


def fields_refused(form: forms.Form, error) -> bool:
    """A service's refusal shown on the fields it names (by the form's names); False when it
    names none the form has, so the caller says it as a whole."""
    shown = False
    for name, problems in ((error.extra or {}).get("fields") or {}).items():
        name = FORM_FIELD.get(name, name)
        if name == "new_groups":
            name = "new_1_acronym"
        if name in form.fields:
            form.add_error(name, problems)
            shown = True
    return shown
