"""The bases of every business record's admin: each answer comes from permissions.py.

Here, beside the one permissions module, because that is all they are: the admin's view of
who may see, add and change a record. The domain apps' admin.py build on them, as their
services build on permissions.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from apps.core.dates import precision_pairs, stored_date_checked
from apps.core.errors import ApplicationError
from apps.core.limits import SUMMARY_MAX_LENGTH, validate_date_in_range

from . import permissions


class HeldToLimits:
    """The admin writes most records directly (agencies, groups, appointments, meetings): its
    fields hold to the limits every other door has (core.limits). A date lies in the range the
    tracker holds; a paragraph (a mandate, minutes, a note) to a summary's length. Records with
    a service (deliverables, outlook items) are held by it too, with its own limits."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        pairs = precision_pairs(self.model)
        if not pairs:
            return form
        return type(form.__name__, (PrecisionsChecked, form), {"precision_pairs": pairs})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and db_field.max_length is None:
            kwargs.setdefault("max_length", SUMMARY_MAX_LENGTH)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if type(db_field) is models.DateField and formfield is not None:
            formfield.validators.append(validate_date_in_range)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KeysOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KeysOnlyAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PrecisionsChecked:
    """A date and its precision, as the other doors hold them (core.dates.stored_date_checked):
    a month or a year is stored as its first day, so the precision chosen beside a date must
    fit it ("exact day" for 12 May 2026, not "year only")."""

    precision_pairs: list[tuple[str, str]] = []

    def clean(self):
        cleaned = super().clean()
        for date_name, precision_name in self.precision_pairs:
            if date_name not in self.fields and precision_name not in self.fields:
                continue
            day = cleaned.get(date_name, getattr(self.instance, date_name))
            precision = cleaned.get(precision_name, getattr(self.instance, precision_name))
            if date_name in self.errors or precision_name in self.errors:
                continue
            try:
                stored_date_checked(
                    day, precision, field=date_name, what=date_name.replace("_", " ")
                )
            except ApplicationError as error:
                self.add_error(date_name if date_name in self.fields else None, error.message)
        return cleaned


class _KeysOnly:
    """Django's autocomplete widget looks the posted values up to show them again; a value that
    is no key at all (a forged post: "x" for a person's id) failed that lookup with a 500. Such
    a value is shown as nothing chosen, and the form says it is not a valid choice."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field.model._meta
        key = remote.get_field(
            getattr(self.field.remote_field, "field_name", None) or remote.pk.name
        )
        return super().optgroups(name, [v for v in value if _is_key(key, v)], attr)


# No database holds an integer key beyond 64 bits; SQLite cannot even be asked for one.
KEY_RANGE = range(-(2**63), 2**63)


def _is_key(key: models.Field, value) -> bool:
    try:
        python = key.to_python(value)
    except ValidationError:
        return False
    return not isinstance(python, int) or python in KEY_RANGE


class KeysOnlyAutocompleteSelect(_KeysOnly, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(_KeysOnly, AutocompleteSelectMultiple):
    pass


class RecordAdmin(HeldToLimits, SimpleHistoryAdmin):
    """The admin asks the one permissions module, like every other interface.

    Business records are never hard-deleted: they are withdrawn, ended or closed instead. Their
    history is shown, never edited or restored.
    """

    actions = None

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.is_reader(request.user) and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return permissions.may_manage_record(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.may_manage_record(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button: a posted form would still
        # restore the old version, state and all, around the workflow.
        if request.method != "GET":
            raise PermissionDenied("Past versions are shown, never restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = "Edited in the admin" if change else "Added in the admin"
        super().save_model(request, obj, form, change)


class RecordInline(HeldToLimits, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return permissions.may_manage_record(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.may_manage_record(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.is_reader(request.user) and request.user.is_staff


class ReadOnlyRecordAdmin(RecordAdmin):
    """Records written only by services (rounds, positions): the admin shows, never edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
