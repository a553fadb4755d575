"""Redis down while people read: every page and API read still answers, as declared.

gunicorn (production settings) with the broker on its own Redis's database 0 and the cache on
database 1 (CACHE_URL). The ISECG record is loaded; every GET route of the declared route table
(tests/security/test_routes.py: the web, the API, the admin) is requested as the reader and as
the secretariat, by session and, for the API, by token: with Redis up, stopped (connections
refused), started again (the cache is used again: a hit) and hung (SIGSTOP: connections taken,
never answered, so each cache call waits out its 1 s socket timeout)."""

import datetime
import math
import os
import signal
import statistics
import time
from collections import Counter
from dataclasses import dataclass

import pytest
import redis
import requests
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from apps.agencies.models import Agency, AgencyName, DelegateAppointment
from apps.api.services import api_token_create
from apps.core.mail import mail_after_commit
from apps.deliverables.models import Activity, Deliverable
from apps.groups.models import (
    AppointmentAccount,
    ChairAppointment,
    CoChairAppointment,
    MandateVersion,
    OutlookItem,
    StructuralChange,
    SubTeam,
    WorkingGroup,
)
from apps.plenary.models import PlenaryMeeting
from apps.reports.models import ReportHighlight, ReportListing, ReportNarrative
from tests import factories
from tests.security.test_routes import (
    ADMIN_EXTRA,
    ADMIN_MODELS,
    ADMIN_STATIC,
    API,
    WEB,
    admin_expected,
    admin_url,
    admin_views,
    expected_read,
    outcome,
)

from .client import web_session
from .servers import gunicorn, stop, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

# A hung Redis costs each cache call its socket timeout (1 s, settings.CACHES); the pages with
# the status chart make four (the counts and the picture, each read then written).
CACHE_CALLS_PER_PAGE, SOCKET_TIMEOUT = 4, 1
# The same page with Redis up may be this much slower on a loaded 2-core machine.
NOISE_SECONDS = 2.0


@dataclass(frozen=True)
class Read:
    name: str
    role: str
    how: str  # "session" or "token"
    url: str
    status: int
    seconds: float
    wrong: str = ""


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    expected: dict  # role -> the outcomes declared for it
    api: bool = False


class Answer:
    """A requests response as test_routes.outcome reads a Django test response."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        self.headers = response.headers

    def __getitem__(self, header: str) -> str:
        return self.headers[header]


def first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def read_world(users: dict) -> dict:
    """One object of every kind a declared route needs: the record's, else made here."""
    twg = WorkingGroup.objects.get(acronym="TWG")
    nasa = Agency.objects.get(acronym="NASA")
    today = timezone.localdate()

    def deliverable(state):
        found = first(Deliverable, state=state)
        return found or factories.DeliverableFactory(lead_group=twg, state=state)

    def round_(deadline):
        made = factories.ConsensusRoundFactory(
            deliverable=factories.DeliverableFactory(lead_group=twg, state="in_consensus"),
            opened_by=users["secretariat"], opened_on=today - datetime.timedelta(days=20),
            deadline=deadline,
        )  # fmt: skip
        made.eligible_agencies.set([nasa])
        return made

    round = round_(today + datetime.timedelta(days=14))
    return {
        "planned": deliverable("planned"),
        "submitted": deliverable("submitted"),
        "in_consensus": round.deliverable,
        "round": round,
        "expired_round": round_(today - datetime.timedelta(days=1)),
        "position": factories.PositionFactory(
            round=round, agency=nasa, recorded_by=users["delegate-nasa"]
        ),
        "twg": twg,
        "agency": nasa,
        "agency_name": first(AgencyName) or factories.AgencyNameFactory(agency=nasa),
        "delegate_appointment": first(DelegateAppointment),
        "appointment": first(CoChairAppointment, group=twg),
        "chair": first(ChairAppointment),
        "sub_team": first(SubTeam) or factories.SubTeamFactory(group=twg),
        "structural_change": first(StructuralChange) or factories.StructuralChangeFactory(),
        "mandate_version": first(MandateVersion, group=twg),
        "account": first(AppointmentAccount) or factories.AppointmentAccountFactory(),
        "outlook": first(OutlookItem) or factories.OutlookItemFactory(group=twg),
        "activity": first(Activity) or factories.ActivityFactory(group=twg),
        "meeting": first(PlenaryMeeting) or factories.PlenaryMeetingFactory(),
        "draft": factories.done_report_draft(requested_by=users["secretariat"]),
        "narrative": first(ReportNarrative) or factories.ReportNarrativeFactory(),
        "highlight": first(ReportHighlight) or factories.ReportHighlightFactory(),
        "listing": first(ReportListing) or factories.ReportListingFactory(group=twg),
        "revision": factories.RevisionFactory(
            deliverable=deliverable("submitted"), uploaded_by=users["secretariat"]
        ),
        "comment": factories.CommentFactory(author=users["delegate-nasa"]),
        "objection": factories.ObjectionFactory(
            position__round=round,
            position__agency=nasa,
            position__recorded_by=users["delegate-nasa"],
        ),
        "user": users["reader"],
        "role_group": Group.objects.get(name="Secretariat"),
        "api_token": api_token_create(actor=users["reader"], name="walk", scope="read").token,
        "access_attempt": AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", failures_since_start=1
        ),
        "access_log": AccessLog.objects.create(username="x", ip_address="10.0.0.1"),
        "access_failure_log": AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1"),
        "mail": mail_after_commit(to=["a@example.org"], subject="Round opened", body="Answer"),
    }


