"""Every page of the app, derived from the URL conf, for the accessibility test to walk.

Each named route is either a page, given an example address here from the loaded record, or
skipped for a stated reason (POST-only, a download, a feed, a redirect, a probe for machines).
`missing()` names the routes that are neither, so a new page cannot be left out unnoticed.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from axes.models import AccessFailureLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.agencies.models import Agency
from apps.api.models import ApiToken
from apps.api.services import api_token_create
from apps.deliverables.models import Activity, Deliverable
from apps.documents.comments import comment_post
from apps.documents.models import Comment, Revision
from apps.groups.appointment_accounts import AppointmentAccount
from apps.groups.models import CoChairAppointment, OutlookItem, StructuralChange, WorkingGroup
from apps.meetings.models import AgendaItem, Decision
from apps.plenary.models import ConsensusRound, PlenaryMeeting
from apps.plenary.services import position_record
from apps.record.demo import (
    demo_agenda_build,
    demo_delegations_ensure,
    demo_plenary_ensure,
    demo_revisions_ensure,
)
from apps.reports.models import ReportDraft
from apps.reports.narratives import report_narrative_write
from apps.reports.services import annual_report_draft, report_draft_request
from tests.web.test_browser import PASSWORD

REPORT_YEAR = 2025

POST_ONLY = "POST-only: a form's target, answers 405 to GET"
DOWNLOAD = "a download, not a page"
FEED = "a feed for feed readers and calendars, not a page"
# What each skipped route is, by name; tests check the POST-only ones really refuse GET.
SKIPPED: dict[str, str] = {
    "web:favicon": "redirects to the icon file",
    "web:deliverables-csv": DOWNLOAD,
    "web:revision-file": DOWNLOAD,
    "web:meeting-agenda-docx": DOWNLOAD,
    "web:meeting-agenda-ics": DOWNLOAD,
    "web:report-status": "an htmx fragment polled inside the report page, audited there",
    "web:feed": FEED,
    "web:feed-watched": FEED,
    "web:feed-calendar": FEED,
    "web:notification-open": "marks the notification read and redirects to its subject",
    "api:meeting-agenda-docx": DOWNLOAD,
    "api:meeting-agenda-ics": DOWNLOAD,
    "api:report-draft-docx": DOWNLOAD,
    "api:report-draft-pdf": DOWNLOAD,
    "api:revision-file": DOWNLOAD,
    "api:schema": "the OpenAPI document (YAML), read by /api/docs/",
    "api:not-found": "the JSON 404 for unknown API paths: never HTML, whatever the client asks",
    "healthz": "a health probe for machines (JSON)",
    "livez": "a liveness probe for machines (text)",
    "admin:jsi18n": "the admin's JavaScript catalogue",
    "admin:autocomplete": "JSON for the admin's autocomplete widgets",
    "admin:view_on_site": "redirects to the object's page on the site",
    "admin:reports_reportdraft_docx": DOWNLOAD,
    "admin:reports_reportdraft_pdf": DOWNLOAD,
    **{
        name: POST_ONLY
        for name in (
            "web:progress",
            "web:move",
            "web:round-open",
            "web:revision-upload",
            "web:revision-status",
            "web:revision-retry",
            "web:position",
            "web:round-outcome",
            "web:round-other-channel",
            "web:round-decide",
            "web:objection-answer",
            "web:change-amend",
            "web:change-withdraw",
            "web:change-endorse",
            "web:change-round-open",
            "web:outlook-add",
            "web:outlook-edit",
            "web:meeting-agenda-build",
            "web:meeting-agenda-add",
            "web:meeting-agenda-move",
            "web:meeting-agenda-take-off",
            "web:meeting-attendance",
            "web:meeting-minutes",
            "web:meeting-minutes-approve",
            "web:report-request",
            "web:report-highlight-add",
            "web:report-highlight-edit",
            "web:report-highlight-move",
            "web:report-highlight-show",
            "web:report-file",
            "web:notifications-read",
            "web:watch",
            "logout",
            "admin:logout",
            "api:auth-token",
            "api:api-token-detail",
            "api:appointment-account-settle",
            "api:consensus-round-cancel",
            "api:consensus-round-close",
            "api:consensus-round-extend",
            "api:consensus-round-outcome",
            "api:meeting-agenda-build",
            "api:meeting-agenda-order",
            "api:meeting-agenda-remove",
            "api:meeting-approve-minutes",
            "api:objection-answer",
            "api:revision-status",
            "api:revision-text-retry",
            "api:structural-change-endorse",
            "api:structural-change-withdraw",
        )
    },
}


def routes() -> Iterator[tuple[str, URLPattern]]:
    """Every named route of the URL conf, once each (the first of a name wins, as in reverse)."""
    seen: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, inner)
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                if name and name not in seen:
                    seen.add(name)
                    yield name, entry

    yield from walk(get_resolver(), "")


def sample_ensure() -> None:
    """What the pages need beyond the record and the demo accounts: seed_demo's sample
    revisions, round and meeting, a finished annual report draft with its narrative, a
    comment, an objection, a meeting decision, an API token and a sign-in log."""
    users = get_user_model().objects
    secretariat = users.get(username="secretariat")
    demo_delegations_ensure()
    meeting = demo_plenary_ensure()
    demo_revisions_ensure(sample_round=True, meeting=meeting)
    demo_agenda_build(meeting)
    report_narrative_write(
        year=REPORT_YEAR, executive_summary="A year of lunar gap reports.", actor=secretariat
    )
    draft = report_draft_request(year=REPORT_YEAR, actor=secretariat)
    if ReportDraft.objects.get(pk=draft.pk).state != ReportDraft.State.DONE:
        annual_report_draft(draft_id=draft.pk)  # no worker in the tests: drafted here
    lss = Deliverable.objects.get(title__startswith="Lunar Surface Systems")
    sample_round = ConsensusRound.objects.filter(deliverable=lss).latest("pk")
    revision = Revision.objects.filter(deliverable=lss).latest("number")
    comment_post(revision=revision, actor=users.get(username="cochair-twg"), body="Annex A?")
    position_record(
        round=sample_round,
        actor=users.get(username="delegate-esa"),
        agency=Agency.objects.get(acronym="ESA"),
        position="object",
        rationale="Chapter 4 omits ESA's lunar lander",
    )
    api_token_create(actor=secretariat, name="Accessibility test", scope=ApiToken.Scope.READ)
    # The sign-in log the admin shows: one sign-in, one failed attempt.
    client = Client()
    client.post(reverse("login"), {"username": "reader", "password": PASSWORD})
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    # axes keeps this log only with AXES_ENABLE_ACCESS_FAILURE_LOG; the admin lists it anyway.
    AccessFailureLog.objects.create(
        username="nobody", ip_address="127.0.0.1", user_agent="test", path_info="/accounts/login/"
    )
    # A decision row as the minutes list it (its own workflow is tested in tests/meetings).
    Decision.objects.create(
        meeting=meeting,
        round=sample_round,
        revision=revision,
        statement="RESOLVED: the plenary noted the LSS Gap Report.",
        positions_recorded=0,
        recorded_by=secretariat,
        recorded_at=timezone.now(),
    )


@dataclass(frozen=True)
class Sample:
    """The rows the example addresses point at."""

    deliverable: Deliverable
    revision: Revision
    round: ConsensusRound
    meeting: PlenaryMeeting
    agenda_item: AgendaItem
    decision: Decision
    comment: Comment
    change: StructuralChange
    group: WorkingGroup
    draft: ReportDraft

    @classmethod
    def load(cls) -> "Sample":
        lss = Deliverable.objects.get(title__startswith="Lunar Surface Systems")
        revision = Revision.objects.filter(deliverable=lss).latest("number")
        decision = Decision.objects.select_related("meeting", "round").latest("pk")
        return cls(
            deliverable=lss,
            revision=revision,
            round=decision.round,
            meeting=decision.meeting,
            agenda_item=AgendaItem.objects.filter(meeting=decision.meeting).earliest("pk"),
            decision=decision,
            comment=Comment.objects.filter(revision=revision).earliest("pk"),
            change=StructuralChange.objects.earliest("pk"),
            group=lss.lead_group,
            draft=ReportDraft.objects.filter(state=ReportDraft.State.DONE).latest("pk"),
        )


def _first(model) -> int:
    return model.objects.order_by("pk").values_list("pk", flat=True)[0]


def _web_and_api(s: Sample) -> dict[str, list[dict]]:
    """Keyword arguments for reverse(), per route name (a list: one page each); "?" adds a
    query string, "*" gives positional arguments instead."""
    d, r, m = s.deliverable.pk, s.revision.number, s.meeting.pk
    year = REPORT_YEAR
    return {
        "web:home": [{}],
        "web:deliverables": [{}],
        "web:deliverable": [{"pk": d}],
        "web:revision-diff": [{"pk": d}],
        "web:revision-comments": [{"pk": d, "number": r}],
        "web:round": [{"pk": s.round.pk}],
        "web:groups": [{}],
        "web:group": [{"pk": s.group.pk}],
        "web:changes": [{}],
        "web:change-new": [{}],
        "web:change": [{"pk": s.change.pk}],
        "web:agencies": [{}],
        "web:appointment-dates-settle": [{"pk": _first(AppointmentAccount)}],
        "web:meetings": [{}],
        "web:meeting-new": [{}],
        "web:meeting": [{"pk": m}],
        "web:overview": [{}],
        "web:reports": [{}],
        "web:report": [{"pk": s.draft.pk}],
        "web:report-summary": [{"year": year}],
        "web:notifications": [{}],
        "web:feed-addresses": [{}],
        "api:api-root": [{}],
        "api:docs": [{}],
        "api:token-page": [{}],
        "api:agency-list": [{}],
        "api:agency-detail": [{"pk": _first(Agency)}],
        "api:agency-history": [{"pk": _first(Agency)}],
        "api:working-group-list": [{}],
        "api:working-group-detail": [{"pk": s.group.pk}],
        "api:working-group-history": [{"pk": s.group.pk}],
        "api:cochair-appointment-list": [{}],
        "api:cochair-appointment-detail": [{"pk": _first(CoChairAppointment)}],
        "api:cochair-appointment-history": [{"pk": _first(CoChairAppointment)}],
        "api:outlook-item-list": [{}],
        "api:outlook-item-detail": [{"pk": _first(OutlookItem)}],
        "api:outlook-item-history": [{"pk": _first(OutlookItem)}],
        "api:structural-change-list": [{}],
        "api:structural-change-detail": [{"pk": s.change.pk}],
        "api:structural-change-history": [{"pk": s.change.pk}],
        "api:structural-change-consensus-rounds": [{"pk": s.change.pk}],
        "api:appointment-account-list": [{}],
        "api:appointment-account-detail": [{"pk": _first(AppointmentAccount)}],
        "api:appointment-account-history": [{"pk": _first(AppointmentAccount)}],
        "api:deliverable-list": [{}],
        "api:deliverable-detail": [{"pk": d}],
        "api:deliverable-history": [{"pk": d}],
        "api:deliverable-transitions": [{"pk": d}],
        "api:deliverable-consensus-rounds": [{"pk": d}],
        "api:revision-list": [{"id": d}],
        "api:revision-diff": [{"id": d, "?": f"from={r - 1}&to={r}"}],
        "api:revision-detail": [{"id": d, "number": r}],
        "api:revision-history": [{"id": d, "number": r}],
        "api:revision-comment-list": [{"id": d, "number": r}],
        "api:revision-comment-detail": [{"id": d, "number": r, "comment_id": s.comment.pk}],
        "api:activity-list": [{}],
        "api:activity-detail": [{"pk": _first(Activity)}],
        "api:activity-history": [{"pk": _first(Activity)}],
        "api:meeting-list": [{}],
        "api:meeting-detail": [{"pk": m}],
        "api:meeting-history": [{"pk": m}],
        "api:meeting-agenda-list": [{"id": m}],
        "api:meeting-agenda-detail": [{"id": m, "item": s.agenda_item.pk}],
        "api:meeting-attendance-list": [{"id": m}],
        "api:meeting-decision-list": [{"id": m}],
        "api:meeting-decision-detail": [{"id": m, "decision": s.decision.pk}],
        "api:consensus-round-list": [{}],
        "api:consensus-round-detail": [{"pk": s.round.pk}],
        "api:consensus-round-history": [{"pk": s.round.pk}],
        "api:consensus-round-notices": [{"pk": s.round.pk}],
        "api:consensus-round-positions": [{"pk": s.round.pk}],
        "api:objection-list": [{"id": s.round.pk}],
        "api:report-draft-list": [{}],
        "api:report-draft-detail": [{"pk": s.draft.pk}],
        "api:report-draft-history": [{"pk": s.draft.pk}],
        # The report preview: framed by the report page, audited on its own (axe does not
        # enter a sandboxed frame).
        "api:report-draft-html": [{"pk": s.draft.pk}],
        "api:report-summary-detail": [{"year": year}],
        "api:report-summary-history": [{"year": year}],
        "api:api-token-list": [{}],
        "login": [{}],
        "password_change": [{}],
        "password_change_done": [{}],
        "password_reset": [{}],
        "password_reset_done": [{}],
        "password_reset_complete": [{}],
        # A link that is no longer valid: the page says so.
        "password_reset_confirm": [{"uidb64": "MQ", "token": "expired-link"}],
    }


def _admin(s: Sample) -> dict[str, list[dict]]:
    """The admin's pages, for every model it registers."""
    site = admin.site
    examples: dict[str, list[dict]] = {
        "admin:index": [{}],
        "admin:password_change": [{}],
        "admin:password_change_done": [{}],
        "admin:login": [{}],
        # The report preview, as the admin serves it.
        "admin:reports_reportdraft_preview": [{"pk": s.draft.pk}],
        "admin:app_list": [
            {"app_label": label}
            for label in sorted({model._meta.app_label for model in site._registry})
        ],
    }
    for model in site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        examples[f"{prefix}_changelist"] = [{}]
        examples[f"{prefix}_add"] = [{}]
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue  # reported by missing(): the sample lacks a row of this model
        object_id = str(row.pk)
        for action in ("change", "delete", "history"):
            examples[f"{prefix}_{action}"] = [{"object_id": object_id}]
        if hasattr(model, "history") and hasattr(model.history, "filter"):
            # The historical rows keep the object's primary key under its own name.
            version = model.history.filter(**{model._meta.pk.attname: row.pk})
            version = version.order_by("history_id").first()
            if version is not None:
                # simple_history's route has unnamed groups: positional arguments ("*").
                examples[f"{prefix}_simple_history"] = [{"*": [object_id, str(version.history_id)]}]
        if model is get_user_model():
            examples[f"{prefix}_password_change"] = [{"id": object_id}]
    return examples


@dataclass(frozen=True)
class Page:
    name: str  # the route's name, e.g. "web:deliverable"
    path: str

    @property
    def slug(self) -> str:
        tail = self.path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-")
        return f"{self.name.replace(':', '-')}--{tail or 'root'}"[:150]


def pages() -> tuple[list[Page], list[str]]:
    """Every page to audit, and the names of routes with neither an example nor a reason."""
    sample = Sample.load()
    examples = {**_web_and_api(sample), **_admin(sample)}
    found: list[Page] = []
    missing: list[str] = []
    for name, _pattern in routes():
        if name in SKIPPED:
            continue
        if name not in examples:
            missing.append(name)
            continue
        for kwargs in examples[name]:
            query, args = kwargs.get("?", ""), kwargs.get("*")
            kwargs = {key: value for key, value in kwargs.items() if key not in "?*"}
            path = reverse(name, args=args) if args else reverse(name, kwargs=kwargs)
            found.append(Page(name, f"{path}?{query}" if query else path))
    return found, missing
