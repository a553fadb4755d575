from django.contrib import admin

from apps.core.admin import RecordAdmin

from .models import PlenaryMeeting


@admin.register(PlenaryMeeting)
class PlenaryMeetingAdmin(RecordAdmin):
    list_display = ["title", "kind", "starts_on", "starts_precision", "place", "host_agency"]
    list_filter = ["kind"]
    search_fields = ["title", "place", "minutes"]
    list_select_related = ["host_agency"]
