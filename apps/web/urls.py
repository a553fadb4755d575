from django.urls import path

from . import views
from .feeds import PublicationsFeed

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("deliverables/", views.deliverable_list, name="deliverables"),
    path("deliverables/export.csv", views.deliverable_export, name="deliverables-csv"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable"),
    path("deliverables/<int:pk>/progress/", views.deliverable_progress, name="progress"),
    path("deliverables/<int:pk>/move/", views.deliverable_move, name="move"),
    path("deliverables/<int:pk>/rounds/", views.round_open, name="round-open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/position/", views.round_position, name="position"),
    path("rounds/<int:pk>/<str:action>/", views.round_decide, name="round-decide"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/outlook/", views.outlook_add, name="outlook-add"),
    path("outlook/<int:pk>/", views.outlook_edit, name="outlook-edit"),
    path("agencies/", views.agency_list, name="agencies"),
    path("overview/", views.overview, name="overview"),
    path("reports/", views.report_list, name="reports"),
    path("reports/request/", views.report_request, name="report-request"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/status/", views.report_status, name="report-status"),
    path("feed/atom/", PublicationsFeed(), name="feed"),
]
