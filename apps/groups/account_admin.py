"""The admin's view of the sources' accounts of appointment dates: shown, never written there.

Accounts are recorded and settled through groups.settling (the web form, the API). An
appointment's date that the sources disagree on is not typed in the admin either: the
appointment forms (here for the chair and co-chairs, agencies.admin for delegates) refuse a
change to it until the secretariat settles it, so the admin is no door around settling.
"""

from django import forms
from django.contrib import admin

from apps.accounts.admin_base import ReadOnlyRecordAdmin, RecordInline

from .appointment_accounts import AppointmentAccount
from .selectors import ACCOUNT_RELATIONS, disputed_edges
from .settling import DATE_FIELD, PRECISION_FIELD

ACCOUNT_FIELDS = [
    "edge", "date", "precision", "words", "source", "notes", "state", "settled_date",
    "settled_precision", "settled_reason", "settled_by", "settled_at",
]  # fmt: skip


class AccountInline(RecordInline):
    """An appointment's accounts, read-only; set `fk_name` to the appointment's field."""

    model = AppointmentAccount
    fields = ACCOUNT_FIELDS
    readonly_fields = ACCOUNT_FIELDS
    verbose_name_plural = "What the sources say about its dates"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ChairAccountInline(AccountInline):
    fk_name = "chair"


class CoChairAccountInline(AccountInline):
    fk_name = "cochair"


class DelegateAccountInline(AccountInline):
    fk_name = "delegate"


class DisputedDatesForm(forms.ModelForm):
    """An appointment's form: a date the sources disagree on is settled, not edited."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        for edge in disputed_edges(self.instance):
            names = [DATE_FIELD[edge], PRECISION_FIELD[edge]]
            changed = [n for n in names if n in self.fields and n in self.changed_data]
            if changed:
                raise forms.ValidationError(
                    f"The sources disagree on this appointment's {edge}: settle it on its "
                    "page (or through the API), which keeps every account and the reason; it "
                    "is not changed here.",
                    code="invalid",
                )
        return cleaned


@admin.register(AppointmentAccount)
class AppointmentAccountAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "edge", "date", "precision", "state"]
    list_filter = ["state", "edge"]
    search_fields = ["words", "source"]
    list_select_related = list(ACCOUNT_RELATIONS)
