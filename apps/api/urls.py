"""/api/: the REST API (v1/), its OpenAPI schema and docs, and the 'Your API tokens' page."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .views.activities import ActivityViewSet
from .views.agencies import AgencyViewSet
from .views.appointment_accounts import AppointmentAccountViewSet
from .views.changes import StructuralChangeViewSet
from .views.comments import CommentViewSet
from .views.deliverables import DeliverableViewSet
from .views.groups import CoChairAppointmentViewSet, OutlookItemViewSet, WorkingGroupViewSet
from .views.meeting_records import AttendanceViewSet, DecisionViewSet
from .views.meetings import AgendaViewSet, MeetingViewSet
from .views.objections import ObjectionViewSet
from .views.report_summaries import ReportSummaryViewSet
from .views.reports import ReportDraftViewSet
from .views.revisions import RevisionViewSet
from .views.root import Root, not_found
from .views.rounds import ConsensusRoundViewSet
from .views.schema import SchemaView
from .views.tokens import ApiTokenViewSet, TokenView, token_page

app_name = "api"


class Router(DefaultRouter):
    APIRootView = Root
    include_format_suffixes = False


router = Router()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")
router.register("cochair-appointments", CoChairAppointmentViewSet, basename="cochair-appointment")
router.register("outlook-items", OutlookItemViewSet, basename="outlook-item")
router.register("structural-changes", StructuralChangeViewSet, basename="structural-change")
router.register("appointment-accounts", AppointmentAccountViewSet, basename="appointment-account")
router.register("deliverables", DeliverableViewSet, basename="deliverable")
router.register(r"deliverables/(?P<id>\d+)/revisions", RevisionViewSet, basename="revision")
router.register(
    r"deliverables/(?P<id>\d+)/revisions/(?P<number>\d+)/comments",
    CommentViewSet,
    basename="revision-comment",
)
router.register("activities", ActivityViewSet, basename="activity")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register(r"meetings/(?P<id>\d+)/agenda", AgendaViewSet, basename="meeting-agenda")
router.register(
    r"meetings/(?P<id>\d+)/attendance", AttendanceViewSet, basename="meeting-attendance"
)
router.register(r"meetings/(?P<id>\d+)/decisions", DecisionViewSet, basename="meeting-decision")
router.register("consensus-rounds", ConsensusRoundViewSet, basename="consensus-round")
router.register(r"consensus-rounds/(?P<id>\d+)/objections", ObjectionViewSet, basename="objection")
router.register("report-drafts", ReportDraftViewSet, basename="report-draft")
router.register("report-summaries", ReportSummaryViewSet, basename="report-summary")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")

# The docs page is for people: an anonymous visitor is sent to the login page, like every page.
# Its script is served as a file (the split view) for the content security policy; Swagger UI
# sets style attributes as it renders, allowed here only (styles run no code).
# Our page around it (apps/api/templates/api/swagger_ui.html) adds what accessibility needs: a
# language, landmarks, contrast (web/api-docs.css) and names for unnamed controls (web/api-docs.js).
docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
)
docs.login_required = True

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="auth-token"),
    path("v1/", include(router.urls)),
    path("v1/<path:rest>", not_found, name="not-found"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("token/", token_page, name="token-page"),
]
