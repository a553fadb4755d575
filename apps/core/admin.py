from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class RecordAdmin(SimpleHistoryAdmin):
    """Business records are never hard-deleted: they are withdrawn, ended or closed instead."""

    actions = None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RecordInline(admin.TabularInline):
    extra = 0
    can_delete = False