def routes(world: dict) -> list[Route]:
    """Every declared GET route, with what the reader and the secretariat may see there."""
    found = []
    rules = {**WEB, **API}
    # A rule's query sets up the state its read needs (e.g. an extracted text): built last, so
    # no other rule's set-up (a failed extraction, for the retry route) undoes it.
    for name, rule in sorted(rules.items(), key=lambda item: item[1].query is not None):
        try:
            url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
            url += rule.query(world) if rule.query else ""
        except KeyError as missing:
            pytest.fail(f"{name} needs a {missing} object: add it to read_world()")
        expected = {role: expected_read(rule, role) for role in ("reader", "secretariat")}
        found.append(Route(name, url, expected, api=rule.api))
    for label, (kind, key) in ADMIN_MODELS.items():
        if key not in world:
            pytest.fail(f"the admin of {label} needs a {key!r} object: add it to read_world()")
        for view in admin_views(label):
            url = admin_url(label, view, world[key])
            # The demo secretariat is a superuser: test_routes' "operator".
            staff = {"ok"} if view == "redirect" else admin_expected(kind, view, "operator", "get")
            found.append(Route(f"{label} {view}", url, {"reader": {"login"}, "secretariat": staff}))
    for name, (key, who) in ADMIN_EXTRA.items():
        staff = {"ok"} if "operator" in who else {"refused"}
        url = reverse(name, args=[world[key].pk])
        found.append(Route(name, url, {"reader": {"login"}, "secretariat": staff}))
    for name, who in ADMIN_STATIC.items():
        url, staff = admin_static(name, who)
        if url:
            reader = {"ok"} if who in ("public", "post_only") else {"login"}
            found.append(Route(name, url, {"reader": reader, "secretariat": staff}))
    return found


def admin_static(name: str, who) -> tuple[str | None, set]:
    """The admin's own pages, as test_routes.walk_admin requests them."""
    if name == "admin:view_on_site":
        return None, set()  # needs a content type id; reached through the change pages' links
    if name.startswith("admin/"):
        return "/admin/no-such-page/", {"absent", "ok"}
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "deliverables"}), {"ok"}
    staff = {"public": {"ok"}, "post_only": {"method"}, "no_query": {"refused"}}.get(who, {"ok"})
    return reverse(name), staff


def walk(base: str, table: list[Route], people: dict) -> list[Read]:
    """Each route as each person: by session, and for the API by token too."""
    reads = []
    for route in table:
        for role, (session, token) in people.items():
            declared = route.expected[role]
            for how, http in [("session", session)] + [("token", token)] * route.api:
                started = time.monotonic()
                answer = http.get(base + route.url, allow_redirects=False, timeout=30)
                seconds = time.monotonic() - started
                got = outcome(Answer(answer), api=route.api)
                wrong = "" if got in declared else f"{got}, declared {sorted(declared)}"
                reads.append(Read(route.name, role, how, route.url, answer.status_code, seconds,
                                  wrong))  # fmt: skip
    return reads


