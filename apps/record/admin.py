"""Outgoing mail, for the secretariat: what is waiting, what failed and why, and "send again".

Here, above accounts, because the outbox is core's (which imports no other app) and who may
see it is a permissions question.
"""

from django.contrib import admin, messages
from django.template.defaultfilters import linebreaksbr

from apps.accounts import permissions
from apps.core.models import OutboxMail
from apps.core.outbox import mail_send_again


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """Written by the outbox only: shown, never edited or deleted here."""

    list_display = [
        "created_at",
        "subject",
        "to",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state"]
    search_fields = ["subject", "key"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = readonly_fields = [
        "subject",
        "to",
        "state",
        "key",
        "created_at",
        "waiting_since",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "failed_at",
        "last_error",
        "body",
    ]

    def _secretariat(self, request) -> bool:
        return request.user.is_staff and permissions.may_manage_record(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._secretariat(request)

    def has_module_permission(self, request) -> bool:
        return self._secretariat(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        return self._secretariat(request)

    @admin.display(description="to")
    def to(self, obj: OutboxMail) -> str:
        return ", ".join(obj.recipients)

    @admin.display(description="message")
    def body(self, obj: OutboxMail) -> str:
        return linebreaksbr(obj.message.get("body", ""), autoescape=True)

    @admin.action(description="Send the selected mails again now", permissions=["resend"])
    def send_again(self, request, queryset) -> None:
        count = mail_send_again(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            f"{count} mail(s) will be sent again now. Mails already sent, or being sent, are "
            "left as they are.",
            messages.SUCCESS if count else messages.WARNING,
        )
