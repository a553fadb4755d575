from django.urls import path

from apps.api.feed_access import readable_with_token

from .feeds import PublicationsFeed
from .views import (
    agencies,
    appointment_dates,
    changes,
    comments,
    deliverables,
    favicon,
    groups,
    home,
    meeting_agenda,
    meetings,
    objections,
    overview,
    report_highlights,
    report_summary,
    reports,
    revisions,
    rounds,
    watching,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("deliverables/", deliverables.deliverable_list, name="deliverables"),
    path("deliverables/export.csv", deliverables.deliverable_export, name="deliverables-csv"),
    path("deliverables/<int:pk>/", deliverables.deliverable_detail, name="deliverable"),
    path("deliverables/<int:pk>/progress/", deliverables.deliverable_progress, name="progress"),
    path("deliverables/<int:pk>/move/", deliverables.deliverable_move, name="move"),
    path("deliverables/<int:pk>/rounds/", rounds.round_open, name="round-open"),
    path(
        "deliverables/<int:pk>/revisions/", revisions.revision_upload_view, name="revision-upload"
    ),
    path("deliverables/<int:pk>/revisions/diff/", revisions.revision_diff, name="revision-diff"),
    path(
        "deliverables/<int:pk>/revisions/<int:number>/file/",
        revisions.revision_file,
        name="revision-file",
    ),
    path(
        "deliverables/<int:pk>/revisions/<int:number>/status/",
        revisions.revision_status,
        name="revision-status",
    ),
    path(
        "deliverables/<int:pk>/revisions/<int:number>/retry/",
        revisions.revision_retry,
        name="revision-retry",
    ),
    path(
        "deliverables/<int:pk>/revisions/<int:number>/comments/",
        comments.revision_comments,
        name="revision-comments",
    ),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/position/", rounds.round_position, name="position"),
    # Before round-decide, whose <action> would take these paths.
    path("rounds/<int:pk>/outcome/", rounds.round_outcome_view, name="round-outcome"),
    path("rounds/<int:pk>/other-channel/", rounds.round_other_channel, name="round-other-channel"),
    path("rounds/<int:pk>/<str:action>/", rounds.round_decide, name="round-decide"),
    path("objections/<int:pk>/answer/", objections.objection_answer_view, name="objection-answer"),
    path("groups/", groups.group_list, name="groups"),
    path("changes/", changes.change_list, name="changes"),
    path("changes/new/", changes.change_new, name="change-new"),
    path("changes/<int:pk>/", changes.change_detail, name="change"),
    path("changes/<int:pk>/amend/", changes.change_amend, name="change-amend"),
    path("changes/<int:pk>/withdraw/", changes.change_withdraw, name="change-withdraw"),
    path("changes/<int:pk>/endorse/", changes.change_endorse, name="change-endorse"),
    path("changes/<int:pk>/rounds/", changes.change_round_open, name="change-round-open"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/outlook/", groups.outlook_add, name="outlook-add"),
    path("outlook/<int:pk>/", groups.outlook_edit, name="outlook-edit"),
    path("agencies/", agencies.agency_list, name="agencies"),
    # What the sources disagree on about an appointment's dates: the secretariat settles it.
    path(
        "appointment-dates/<int:pk>/settle/",
        appointment_dates.appointment_dates_settle_view,
        name="appointment-dates-settle",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda.docx", meetings.agenda_docx_view, name="meeting-agenda-docx"),
    path("meetings/<int:pk>/agenda.ics", meetings.agenda_ics_view, name="meeting-agenda-ics"),
    path(
        "meetings/<int:pk>/agenda/build/",
        meeting_agenda.agenda_build_view,
        name="meeting-agenda-build",
    ),
    path(
        "meetings/<int:pk>/agenda/add/", meeting_agenda.agenda_add_view, name="meeting-agenda-add"
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item>/move/",
        meeting_agenda.agenda_move_view,
        name="meeting-agenda-move",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item>/take-off/",
        meeting_agenda.agenda_take_off_view,
        name="meeting-agenda-take-off",
    ),
    path("meetings/<int:pk>/attendance/", meetings.attendance_view, name="meeting-attendance"),
    path("meetings/<int:pk>/minutes/", meetings.minutes_view, name="meeting-minutes"),
    path(
        "meetings/<int:pk>/minutes/approve/",
        meetings.minutes_approve_view,
        name="meeting-minutes-approve",
    ),
    path("overview/", overview.overview, name="overview"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/request/", reports.report_request, name="report-request"),
    path("reports/summary/<int:year>/", report_summary.report_summary, name="report-summary"),
    path(
        "reports/summary/<int:year>/highlights/",
        report_highlights.report_highlight_add,
        name="report-highlight-add",
    ),
    path(
        "reports/summary/<int:year>/highlights/<int:pk>/",
        report_highlights.report_highlight_edit,
        name="report-highlight-edit",
    ),
    path(
        "reports/summary/<int:year>/highlights/<int:pk>/move/",
        report_highlights.report_highlight_move,
        name="report-highlight-move",
    ),
    path(
        "reports/summary/<int:year>/highlights/<int:pk>/show/",
        report_highlights.report_highlight_show,
        name="report-highlight-show",
    ),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/status/", reports.report_status, name="report-status"),
    path("reports/<int:pk>/file/", reports.report_file, name="report-file"),
    # Feed readers sign in with a token (apps.api.feed_access), browsers with their session.
    path("feed/atom/", readable_with_token(PublicationsFeed()), name="feed"),
    # Watching (apps.watching): the inbox, the watch form, and private feed addresses, whose
    # secret in the path is the only credential a feed reader or calendar sends.
    path("notifications/", watching.notifications, name="notifications"),
    path("notifications/read/", watching.notifications_read, name="notifications-read"),
    path("notifications/<int:pk>/", watching.notification_open, name="notification-open"),
    path("watch/", watching.watch, name="watch"),
    path("feeds/", watching.feed_address_page, name="feed-addresses"),
    path("feeds/<str:token>/watched.atom", watching.feed_watched, name="feed-watched"),
    path("feeds/<str:token>/calendar.ics", watching.feed_calendar, name="feed-calendar"),
]
