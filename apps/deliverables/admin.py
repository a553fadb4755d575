from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, Deliverable


@admin.register(Deliverable)
class DeliverableAdmin(SimpleHistoryAdmin):
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
    actions = None  # never deleted: withdrawn


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "event", "occurred_on", "occurred_precision", "group"]
    list_filter = ["kind", "group"]
    search_fields = ["title", "event", "place", "summary"]
    filter_horizontal = ["deliverables"]
    list_select_related = ["group"]
    actions = None
