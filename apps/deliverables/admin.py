from django import forms
from django.contrib import admin

from apps.accounts import permissions
from apps.accounts.admin_base import RecordAdmin
from apps.core.admin_services import ServiceAdmin, ServiceForm
from apps.core.errors import ApplicationError

from .editing import WORKFLOW_FIELDS, editable_fields
from .models import Activity, Deliverable
from .services import deliverable_create, deliverable_edit

EVERY_FIELD = [
    "title",
    "kind",
    "edition",
    "lead_group",
    "contributing_groups",
    "summary",
    "needs_sam_endorsement",
    "target_date",
    "target_precision",
    "percent_complete",
    "rag",
    "next_milestone",
    "status_note",
    "state",
    "published_on",
    "published_precision",
    "link",
    "notes",
    "source",
]


class DeliverableAdminForm(ServiceForm):
    # The version the editor started from: the service refuses a save over a newer change.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Why (kept in the history)", required=False, max_length=500
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def save_through_service(self) -> Deliverable:
        reason = self.cleaned_data.get("change_reason", "")
        if not self.instance.pk:
            fields = {
                field: value
                for field, value in self.cleaned_data.items()
                if field not in ("seen_version", "change_reason")
            }
            fields |= self._forged()
            return deliverable_create(actor=self.actor, reason=reason, **fields)
        if self.cleaned_data.get("seen_version") is None:
            raise ApplicationError(
                "This form lacks the version you started from: open the deliverable again.",
                code="stale",
            )
        changes = {
            field: self.cleaned_data[field]
            for field in self.changed_data
            if field not in ("seen_version", "change_reason")
        }
        changes |= self._forged()
        if "target_date" in changes and "target_precision" in self.cleaned_data:
            # The precision shown next to the date is the one meant, changed or not.
            changes.setdefault("target_precision", self.cleaned_data["target_precision"])
        return deliverable_edit(
            deliverable=self.instance,
            actor=self.actor,
            expected_version=self.cleaned_data["seen_version"],
            reason=f"Edited in the admin: {reason}" if reason else "Edited in the admin",
            changes=changes,
        )

    def _forged(self) -> dict:
        """Read-only fields posted with a value other than the stored one: the page never sends
        them, so they are forged, and the service refuses them with its reason instead of the
        admin dropping them silently."""
        forged = {}
        for name in (*EVERY_FIELD, "version"):
            if name in self.fields or name not in self.data:
                continue
            field = Deliverable._meta.get_field(name)
            if field.many_to_many:
                data = self.data.getlist(name)
                initial = [obj.pk for obj in field.value_from_object(self.instance)]
            else:
                data, initial = self.data.get(name), field.value_from_object(self.instance)
            formfield = field.formfield()
            if formfield is None or formfield.has_changed(initial, data):
                forged[name] = data
        return forged


@admin.register(Deliverable)
class DeliverableAdmin(ServiceAdmin, RecordAdmin):
    """Every save goes through deliverables.services: a co-chair sees the progress fields
    editable and the rest read-only; the workflow's fields are read-only for everyone."""

    form = DeliverableAdminForm
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

    def get_fields(self, request, obj=None):
        return [*EVERY_FIELD, "change_reason", "seen_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            # A new deliverable starts planned and unpublished.
            return [field for field in WORKFLOW_FIELDS if field in EVERY_FIELD]
        open_fields = editable_fields(request.user, obj)
        return [field for field in EVERY_FIELD if field not in open_fields]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return permissions.may_edit_deliverable(request.user, obj)


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ["title", "kind", "event", "occurred_on", "occurred_precision", "group"]
    # occurred_on: a report's checklist links to one year's webnews (occurred_on__gte/__lt).
    list_filter = ["kind", "group", "occurred_on"]
    search_fields = ["title", "event", "place", "summary"]
    filter_horizontal = ["deliverables"]
    list_select_related = ["group"]
