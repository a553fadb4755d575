from django.contrib import admin

from apps.accounts.admin_base import ReadOnlyRecordAdmin, RecordAdmin

from .models import ConsensusRound, Objection, PlenaryMeeting, Position


@admin.register(PlenaryMeeting)
class PlenaryMeetingAdmin(RecordAdmin):
    list_display = ["title", "kind", "starts_on", "starts_precision", "place", "host_agency"]
    list_filter = ["kind"]
    search_fields = ["title", "place", "minutes"]
    list_select_related = ["host_agency"]
    # A scheduled meeting's hours, minutes and their approval change on the meeting page and
    # in the API only, through the services that check them (apps/meetings/services.py).
    readonly_fields = [
        "starts_at",
        "ends_at",
        "time_zone",
        "call_link",
        "chair",
        "is_sample",
        "minutes",
        "minutes_approved_in",
    ]


@admin.register(ConsensusRound)
class ConsensusRoundAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "__str__",
        "subject_kind",
        "channel",
        "opened_on",
        "deadline",
        "state",
        "outcome",
    ]
    list_filter = ["state", "outcome", "channel"]
    search_fields = ["deliverable__title", "structural_change__summary"]
    list_select_related = ["deliverable", "structural_change"]

    @admin.display(description="decides")
    def subject_kind(self, round: ConsensusRound) -> str:
        return "a deliverable" if round.deliverable_id else "a structural change"


@admin.register(Position)
class PositionAdmin(ReadOnlyRecordAdmin):
    list_display = ["round", "agency", "position", "recorded_by", "on_behalf", "recorded_at"]
    list_filter = ["position", "on_behalf"]
    list_select_related = [
        "round__deliverable",
        "round__structural_change",
        "agency",
        "recorded_by",
    ]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyRecordAdmin):
    list_display = ["round", "agency", "status", "resolved_in", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = [
        "round__deliverable",
        "round__structural_change",
        "agency",
        "resolved_in",
        "decided_by",
    ]
