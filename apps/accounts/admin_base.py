"""The bases of every business record's admin: each answer comes from permissions.py.

Here, beside the one permissions module, because that is all they are: the admin's view of
who may see, add and change a record. The domain apps' admin.py build on them, as their
services build on permissions.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from . import permissions


class RecordAdmin(SimpleHistoryAdmin):
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


class RecordInline(admin.TabularInline):
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
