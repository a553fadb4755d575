from django.urls import path

from apps.api.feed_access import readable_with_token

from .feeds import PublicationsFeed
from .views import (
    agencies,
    comments,
    deliverables,
    groups,
    home,
    objections,
    overview,
    reports,
    revisions,
    rounds,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
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
    path("rounds/<int:pk>/<str:action>/", rounds.round_decide, name="round-decide"),
    path("objections/<int:pk>/answer/", objections.objection_answer_view, name="objection-answer"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/outlook/", groups.outlook_add, name="outlook-add"),
    path("outlook/<int:pk>/", groups.outlook_edit, name="outlook-edit"),
    path("agencies/", agencies.agency_list, name="agencies"),
    path("overview/", overview.overview, name="overview"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/request/", reports.report_request, name="report-request"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/status/", reports.report_status, name="report-status"),
    path("reports/<int:pk>/file/", reports.report_file, name="report-file"),
    # Feed readers sign in with a token (apps.api.feed_access), browsers with their session.
    path("feed/atom/", readable_with_token(PublicationsFeed()), name="feed"),
]
