from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, AgencyName


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0
    fields = ["name", "acronym", "used_until", "used_until_precision", "note", "source"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["acronym", "name", "country", "joined_on", "joined_precision", "left_on"]
    list_filter = ["country", "joined_precision"]
    search_fields = ["acronym", "name", "country", "earlier_names__name", "earlier_names__acronym"]
    inlines = [AgencyNameInline]
    actions = None  # records are never bulk-deleted


@admin.register(AgencyName)
class AgencyNameAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "agency", "used_until", "used_until_precision"]
    search_fields = ["name", "acronym", "agency__acronym"]
    list_select_related = ["agency"]
    actions = None
