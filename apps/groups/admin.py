from django import forms
from django.contrib import admin, messages

from apps.accounts import permissions
from apps.accounts.admin_base import ReadOnlyRecordAdmin, RecordAdmin, RecordInline
from apps.core.admin_services import ServiceAdmin, ServiceForm
from apps.core.errors import ApplicationError

from .account_admin import ChairAccountInline, CoChairAccountInline, DisputedDatesForm
from .models import (
    ChairAppointment,
    CoChairAppointment,
    MandateVersion,
    OutlookItem,
    StructuralChange,
    SubTeam,
    WorkingGroup,
)
from .services import outlook_item_create, outlook_item_update

# What only a decided structural change may write (apps/groups/lineage.py): the admin shows it.
LINEAGE_FIELDS = ["status", "status_change", "successor", "established_by"]


class SubTeamInline(RecordInline):
    model = SubTeam
    fields = ["name", "kind", "status", "status_change"]
    readonly_fields = ["status", "status_change"]


class CoChairInline(RecordInline):
    model = CoChairAppointment
    form = DisputedDatesForm
    fields = ["person", "agency", "starts_on", "ends_on"]
    autocomplete_fields = ["person", "agency"]


MANDATE_FIELDS = ["in_force_from", "in_force_precision", "text", "change", "source", "notes"]


class MandateVersionInline(RecordInline):
    """Shown, never written here: a mandate comes into force only through a structural change
    (an establishment, a split or a mandate change), which the plenary decides."""

    model = MandateVersion
    fields = MANDATE_FIELDS
    readonly_fields = MANDATE_FIELDS
    verbose_name_plural = "Mandate versions (changed only by a structural change)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkingGroup)
class WorkingGroupAdmin(RecordAdmin):
    list_display = ["acronym", "name", "status", "established_on", "successor"]
    list_filter = ["status"]
    search_fields = ["acronym", "name", "mandates__text"]
    list_select_related = ["successor"]
    inlines = [MandateVersionInline, SubTeamInline, CoChairInline]
    readonly_fields = ["acronym", "name", *LINEAGE_FIELDS]

    def has_add_permission(self, request) -> bool:
        # A group is set up, renamed, merged or closed only by a decided structural change.
        return False


@admin.register(MandateVersion)
class MandateVersionAdmin(ReadOnlyRecordAdmin):
    list_display = ["__str__", "group", "in_force_from", "in_force_precision", "change"]
    list_filter = ["group"]
    search_fields = ["text", "group__acronym", "source"]
    list_select_related = ["group", "change"]


@admin.register(SubTeam)
class SubTeamAdmin(RecordAdmin):
    list_display = ["name", "kind", "group", "status"]
    list_filter = ["kind", "status", "group"]
    search_fields = ["name", "description"]
    list_select_related = ["group"]
    readonly_fields = ["status", "status_change"]


@admin.register(StructuralChange)
class StructuralChangeAdmin(ReadOnlyRecordAdmin):
    """Shown, never added or edited here: a change is proposed, amended, put to a round,
    endorsed and made in effect only through apps/groups/changes.py (the tracker's Structural
    changes pages and the API), which hold its rules."""

    list_display = ["__str__", "kind", "state", "effective_on", "effective_precision", "into_group"]
    list_filter = ["kind", "state"]
    search_fields = ["summary", "decision"]
    list_select_related = ["into_group"]
    NOTE = (
        "Structural changes are read-only here: propose, amend, withdraw, put to a consensus "
        "round and record the SAMs' endorsement on the tracker's Structural changes pages (or "
        "through the API), where their rules are checked."
    )

    def changelist_view(self, request, extra_context=None):
        messages.info(request, self.NOTE)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            messages.info(request, self.NOTE)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CoChairAppointment)
class CoChairAppointmentAdmin(RecordAdmin):
    form = DisputedDatesForm
    inlines = [CoChairAccountInline]
    list_display = ["person", "agency", "group", "starts_on", "ends_on"]
    list_filter = ["group"]
    search_fields = ["person__username", "person__last_name", "agency__acronym", "group__acronym"]
    autocomplete_fields = ["person", "agency"]
    list_select_related = ["person", "agency", "group"]


