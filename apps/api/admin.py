"""API tokens in the admin: whose, what for, until when, last used; revocable, never shown.

Neither the secret (never stored) nor its digest or lookup appears here. Nobody makes a token
for someone else here, and none is edited or deleted: a token is revoked (the action below),
and keeps who revoked it, when and why.
"""

from django.contrib import admin, messages

from .models import ApiToken
from .services import api_token_revoke

SHOWN = (
    "user",
    "name",
    "scope",
    "state",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
    "revoked_reason",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "scope", "state", "created_at", "expires_at", "last_used_at")
    list_filter = ("scope", "revoked_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("name", "user__username")
    fields = SHOWN
    readonly_fields = SHOWN
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        return token.state.label

    def has_add_permission(self, request) -> bool:
        return False  # a token is made by its owner, who alone ever sees its secret

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked instead: the row says who held it until when

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser  # as api_token_revoke asks

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            api_token_revoke(actor=request.user, token=token, reason=f"revoked by {request.user}")
            self.log_change(request, token, "Revoked")
            revoked += 1
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)
