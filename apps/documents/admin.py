from django.contrib import admin

from apps.accounts.admin_base import ReadOnlyRecordAdmin

from .models import Comment, Revision


@admin.register(Revision)
class RevisionAdmin(ReadOnlyRecordAdmin):
    """Uploaded and marked through the services only (the web pages and the API)."""

    list_display = ["deliverable", "number", "original_name", "size", "status", "text_state"]
    list_filter = ["status", "text_state", "content_type"]
    search_fields = ["deliverable__title", "original_name", "note"]
    list_select_related = ["deliverable"]
    exclude = ["text"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyRecordAdmin):
    list_display = ["revision", "author", "deliverable_state", "created_at"]
    search_fields = ["body", "quote", "revision__deliverable__title"]
    list_select_related = ["revision__deliverable", "author"]