@admin.register(ChairAppointment)
class ChairAppointmentAdmin(RecordAdmin):
    form = DisputedDatesForm
    inlines = [ChairAccountInline]
    list_display = ["agency", "person_name", "starts_on", "starts_precision", "ends_on"]
    list_select_related = ["agency"]


def _reason(form: ServiceForm, default: str) -> str:
    reason = form.cleaned_data.get("change_reason", "")
    return f"{default}: {reason}" if reason else default


class OutlookItemAddForm(ServiceForm):
    """Adds through groups.services: its permission question, validation, lock (the position
    is the service's) and history row. A refusal is this form's error, and nothing is written."""

    change_reason = forms.CharField(
        label="Why (kept in the history)", required=False, max_length=500
    )

    class Meta:
        model = OutlookItem
        fields = ["group", "year", "text"]

    def save_through_service(self) -> OutlookItem:
        data = self.cleaned_data
        return outlook_item_create(
            group=data["group"], year=data["year"], text=data["text"], actor=self.actor,
            reason=_reason(self, "Added in the admin"),
        )  # fmt: skip


class OutlookItemChangeForm(ServiceForm):
    """Edits through groups.services, from the version the page was opened at. A paragraph
    keeps its group, year and position: a post that changes them is refused, not half-saved."""

    FIXED = ("group", "year", "position", "version", "source")

    # The version the editor started from: an edit over a newer one is refused.
    seen_version = forms.IntegerField(widget=forms.HiddenInput)
    change_reason = forms.CharField(
        label="Why (kept in the history)", required=False, max_length=500
    )

    class Meta:
        model = OutlookItem
        fields = ["text", "assessment", "assessment_note", "partner_groups", "planned_deliverables"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "seen_version" in self.fields and self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def _forged(self) -> list[str]:
        """Fixed fields posted with a value other than the stored one: the page never sends
        them, so they are forged, and the save is refused instead of half made."""
        forged = []
        for name in self.FIXED:
            stored = OutlookItem._meta.get_field(name).value_from_object(self.instance)
            if name in self.data and self.data[name] != ("" if stored is None else str(stored)):
                forged.append(name)
        return forged

    def save_through_service(self) -> OutlookItem:
        forged = self._forged()
        if forged:
            raise ApplicationError(
                f"Not saved: a paragraph's {', '.join(forged)} cannot be changed here (they "
                "are fixed once it is written). Nothing was changed.",
                code="invalid",
            )
        data = self.cleaned_data
        try:
            return outlook_item_update(
                item=self.instance,
                actor=self.actor,
                expected_version=data["seen_version"],
                text=data["text"],
                assessment=data["assessment"],
                assessment_note=data["assessment_note"],
                partner_groups=data["partner_groups"],
                planned_deliverables=data["planned_deliverables"],
                reason=_reason(self, "Edited in the admin"),
            )
        except ApplicationError as error:
            if error.code == "stale":
                # The message shows the current text; what was typed stays, and saving again
                # replaces the text shown.
                self.data = self.data.copy()
                self.data[self.add_prefix("seen_version")] = str(error.extra["version"])
            raise


@admin.register(OutlookItem)
class OutlookItemAdmin(ServiceAdmin, RecordAdmin):
    """Every save goes through groups.services; a co-chair changes only their group's
    paragraphs, and nobody a paragraph's group, year or position."""

    list_display = ["__str__", "year", "group", "position", "assessment"]
    list_filter = ["year", "group", "assessment"]
    search_fields = ["text", "assessment_note"]
    filter_horizontal = ["partner_groups", "planned_deliverables"]
    list_select_related = ["group"]
    add_fields = ["group", "year", "text", "change_reason"]
    change_fields = [
        "group", "year", "position", "version", "text", "assessment", "assessment_note",
        "partner_groups", "planned_deliverables", "source", "change_reason", "seen_version",
    ]  # fmt: skip
    form_only_fields = {"change_reason", "seen_version"}

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return permissions.may_edit_outlook_item(request.user, obj)

    def get_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return list(self.add_fields)
        if not self.has_change_permission(request, obj):  # shown, not edited: no form fields
            return [f for f in self.change_fields if f not in self.form_only_fields]
        return list(self.change_fields)

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return list(OutlookItemChangeForm.FIXED) if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = OutlookItemChangeForm if obj is not None else OutlookItemAddForm
        return super().get_form(request, obj, change=change, **kwargs)
