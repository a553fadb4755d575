from django.contrib import admin

from apps.accounts.admin_base import RecordAdmin, RecordInline
from apps.groups.account_admin import DelegateAccountInline, DisputedDatesForm

from .models import Agency, AgencyName, DelegateAppointment


class AgencyNameInline(RecordInline):
    model = AgencyName
    fields = ["name", "acronym", "used_until", "used_until_precision", "notes", "source"]


@admin.register(Agency)
class AgencyAdmin(RecordAdmin):
    list_display = ["acronym", "name", "country", "joined_on", "joined_precision", "left_on"]
    list_filter = ["country", "joined_precision"]
    search_fields = ["acronym", "name", "country", "earlier_names__name", "earlier_names__acronym"]
    inlines = [AgencyNameInline]


@admin.register(AgencyName)
class AgencyNameAdmin(RecordAdmin):
    list_display = ["name", "acronym", "agency", "used_until", "used_until_precision"]
    search_fields = ["name", "acronym", "agency__acronym"]
    list_select_related = ["agency"]


@admin.register(DelegateAppointment)
class DelegateAppointmentAdmin(RecordAdmin):
    form = DisputedDatesForm
    inlines = [DelegateAccountInline]
    list_display = ["person", "agency", "starts_on", "ends_on"]
    list_filter = ["agency"]
    search_fields = ["person__username", "person__last_name", "agency__acronym"]
    autocomplete_fields = ["person", "agency"]
    list_select_related = ["person", "agency"]