def summary(reads: list[Read]) -> str:
    times = sorted(r.seconds for r in reads)
    p95 = times[math.ceil(0.95 * len(times)) - 1]
    fives = sum(r.status >= 500 for r in reads)
    return (
        f"{len(reads)} reads, {fives} 5xx, p50 {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )


def assert_all_as_declared(reads: list[Read]) -> None:
    wrong = [f"{r.url} as {r.role} ({r.how}): {r.status} {r.wrong}" for r in reads if r.wrong]
    assert wrong == []
    assert [r for r in reads if r.status >= 500] == []


def slowest_by_route(reads: list[Read]) -> dict[str, float]:
    slowest: dict[str, float] = {}
    for r in reads:
        slowest[r.url] = max(slowest.get(r.url, 0.0), r.seconds)
    return slowest


def status_figure(session: requests.Session, base: str) -> str:
    page = session.get(f"{base}/overview/", timeout=30)
    assert page.status_code == 200
    return page.text[page.text.index('<figure class="chart">') : page.text.index("</figure>")]


def cache_hits(server: redis.Redis) -> int:
    return server.info("stats")["keyspace_hits"]


def health(base: str) -> tuple[int, dict, float]:
    started = time.monotonic()
    answer = requests.get(f"{base}/healthz", timeout=30)
    return answer.status_code, answer.json(), time.monotonic() - started


def test_every_read_answers_while_redis_is_down_and_the_cache_is_used_again(
    stack_env, redis_server, tmp_path, settings
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)  # the draft's files, where gunicorn looks for them
    env = {**stack_env, "CACHE_URL": f"redis://127.0.0.1:{redis_server.port}/1",
           "MEDIA_ROOT": str(media)}  # fmt: skip
    users = {u.username: u for u in get_user_model().objects.all()}
    table = routes(read_world(users))
    web, base = gunicorn(env, tmp_path / "gunicorn.log")
    cache_db = redis.Redis(port=redis_server.port, db=1, socket_timeout=5)
    broker_db = redis.Redis(port=redis_server.port, db=0, socket_timeout=5)
    try:
        people = {}
        for role in ("reader", "secretariat"):
            token = requests.Session()
            secret = api_token_create(actor=users[role], name="reads", scope="read").secret
            token.headers["Authorization"] = f"Token {secret}"
            people[role] = (web_session(base, role), token)

        up = walk(base, table, people)
        assert_all_as_declared(up)
        status, parts, _ = health(base)
        assert (status, parts["cache"], parts["broker"]) == (200, "ok", "ok"), parts

        # Stopped: every connection refused.
        redis_server.stop()
        down = walk(base, table, people)
        assert_all_as_declared(down)
        status, parts, _ = health(base)
        assert status == 200, parts  # the web serves through it: stays in the load balancer
        assert parts["database"] == "ok"
        assert parts["cache"] == parts["broker"] == "error: ConnectionError"
        figure_without_cache = status_figure(people["reader"][0], base)
        up_slowest, down_slowest = slowest_by_route(up), slowest_by_route(down)
        slower = {u: s for u, s in down_slowest.items() if s > up_slowest[u] + NOISE_SECONDS}
        assert slower == {}, "a refused Redis must cost a page nothing noticeable"

        # Started again, empty: the cache fills and is read again, in its own database.
        redis_server.start()

        def a_hit() -> bool:
            before = cache_hits(cache_db)
            figure = status_figure(people["reader"][0], base)
            assert figure == figure_without_cache  # the same picture, cached or not
            return cache_hits(cache_db) - before >= 2  # the counts and the picture

        wait_until(a_hit, seconds=30, what="a cache hit once Redis is back", every=0.2)
        cached = {key.decode() for key in cache_db.keys("isecg:*")}
        assert any(":deliverable-state-counts:" in key for key in cached), cached
        assert any("template.cache.status_chart" in key for key in cached), cached
        assert broker_db.keys("isecg:*") == []  # the broker's database holds no cache entry
        assert health(base)[1]["cache"] == "ok"

        # Hung: connections are taken but never answered.
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        try:
            hung = walk(base, table, people)
            status, parts, health_seconds = health(base)
        finally:
            os.kill(redis_server.process.pid, signal.SIGCONT)
        assert_all_as_declared(hung)
        assert status == 200, parts
        assert parts["cache"] == parts["broker"] == "error: TimeoutError"
        assert health_seconds < 3, "a docker-compose health check waits 3 s"
        bound = CACHE_CALLS_PER_PAGE * SOCKET_TIMEOUT + NOISE_SECONDS
        hung_slowest = slowest_by_route(hung)
        over = {u: s for u, s in hung_slowest.items() if s > up_slowest[u] + bound}
        assert over == {}, f"more than {bound}s over the time with Redis up"
        waited = sorted(u for u, s in hung_slowest.items() if s > up_slowest[u] + 0.5)

        kinds = Counter(
            "API" if r.api else "admin" if r.url.startswith("/admin/") else "web" for r in table
        )
        print(f"\nFIGURE redis-down-reads: {len(table)} GET routes ({dict(kinds)}) x 2 roles")
        print(f"FIGURE   Redis up:      {summary(up)}")
        print(f"FIGURE   Redis stopped: {summary(down)}; /healthz 200 naming cache and broker")
        print(f"FIGURE   Redis hung:    {summary(hung)}; /healthz in {health_seconds:.1f}s")
        print(f"FIGURE   routes that waited on the hung Redis: {', '.join(waited)}")
    finally:
        stop(web)
