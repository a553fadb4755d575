from django.contrib import admin

from apps.core.admin import RecordAdmin, RecordInline

from .models import (
    ChairAppointment,
    CoChairAppointment,
    OutlookItem,
    StructuralChange,
    SubTeam,
    WorkingGroup,
)


class SubTeamInline(RecordInline):
    model = SubTeam
    fields = ["name", "kind", "status", "status_change"]


class CoChairInline(RecordInline):
    model = CoChairAppointment
    fields = ["person", "agency", "starts_on", "ends_on"]
    autocomplete_fields = ["person", "agency"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(RecordAdmin):
    list_display = ["acronym", "name", "status", "established_on", "successor"]
    list_filter = ["status"]
    search_fields = ["acronym", "name", "mandate"]
    list_select_related = ["successor"]
    inlines = [SubTeamInline, CoChairInline]


@admin.register(SubTeam)
class SubTeamAdmin(RecordAdmin):
    list_display = ["name", "kind", "group", "status"]
    list_filter = ["kind", "status", "group"]
    search_fields = ["name", "description"]
    list_select_related = ["group"]


@admin.register(StructuralChange)
class StructuralChangeAdmin(RecordAdmin):
    list_display = ["__str__", "kind", "effective_on", "effective_precision", "into_group"]
    list_filter = ["kind"]
    search_fields = ["summary", "decision"]
    filter_horizontal = ["groups", "sub_teams"]
    list_select_related = ["into_group"]


@admin.register(CoChairAppointment)
class CoChairAppointmentAdmin(RecordAdmin):
    list_display = ["person", "agency", "group", "starts_on", "ends_on"]
    list_filter = ["group"]
    search_fields = ["person__username", "person__last_name", "agency__acronym", "group__acronym"]
    autocomplete_fields = ["person", "agency"]
    list_select_related = ["person", "agency", "group"]


@admin.register(ChairAppointment)
class ChairAppointmentAdmin(RecordAdmin):
    list_display = ["agency", "person_name", "starts_on", "starts_precision", "ends_on"]
    list_select_related = ["agency"]


@admin.register(OutlookItem)
class OutlookItemAdmin(RecordAdmin):
    list_display = ["__str__", "year", "group", "position", "assessment"]
    list_filter = ["year", "group", "assessment"]
    search_fields = ["text", "assessment_note"]
    filter_horizontal = ["partner_groups", "planned_deliverables"]
    list_select_related = ["group"]
