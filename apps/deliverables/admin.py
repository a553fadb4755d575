from django.contrib import admin

from apps.core.admin import RecordAdmin

from .models import Activity, Deliverable


@admin.register(Deliverable)
class DeliverableAdmin(RecordAdmin):
    list_display = [
        "title",
        "kind",
        "lead_group",
        "state",
        "percent_complete",
        "rag",
        "target_date",
        "published_on",
    ]
    list_filter = ["state", "kind", "rag", "lead_group"]
    search_fields = ["title", "summary", "status_note"]
    filter_horizontal = ["contributing_groups"]
    list_select_related = ["lead_group"]
    date_hierarchy = "published_on"


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ["title", "kind", "event", "occurred_on", "occurred_precision", "group"]
    list_filter = ["kind", "group"]
    search_fields = ["title", "event", "place", "summary"]
    filter_horizontal = ["deliverables"]
    list_select_related = ["group"]
