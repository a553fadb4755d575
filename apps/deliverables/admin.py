from django import forms
from django.contrib import admin

from apps.accounts import permissions
from apps.core.admin import RecordAdmin

from .models import Activity, Deliverable


class DeliverableAdminForm(forms.ModelForm):
    # The version the editor started from: a save over someone else's newer change is refused.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen is not None and seen != self.instance.version:
            raise forms.ValidationError(
                "Someone else changed this deliverable while you were editing it. Open it "
                "again to see their change, then make yours."
            )
        return cleaned


@admin.register(Deliverable)
class DeliverableAdmin(RecordAdmin):
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
    # The state changes only through workflow moves (deliverables.services), never by editing.
    readonly_fields = ["state"]
    exclude = ["version"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return permissions.may_edit_deliverable(request.user, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ["title", "kind", "event", "occurred_on", "occurred_precision", "group"]
    list_filter = ["kind", "group"]
    search_fields = ["title", "event", "place", "summary"]
    filter_horizontal = ["deliverables"]
    list_select_related = ["group"]
