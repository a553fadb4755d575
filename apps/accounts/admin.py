from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from .roles import ROLE_GROUP_NAMES


class PersonAdmin(UserAdmin):
    """People leave by being made inactive, never deleted: deleting an account would blank the
    name on every history row they wrote."""

    actions = None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoleGroupAdmin(GroupAdmin):
    """The role groups (Secretariat, Senior agency managers) are what permissions ask: deleting
    one would silently strip everyone of that role."""

    actions = None

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.name in ROLE_GROUP_NAMES.values():
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(User)
admin.site.register(User, PersonAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
