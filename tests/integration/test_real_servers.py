"""Every write, through the servers people really run: Django's development server (`make demo`:
manage.py runserver, DEBUG on) and gunicorn with production settings, over real HTTP.

Each server gets a throw-away PostgreSQL database cloned from one migrated and seeded with the
ISECG record and the demo accounts (`seed_demo`), and a Redis of its own (tests/reliability's
RedisServer: no worker takes the tasks, so no report file is written). People sign in through
the login page and post the forms as a browser would, with the CSRF token of the page they read;
the forms are scraped from the pages, never typed in here, so a field added to a form is sent
as the page has it. Scripts use the API with a token. Each write must answer its 2xx/3xx and be
stored (read back through the API); no request may fail with a 5xx, nor the server log a
traceback. The development server refuses any header value that is not a plain str, which is
how a DRF Hyperlink in a Location header once broke `make demo`.
"""

import datetime
import hashlib
import html
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
from django.urls import reverse

from tests.reliability.servers import (
    RedisServer,
    free_port,
    gunicorn,
    manage,
    python_env,
    serving,
    start,
    stop,
)
from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

PASSWORD = "isecg-demo"  # seed_demo's demo-only default
TIMEOUT = 30


# --- what a browser does with a page's forms ---------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # what a browser sends untouched
    options: dict[str, list[str]] = field(default_factory=dict)  # select, radio: the choices
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons


class FormParser(HTMLParser):
    """The forms of a page, with each field's current value as a browser would submit it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        kind = (a.get("type") or "").lower()
        if tag == "button" and kind in ("", "submit") and name:
            form.buttons.append((name, a.get("value") or ""))
        elif tag == "input" and name:
            if kind in ("submit", "image"):
                form.buttons.append((name, a.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value") or "on")
                if "checked" in a:
                    form.fields[name] = a.get("value") or "on"
            elif kind not in ("button", "reset", "file"):
                form.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "textarea" and form is not None and self._textarea:
            # A browser drops the newline right after <textarea>, as Django writes it.
            form.fields[self._textarea] = form.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "option" and form is not None and self._select and self._option:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            form.options[self._select].append(value)
            if self._option["selected"] or self._select not in form.fields:
                form.fields[self._select] = value  # the selected option, else the first
            self._option = None
        elif tag == "select":
            self._select = None


def forms_of(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


# --- people and scripts over HTTP --------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    url: str
    status: int


class Client:
    """One person's browser, or one script: its own cookies, every exchange logged."""

    def __init__(self, base: str, exchanges: list[Exchange], token: str | None = None) -> None:
        self.base = base
        self.http = requests.Session()
        self.exchanges = exchanges
        if token:
            self.http.headers["Authorization"] = f"Token {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        response = self.http.request(method, self.base + path, **kwargs)
        self.exchanges.append(Exchange(method, path, response.status_code))
        return response

    def page(self, path: str) -> str:
        response = self.request("GET", path)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        return response.text

    def form(self, path: str, action: str) -> Form:
        """The form on the page at `path` that posts to `action` (no action: the page)."""
        found = [form for form in forms_of(self.page(path)) if (form.action or path) == action]
        assert len(found) == 1, f"{len(found)} forms post to {action} on {path}"
        found[0].action = action
        return found[0]

    def submit(
        self,
        path: str,
        action: str,
        values: dict[str, str] | None = None,
        button=None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> requests.Response:
        """Fill in the form of the page at `path` (only fields it has) and send it as a browser
        does: the page's CSRF token, the session cookie, Origin and Referer."""
        form = self.form(path, action)
        values = values or {}
        unknown = set(values) - set(form.fields) - set(form.options)
        assert not unknown, f"the form posting to {action} has no field {sorted(unknown)}"
        assert form.method == "post" and "csrfmiddlewaretoken" in form.fields
        data = {**form.fields, **values}
        if button is not None:
            assert button in form.buttons, f"no button {button} in {form.buttons}"
            data[button[0]] = button[1]
        headers = {"Origin": self.base, "Referer": self.base + path}
        return self.request("POST", action, data=data, files=files, headers=headers)

    def sign_in(self, username: str) -> "Client":
        login = reverse("login")
        response = self.submit(login, login, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"sign-in of {username}: {response.status_code}"
        assert "sessionid" in self.http.cookies
        assert f"Sign out {username}" in self.page("/")
        return self

    def json(self, path: str, status: int = 200) -> dict:
        response = self.request("GET", path)
        assert response.status_code == status, f"GET {path}: {response.status_code}"
        return response.json()

    def post_json(self, path: str, body: dict, *, csrf: bool = False) -> requests.Response:
        headers = {"X-CSRFToken": self.http.cookies["csrftoken"]} if csrf else {}
        if csrf:
            headers |= {"Origin": self.base, "Referer": self.base + "/"}
        return self.request("POST", path, json=body, headers=headers)


def redirected(browser: Client, response: requests.Response, to: str, what: str) -> str:
    """The page a form's 302 leads to, which must say the change was made (a refusal redirects
    too, with an error message instead)."""
    assert response.status_code == 302, f"{what}: {response.status_code} {response.text[:300]}"
    location = response.headers["Location"]
    assert urlsplit(location).path == to, f"{what}: to {location}"
    page = html.unescape(browser.page(to))
    assert 'class="success"' in page and 'class="error"' not in page, f"{what}: {page[-2000:]}"
    return page


# --- the servers -------------------------------------------------------------------------------


def run_manage(env: dict[str, str], *args: str) -> None:
    done = manage(env, *args)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def seeded_database() -> Iterator[str]:
    """A database migrated and seeded once, as `make demo` does; each server gets a copy."""
    admin_url = require_postgres()
    name = f"isecg_servers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = python_env(DATABASE_URL=database_url(name), REDIS_URL=None, CACHE_URL=None)
        run_manage(env, "migrate", "--noinput", "-v0")
        run_manage(env, "seed_demo")
        yield name
    finally:
        drop(name)


def database_url(name: str) -> str:
    return require_postgres().rsplit("/", 1)[0] + f"/{name}"


def drop(name: str) -> None:
    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@dataclass
class Server:
    kind: str
    base: str
    database: str
    log: Path


def runserver(env: dict[str, str], log: Path):
    """`make demo`'s server: manage.py runserver, DEBUG on, no SECRET_KEY needed."""
    port = free_port()
    process = start(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], env, log
    )
    return serving(process, f"http://127.0.0.1:{port}", log, what="runserver")


@pytest.fixture(params=["runserver", "gunicorn"])
def server(request, seeded_database, redis_server, tmp_path) -> Iterator[Server]:
    name = f"{seeded_database}_{request.param}_{uuid.uuid4().hex[:4]}"
    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seeded_database}"')
    log = tmp_path / f"{request.param}.log"
    db = request.param_index  # Redis databases of its own: no throttle count carries over
    services = {
        "DATABASE_URL": database_url(name),
        "REDIS_URL": redis_server.url.rsplit("/", 1)[0] + f"/{2 * db}",
        "CACHE_URL": redis_server.url.rsplit("/", 1)[0] + f"/{2 * db + 1}",
    }
    process = None
    try:
        if request.param == "runserver":
            process, base = runserver(python_env(DEBUG="1", SECRET_KEY=None, **services), log)
        else:
            process, base = gunicorn(python_env(**services), log, workers=2)
        yield Server(request.param, base, name, log)
    finally:
        if process is not None:
            stop(process)
        drop(name)


# --- the writes --------------------------------------------------------------------------------


class World:
    """The server under test, every exchange with it, and the secretariat's API script."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.exchanges: list[Exchange] = []
        self.tokens = {
            username: self.token_for(username) for username in ("secretariat", "delegate-esa")
        }
        self.api = self.script(self.tokens["secretariat"])

    def token_for(self, username: str) -> str:
        """POST /api/v1/auth/token/ as a script signs in: username and password, no session."""
        response = Client(self.server.base, self.exchanges).post_json(
            "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        assert response.json()["username"] == username
        return response.json()["token"]

    def script(self, token: str) -> Client:
        return Client(self.server.base, self.exchanges, token=token)

    def browser(self, username: str) -> Client:
        return Client(self.server.base, self.exchanges).sign_in(username)

    def stored(self, path: str) -> dict:
        """Read back through the API what a write stored."""
        return self.api.json(path)


def test_every_write_through_a_real_server(server: Server):
    world = World(server)
    [twg] = world.api.json("/api/v1/working-groups/?acronym=TWG")["results"]
    drafting = world.api.json("/api/v1/deliverables/?group=TWG&state=drafting&ordering=title")
    deliverable = drafting["results"][0]  # a TWG product, its co-chair cochair-twg

    cochair, secretariat = world.browser("cochair-twg"), world.browser("secretariat")
    progress_and_moves(world, cochair, deliverable)
    watch_through_the_web(world, cochair, deliverable["id"])
    rounds_through_the_web(world, secretariat, deliverable["id"])
    rounds_through_the_api(world, secretariat, deliverable["id"])
    outlook(world, cochair, twg["id"])
    admin_edit(world, secretariat, drafting["results"][1])
    revisions(world, cochair, drafting["results"][1]["id"])
    plenary_through_the_api(world, drafting["results"][1]["id"])
    report_summary(world, secretariat)
    report_highlights(world, secretariat)
    report_drafts(world, secretariat)
    meetings(world, secretariat)
    structural_change(world, secretariat, twg["id"])
    amend_and_withdraw_a_change(world, cochair, twg["id"])
    settle_a_conflict_of_sources(world, secretariat)
    notifications_and_feeds(world, cochair)
    token_page(world)
    sign_out(world, cochair)

    assert [exchange for exchange in world.exchanges if exchange.status >= 500] == []
    log = server.log.read_text()
    assert "Traceback" not in log, log
    if server.kind == "runserver":  # it logs every request with its status
        assert re.search(r'"POST /api/v1/deliverables/\d+/consensus-rounds/ HTTP/1.1" 201', log)
        assert re.search(r'"POST /api/v1/report-drafts/ HTTP/1.1" 202', log)
        assert not re.search(r'HTTP/1.1" 5\d\d', log), log


def progress_and_moves(world: World, cochair: Client, deliverable: dict) -> None:
    """The co-chair updates progress, then sends it to WG review and submits it."""
    pk = deliverable["id"]
    page, api = reverse("web:deliverable", args=[pk]), f"/api/v1/deliverables/{pk}/"
    percent = 37 if deliverable["percent_complete"] != 37 else 38
    response = cochair.submit(
        page,
        reverse("web:progress", args=[pk]),
        {"percent_complete": str(percent), "reason": "after the telecon"},
    )
    redirected(cochair, response, page, "progress update")
    after = world.stored(api)
    assert (after["percent_complete"], after["version"]) == (percent, deliverable["version"] + 1)

    for target in ("wg_review", "submitted"):
        # One form per move the page offers, all posting to the same URL: pick it by its target.
        [move] = [
            form
            for form in forms_of(cochair.page(page))
            if form.action == reverse("web:move", args=[pk]) and form.fields.get("to") == target
        ]
        response = cochair.request(
            "POST",
            move.action,
            data={**move.fields, "reason": f"Ready for {target}"},
            headers={"Origin": world.server.base, "Referer": world.server.base + page},
        )
        redirected(cochair, response, page, f"move to {target}")
        assert world.stored(api)["state"] == target


def rounds_through_the_web(world: World, secretariat: Client, pk: int) -> None:
    """The secretariat opens a round (once it has ticked each agency nobody can be written
    to, to be decided at the demo's sample plenary), a delegate answers, the secretariat
    records the plenary's outcome and another channel, then extends and cancels."""
    from apps.record.demo import SAMPLE_MEETING_TITLE

    page, open_at = reverse("web:deliverable", args=[pk]), reverse("web:round-open", args=[pk])
    meetings = world.api.json("/api/v1/meetings/?page_size=200")["results"]
    [sample] = [m["id"] for m in meetings if m["title"] == SAMPLE_MEETING_TITLE]
    typed = {"channel": "written_procedure", "meeting": str(sample)}
    refused = secretariat.submit(page, open_at, typed)  # no box ticked
    assert refused.status_code == 400, refused.status_code
    assert "Acknowledge them to open the round anyway" in html.unescape(refused.text)
    assert world.stored(f"/api/v1/deliverables/{pk}/")["state"] == "submitted"  # nothing opened
    unreachable = secretariat.form(page, open_at).options["acknowledge_unreachable"]
    assert unreachable, "the demo's record has member agencies nobody can be written to"
    response = secretariat.submit(page, open_at, {**typed, "acknowledge_unreachable": unreachable})
    [opened] = world.api.json(f"/api/v1/consensus-rounds/?deliverable={pk}&state=open")["results"]
    round_page, api = reverse("web:round", args=[opened["id"]]), opened["url"]
    api = urlsplit(api).path
    redirected(secretariat, response, round_page, "open a round")
    assert world.stored(f"/api/v1/deliverables/{pk}/")["state"] == "in_consensus"

    nasa = world.browser("delegate-nasa")
    response = nasa.submit(
        round_page, reverse("web:position", args=[opened["id"]]), {"position": "concur"}
    )
    redirected(nasa, response, round_page, "record a position")
    latest = {row["agency"]["acronym"]: row["latest"] for row in world.stored(api)["agencies"]}
    assert latest["NASA"]["position"] == "concur"
    assert latest["NASA"]["recorded_by"]["username"] == "delegate-nasa"

    plenary_outcome_through_the_web(world, secretariat, opened["id"], sample)
    other_channel_through_the_web(world, secretariat, opened["id"], unreachable)

    later = datetime.date.fromisoformat(opened["deadline"]) + datetime.timedelta(days=7)
    response = secretariat.submit(
        round_page,
        reverse("web:round-decide", args=[opened["id"], "extend"]),
        {"deadline": later.isoformat(), "reason": "More time to read"},
    )
    redirected(secretariat, response, round_page, "extend a round")
    assert world.stored(api)["deadline"] == later.isoformat()

    response = secretariat.submit(
        round_page,
        reverse("web:round-decide", args=[opened["id"], "cancel"]),
        {"reason": "Wrong version circulated"},
    )
    redirected(secretariat, response, round_page, "cancel a round")
    assert world.stored(api)["state"] == "cancelled"
    assert world.stored(f"/api/v1/deliverables/{pk}/")["state"] == "submitted"


def plenary_outcome_through_the_web(
    world: World, secretariat: Client, round_id: int, meeting: int
) -> None:
    """ESA and JAXA attend the round's meeting (its page's attendance form); the round page's
    one outcome form records both: the default for ESA, JAXA's abstention with its reason."""
    agencies = world.api.json("/api/v1/agencies/?page_size=200")["results"]
    ids = {agency["acronym"]: agency["id"] for agency in agencies}
    meeting_page = reverse("web:meeting", args=[meeting])
    response = secretariat.submit(
        meeting_page,
        reverse("web:meeting-attendance", args=[meeting]),
        {f"a{ids['ESA']}-status": "present", f"a{ids['JAXA']}-status": "present"},
    )
    redirected(secretariat, response, meeting_page, "record who attended")

    round_page = reverse("web:round", args=[round_id])
    outcome = reverse("web:round-outcome", args=[round_id])
    form = secretariat.form(round_page, outcome)
    assert (form.fields["meeting"], form.fields["default"]) == (str(meeting), "concur")
    response = secretariat.submit(
        round_page,
        outcome,
        {f"position_{ids['JAXA']}": "abstain",
         f"rationale_{ids['JAXA']}": "Outside our programme this year"},
    )  # fmt: skip
    shown = redirected(secretariat, response, round_page, "record the plenary outcome")
    assert "RESOLVED:" in shown and "the round stays open" in shown
    latest = {
        row["agency"]["acronym"]: row["latest"]
        for row in world.stored(f"/api/v1/consensus-rounds/{round_id}/")["agencies"]
    }
    assert (latest["ESA"]["position"], latest["JAXA"]["position"]) == ("concur", "abstain")
    assert latest["JAXA"]["rationale"] == "Outside our programme this year"
    assert {latest[a]["recorded_by"]["username"] for a in ("ESA", "JAXA")} == {"secretariat"}
    assert latest["NASA"]["recorded_by"]["username"] == "delegate-nasa"  # absent: its own say
    [decision] = world.stored(f"/api/v1/meetings/{meeting}/decisions/")["results"]
    assert decision["statement"].startswith("RESOLVED:")


def other_channel_through_the_web(
    world: World, secretariat: Client, round_id: int, unreachable: list[str]
) -> None:
    """The secretariat records that an agency nobody can be written to was phoned: one of the
    round page's "Record another channel" forms; its silence then counts."""
    round_page = reverse("web:round", args=[round_id])
    action = reverse("web:round-other-channel", args=[round_id])
    [told] = [
        form
        for form in forms_of(secretariat.page(round_page))
        if form.action == action and form.fields.get("agency") == unreachable[0]
    ]
    response = secretariat.request(
        "POST",
        action,
        data={**told.fields, "note": "Phoned the head of delegation"},
        headers={"Origin": world.server.base, "Referer": world.server.base + round_page},
    )
    shown = redirected(secretariat, response, round_page, "record another channel")
    assert f"Recorded how {unreachable[0]} was told" in shown
    assert unreachable[0] in world.stored(f"/api/v1/consensus-rounds/{round_id}/")["silence_counts"]


def rounds_through_the_api(world: World, secretariat: Client, pk: int) -> None:
    """A script opens a round (201 and its Location), another records ESA's position (201);
    once the deadline has passed the secretariat closes the round on its page."""
    response = round_opened(
        world, pk, {"channel": "written_procedure", "reason": "The corrected version"}
    )
    round = response.json()
    assert response.headers["Location"] == round["url"]
    api = urlsplit(response.headers["Location"]).path
    assert world.stored(api)["state"] == "open"

    response = world.script(world.tokens["delegate-esa"]).post_json(
        f"{api}positions/", {"position": "no_objection"}
    )
    assert response.status_code == 201, response.text
    positions = world.stored(f"{api}positions/")["results"]
    assert [(p["agency"]["acronym"], p["position"]) for p in positions] == [("ESA", "no_objection")]

    # Two weeks go by (here, in the database): only then may the secretariat close it.
    today = datetime.datetime.now(datetime.UTC).date()
    with psycopg.connect(database_url(world.server.database), autocommit=True) as conn:
        conn.execute(
            "UPDATE plenary_consensusround SET opened_on = %s, deadline = %s WHERE id = %s",
            (today - datetime.timedelta(days=15), today - datetime.timedelta(days=1), round["id"]),
        )
    round_page = reverse("web:round", args=[round["id"]])
    response = secretariat.submit(
        round_page,
        reverse("web:round-decide", args=[round["id"], "close"]),
        {"reason": "Deadline passed"},
    )
    redirected(secretariat, response, round_page, "close a round")
    closed = world.stored(api)
    assert (closed["state"], closed["outcome"]) == ("closed", "consensus")
    assert closed["closed_by"]["username"] == "secretariat"
    assert world.stored(f"/api/v1/deliverables/{pk}/")["state"] in ("approved", "sam_endorsement")


def round_opened(world: World, pk: int, body: dict) -> requests.Response:
    """As a script opens a round: the demo's record has member agencies nobody can be written
    to, so the first try is refused naming them; acknowledged, the round opens (201)."""
    url = f"/api/v1/deliverables/{pk}/consensus-rounds/"
    refused = world.api.post_json(url, body)
    assert refused.status_code == 400, refused.text
    error = refused.json()
    assert error["code"] == "unreachable_not_acknowledged" and error["unreachable"], error
    assert world.stored(f"/api/v1/deliverables/{pk}/")["state"] == "submitted"  # nothing opened
    response = world.api.post_json(url, {**body, "acknowledge_unreachable": error["unreachable"]})
    assert response.status_code == 201, response.text
    return response


def plenary_through_the_api(world: World, pk: int) -> None:
    """The co-chair's script submits the deliverable; the secretariat's schedules a plenary
    (201, its Location a plain str), adds an item to its agenda (201), records who attended,
    opens a round to be decided there, records the meeting's outcome for every agency present
    in one POST (201) and that an agency nobody can write to was told by phone (201); each
    read back through the API."""
    api, cochair = world.api, world.script(world.token_for("cochair-twg"))
    for target in ("wg_review", "submitted"):
        response = cochair.post_json(
            f"/api/v1/deliverables/{pk}/transitions/", {"to": target, "reason": f"To {target}"}
        )
        assert response.status_code == 200, response.text

    day = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=10)
    title = f"Plenary {uuid.uuid4().hex[:6]}"
    response = api.post_json(
        "/api/v1/meetings/",
        {"title": title, "kind": "plenary", "starts_at": f"{day}T09:00:00+01:00",
         "ends_at": f"{day}T17:00:00+01:00", "time_zone": "Europe/Paris",
         "place": "Paris, France", "host_agency": "ESA", "chair": "secretariat"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    meeting = response.json()
    assert response.headers["Location"] == meeting["url"]
    at = urlsplit(meeting["url"]).path
    stored = world.stored(at)
    assert (stored["title"], stored["starts_at"], stored["chair"]["username"]) == (
        title, f"{day}T08:00:00Z", "secretariat",
    )  # fmt: skip

    response = api.post_json(f"{at}agenda/", {"title": "Any other business"})
    assert response.status_code == 201, response.text
    item = world.stored(urlsplit(response.headers["Location"]).path)
    assert (item["title"], item["kind"]) == ("Any other business", "other")

    response = api.post_json(
        f"{at}attendance/",
        {"rows": [{"agency": a, "status": "present"} for a in ("ESA", "JAXA", "NASA")]},
    )
    assert response.status_code == 200 and response.json()["changed"] == ["ESA", "JAXA", "NASA"]
    assert world.stored(f"{at}attendance/")["count"] == 3

    deadline = (day + datetime.timedelta(days=7)).isoformat()
    round = round_opened(world, pk, {"channel": "plenary", "meeting": meeting["id"],
                                     "deadline": deadline}).json()  # fmt: skip
    round_at = urlsplit(round["url"]).path
    response = api.post_json(
        f"{round_at}outcome/",
        {"meeting": meeting["id"], "exceptions": [{"agency": "NASA", "position": "abstain"}]},
    )
    assert response.status_code == 201, response.text
    decision = response.json()
    assert response.headers["Location"] == decision["url"]
    assert (decision["positions_recorded"], decision["round"]["state"]) == (3, "open")
    [listed] = world.stored(f"{at}decisions/")["results"]
    assert listed["statement"].startswith("RESOLVED:") and listed["id"] == decision["id"]
    stated = {row["agency"]["acronym"]: row["latest"] for row in world.stored(round_at)["agencies"]}
    assert (stated["NASA"]["position"], stated["ESA"]["position"]) == ("abstain", "concur")

    notices = world.stored(f"{round_at}notices/?page_size=200")["results"]
    untold = next(row["agency"]["acronym"] for row in notices if not row["reachable"])
    response = api.post_json(
        f"{round_at}notices/", {"agency": untold, "note": "Phoned the head of delegation"}
    )
    assert response.status_code == 201, response.text
    location = urlsplit(response.headers["Location"])
    [row] = world.stored(f"{location.path}?{location.query}")["results"]
    assert row["told"] and row["notices"][-1]["status"] == "other_channel"
    assert untold in world.stored(round_at)["silence_counts"]


def outlook(world: World, cochair: Client, group: int) -> None:
    """The co-chair adds an outlook paragraph to the group's page, then edits it."""
    page = reverse("web:group", args=[group])
    text = f"TWG will map the lunar surface power gaps ({uuid.uuid4().hex[:6]})."
    add = cochair.form(page, reverse("web:outlook-add", args=[group]))
    year = add.fields["year"]
    response = cochair.submit(page, add.action, {"text": text})
    redirected(cochair, response, page, "add an outlook paragraph")
    items = world.stored(f"/api/v1/outlook-items/?group=TWG&year={year}&page_size=200")
    [item] = [item for item in items["results"] if item["text"] == text]

    year_page = f"{page}?outlook_year={year}"
    edit = cochair.form(year_page, reverse("web:outlook-edit", args=[item["id"]]))
    [text_field] = [name for name in edit.fields if name.endswith("text")]  # prefixed per item
    assert edit.fields[text_field] == text
    edited = text.replace("will map", "maps")
    response = cochair.submit(year_page, edit.action, {text_field: edited})
    redirected(cochair, response, page, "edit an outlook paragraph")
    assert world.stored(f"/api/v1/outlook-items/{item['id']}/")["text"] == edited


def admin_edit(world: World, secretariat: Client, deliverable: dict) -> None:
    """The secretariat edits a deliverable in the admin: saved through the same service."""
    pk = deliverable["id"]
    page = reverse("admin:deliverables_deliverable_change", args=[pk])
    note = "Checked against the plenary minutes"
    response = secretariat.submit(
        page, page, {"status_note": note, "change_reason": "minutes of the plenary"}
    )
    assert response.status_code == 302, f"admin edit: {response.status_code} {response.text[-800:]}"
    after = world.stored(f"/api/v1/deliverables/{pk}/")
    assert (after["status_note"], after["version"]) == (note, deliverable["version"] + 1)
    history = world.stored(f"/api/v1/deliverables/{pk}/history/")["results"][0]
    assert history["reason"] == "Edited in the admin: minutes of the plenary"


def revisions(world: World, cochair: Client, pk: int) -> None:
    """The co-chair uploads two revisions on the deliverable's page (a multipart form) and marks
    the first superseded; a script uploads a third through the API (multipart, with a token)."""
    from tests.documents.samples import docx_bytes

    page = reverse("web:deliverable", args=[pk])
    upload = reverse("web:revision-upload", args=[pk])
    first = world.stored(f"/api/v1/deliverables/{pk}/revisions/")["count"]  # the demo's samples
    for number, text in enumerate(["First full draft", "Chapter 4 added"], start=first):
        content = docx_bytes("LSS gap report", text)
        response = cochair.submit(
            page, upload, {"note": text}, files={"file": ("LSS.docx", content)}
        )
        redirected(cochair, response, page, f"upload revision {number:02d}")
        stored = world.stored(f"/api/v1/deliverables/{pk}/revisions/{number}/")
        assert stored["sha256"] == hashlib.sha256(content).hexdigest(), stored
    status = reverse("web:revision-status", args=[pk, first])
    response = cochair.submit(page, status, {"status": "superseded", "reason": "Replaced"})
    redirected(cochair, response, page, f"mark revision {first:02d} superseded")
    assert world.stored(f"/api/v1/deliverables/{pk}/revisions/{first}/")["status"] == "superseded"
    script = world.script(world.token_for("cochair-twg"))
    content = docx_bytes("LSS gap report", "Annex B")
    response = script.request(
        "POST", f"/api/v1/deliverables/{pk}/revisions/", data={"note": "Annex B"},
        files={"file": ("LSS.docx", content)},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["label"] == f"{first + 2:02d}"
    assert world.stored(urlsplit(response.headers["Location"]).path)["sha256"] == (
        hashlib.sha256(content).hexdigest()
    )


def report_summary(world: World, secretariat: Client) -> None:
    """The secretariat follows the reports page's link to the year's Executive Summary, writes
    it through the form there, and the API reads back the new version, text and reason."""
    reports = secretariat.page(reverse("web:reports"))
    page = re.search(r'href="(/reports/summary/(\d+)/)"', reports).group(1)
    year = int(page.split("/")[3])
    before = world.stored(f"/api/v1/report-summaries/{year}/")
    form = secretariat.form(page, page)
    assert form.fields["seen_version"] == str(before["version"])
    text = "ISECG met twice in the year.\n\nIt published the Global Exploration Roadmap."
    response = secretariat.submit(
        page, page, {"executive_summary": text, "reason": "Written on the real server"}
    )
    shown = redirected(secretariat, response, page, "write the Executive Summary")
    assert "<p>ISECG met twice in the year.</p>" in shown
    stored = world.stored(f"/api/v1/report-summaries/{year}/")
    assert (stored["version"], stored["executive_summary"]) == (before["version"] + 1, text)
    assert stored["written_by"]["username"] == "secretariat"
    history = world.stored(f"/api/v1/report-summaries/{year}/history/")["results"]
    assert history[0]["reason"] == "Written on the real server"


def report_highlights(world: World, secretariat: Client) -> None:
    """On the same page the secretariat adds a highlight of the year about one of its products
    (or about nothing, if the year has none), then rewrites it from the form the page shows."""
    reports = secretariat.page(reverse("web:reports"))
    page = re.search(r'href="(/reports/summary/(\d+)/)"', reports).group(1)
    year = int(page.split("/")[3])
    add = reverse("web:report-highlight-add", args=[year])
    form = secretariat.form(page, add)
    products = [v for v in form.options.get("about", []) if v.startswith("deliverable:")]
    heading = "Written on the real server"
    response = secretariat.submit(
        page,
        add,
        {
            "heading": heading,
            "text": "The first paragraph.\n\nThe second paragraph.",
            "about": products[0] if products else "",
            "reason": "The real server's highlight",
        },
    )
    shown = redirected(secretariat, response, page, "add a highlight")
    assert f"<h3>{heading}" in shown and "<p>The second paragraph.</p>" in shown
    [edit] = [f for f in forms_of(shown) if f.fields.get("heading") == heading]
    assert re.fullmatch(rf"/reports/summary/{year}/highlights/\d+/", edit.action), edit.action
    assert edit.fields["seen_version"] == "1"
    response = secretariat.submit(
        page, edit.action, {"heading": heading + ", rewritten", "text": "One paragraph now."}
    )
    shown = redirected(secretariat, response, page, "rewrite a highlight")
    assert "saved (version 2)" in shown and "<p>One paragraph now.</p>" in shown
    assert f"“{heading}”, The real server's highlight (version 1)" in shown  # the changes
    assert f"“{heading}, rewritten”, Rewritten (version 2)" in shown


def report_drafts(world: World, secretariat: Client) -> None:
    """The secretariat requests a draft on the reports page, then through the API from the
    signed-in browser (session and CSRF token, as the API's docs page does)."""
    page = reverse("web:reports")
    form = secretariat.form(page, reverse("web:report-request"))
    response = secretariat.submit(page, form.action)
    assert response.status_code == 302, response.text
    draft_page = urlsplit(response.headers["Location"]).path
    draft_id = int(re.fullmatch(r"/reports/(\d+)/", draft_page).group(1))
    redirected(secretariat, response, draft_page, "request a report draft")
    draft = world.stored(f"/api/v1/report-drafts/{draft_id}/")
    assert str(draft["year"]) == form.fields["year"]
    assert draft["requested_by"]["username"] == "secretariat"

    response = secretariat.post_json("/api/v1/report-drafts/", {"year": draft["year"]}, csrf=True)
    assert response.status_code == 202, response.text
    again = world.stored(urlsplit(response.headers["Location"]).path)
    assert (again["year"], again["version"]) == (draft["year"], draft["version"] + 1)
    assert again["requested_by"]["username"] == "secretariat"


def meetings(world: World, secretariat: Client) -> None:
    """The secretariat schedules a teleconference, builds its agenda from the tracker, adds an
    item, moves it up, takes another off, records the attendance in one form, writes the
    minutes and approves them at the next plenary (the demo's sample one); the agenda
    downloads as DOCX and ICS."""
    from apps.record.demo import SAMPLE_MEETING_TITLE

    def rows(sql: str, *args) -> list[tuple]:
        with psycopg.connect(database_url(world.server.database)) as conn:
            return conn.execute(sql, args).fetchall()

    new = reverse("web:meeting-new")
    day = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)).date()
    title = f"Teleconference {uuid.uuid4().hex[:6]}"
    host = next(value for value in secretariat.form(new, new).options["host_agency"] if value)
    response = secretariat.submit(
        new,
        new,
        {"title": title, "kind": "teleconference", "day": day.isoformat(), "starts": "14:00",
         "ends": "16:00", "time_zone": "America/Toronto", "place": "Online",
         "call_link": "https://meet.example.org/isecg", "host_agency": host},
    )  # fmt: skip
    assert response.status_code == 302, f"schedule: {response.status_code} {response.text[-800:]}"
    page = urlsplit(response.headers["Location"]).path
    pk = int(re.fullmatch(r"/meetings/(\d+)/", page).group(1))
    redirected(secretariat, response, page, "schedule a meeting")
    stored = world.stored(f"/api/v1/meetings/{pk}/")
    assert (stored["title"], stored["starts_on"], stored["kind"]) == (
        title, day.isoformat(), "teleconference",
    )  # fmt: skip
    [(starts_at, zone)] = rows(
        "SELECT starts_at, time_zone FROM plenary_plenarymeeting WHERE id = %s", pk
    )
    assert (zone, starts_at.astimezone(datetime.UTC).hour) == ("America/Toronto", 19)  # EST

    def agenda() -> list[tuple]:
        return rows(
            "SELECT id, title FROM meetings_agendaitem WHERE meeting_id = %s AND NOT removed "
            "ORDER BY position, id",
            pk,
        )

    response = secretariat.submit(page, reverse("web:meeting-agenda-build", args=[pk]))
    built = agenda()
    assert f"{len(built)} item" in redirected(secretariat, response, page, "build an agenda")
    assert built, "the demo's tracker proposes items"
    response = secretariat.submit(
        page, reverse("web:meeting-agenda-add", args=[pk]), {"title": "Any other business"}
    )
    redirected(secretariat, response, page, "add an agenda item")
    added = agenda()
    assert added[-1][1] == "Any other business" and added[:-1] == built
    move = reverse("web:meeting-agenda-move", args=[pk, added[-1][0]])
    response = secretariat.submit(page, move, button=("direction", "up"))
    redirected(secretariat, response, page, "move an agenda item up")
    assert agenda() == [*added[:-2], added[-1], added[-2]]
    remove = reverse("web:meeting-agenda-take-off", args=[pk, added[0][0]])
    response = secretariat.submit(page, remove, {"reason": "Taken at the plenary"})
    redirected(secretariat, response, page, "take an item off the agenda")
    assert added[0] not in agenda()

    attendance = reverse("web:meeting-attendance", args=[pk])
    statuses = [
        name for name in secretariat.form(page, attendance).fields if name.endswith("-status")
    ]
    assert len(statuses) >= 27, statuses  # a row per member agency
    chosen = {name: "present" for name in statuses[:3]} | {statuses[3]: "apologies"}
    chosen[statuses[0].replace("-status", "-represented_by")] = "J. Doe (head of delegation)"
    response = secretariat.submit(page, attendance, chosen)
    redirected(secretariat, response, page, "record the attendance")
    recorded = rows(
        "SELECT status, represented_by FROM meetings_attendance WHERE meeting_id = %s", pk
    )
    assert sorted(status for status, _ in recorded) == ["apologies", *["present"] * 3]
    assert ("present", "J. Doe (head of delegation)") in recorded

    text = "1. Opening by the chair.\n2. The agenda was adopted."
    response = secretariat.submit(
        page, reverse("web:meeting-minutes", args=[pk]), {"minutes": text}
    )
    redirected(secretariat, response, page, "write the minutes")
    assert world.stored(f"/api/v1/meetings/{pk}/")["minutes"] == text
    meetings = world.api.json("/api/v1/meetings/?page_size=200")["results"]
    [sample] = [m["id"] for m in meetings if m["title"] == SAMPLE_MEETING_TITLE]
    approve = reverse("web:meeting-minutes-approve", args=[pk])
    assert str(sample) in secretariat.form(page, approve).options["at_meeting"]
    response = secretariat.submit(page, approve, {"at_meeting": str(sample)})
    assert "Approved at" in redirected(secretariat, response, page, "approve the minutes")
    assert rows("SELECT minutes_approved_in_id FROM plenary_plenarymeeting WHERE id = %s", pk) == [
        (sample,)
    ]

    docx = secretariat.request("GET", reverse("web:meeting-agenda-docx", args=[pk]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx.headers["Content-Type"].endswith("wordprocessingml.document")
    ics = secretariat.request("GET", reverse("web:meeting-agenda-ics", args=[pk]))
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content and b"TZID=America/Toronto" in ics.content


def watch_through_the_web(world: World, cochair: Client, pk: int) -> None:
    """The co-chair watches the deliverable from its page, every change, by mail."""
    page = reverse("web:deliverable", args=[pk])
    response = cochair.submit(
        page, reverse("web:watch"), {"level": "all"}, button=("action", "watch")
    )
    assert "Watching this deliverable" in redirected(cochair, response, page, "watch it")


def structural_change(world: World, secretariat: Client, twg: int) -> None:
    """The secretariat proposes a new mandate for TWG on the propose page and puts it to a
    round from its page (ticking the agencies nobody can be written to); NASA's delegate
    concurs on the round page; once the deadline has passed the secretariat closes the round,
    then records the SAMs' endorsement: the change is decided, to take effect next year."""
    year = datetime.datetime.now(datetime.UTC).year + 1
    new = reverse("web:change-new")
    response = secretariat.submit(
        new,
        new,
        {
            "kind": "mandate_change",
            "groups": str(twg),
            "summary": "TWG also coordinates the technology roadmaps.",
            "effective": str(year),
            "new_mandate": "The TWG coordinates technology development and its roadmaps.",
            "needs_sam_endorsement": "on",
        },
    )
    assert response.status_code == 302, html.unescape(response.text)[-3000:]
    [change] = world.api.json("/api/v1/structural-changes/?group=TWG&state=proposed")["results"]
    page = reverse("web:change", args=[change["id"]])
    api = f"/api/v1/structural-changes/{change['id']}/"
    redirected(secretariat, response, page, "propose a structural change")
    assert change["effective_display"] == str(year)
    assert change["proposed_by"]["username"] == "secretariat"

    open_at = reverse("web:change-round-open", args=[change["id"]])
    refused = secretariat.submit(page, open_at, {"channel": "written_procedure"})
    assert refused.status_code == 400, refused.status_code
    assert world.stored(api)["state"] == "proposed"  # nothing opened
    unreachable = secretariat.form(page, open_at).options["acknowledge_unreachable"]
    response = secretariat.submit(
        page, open_at, {"channel": "written_procedure", "acknowledge_unreachable": unreachable}
    )
    [round] = world.api.json(f"{api}consensus-rounds/")["results"]
    round_page = reverse("web:round", args=[round["id"]])
    redirected(secretariat, response, round_page, "put a change to a round")
    assert world.stored(api)["state"] == "in_consensus"

    nasa = world.browser("delegate-nasa")
    assert "TWG also coordinates the technology roadmaps." in html.unescape(nasa.page(round_page))
    position = reverse("web:position", args=[round["id"]])
    response = nasa.submit(round_page, position, {"position": "concur"})
    redirected(nasa, response, round_page, "concur with a change")

    today = datetime.datetime.now(datetime.UTC).date()
    with psycopg.connect(database_url(world.server.database), autocommit=True) as conn:
        conn.execute(
            "UPDATE plenary_consensusround SET opened_on = %s, deadline = %s WHERE id = %s",
            (today - datetime.timedelta(days=15), today - datetime.timedelta(days=1), round["id"]),
        )
    response = secretariat.submit(
        round_page,
        reverse("web:round-decide", args=[round["id"], "close"]),
        {"reason": "Deadline passed"},
    )
    redirected(secretariat, response, round_page, "close a round on a change")
    closed = world.stored(f"/api/v1/consensus-rounds/{round['id']}/")
    assert (closed["state"], closed["outcome"]) == ("closed", "consensus")
    assert world.stored(api)["state"] == "awaiting_endorsement"

    response = secretariat.submit(
        page,
        reverse("web:change-endorse", args=[change["id"]]),
        {"endorse-endorsed_on": today.isoformat(), "endorse-decision": "Approved by the SAMs"},
    )
    shown = redirected(secretariat, response, page, "record the SAMs' endorsement")
    assert f"takes effect in {year}" in shown
    decided = world.stored(api)
    assert (decided["state"], decided["decision"]) == ("decided", "Approved by the SAMs")
    assert decided["applied_at"] is None  # next year


def amend_and_withdraw_a_change(world: World, cochair: Client, twg: int) -> None:
    """TWG's co-chair proposes a change to TWG, amends it on its page (the form carries the
    version read) and withdraws it with a reason: it stays, withdrawn, with its history."""
    new = reverse("web:change-new")
    response = cochair.submit(
        new,
        new,
        {
            "kind": "mandate_change",
            "groups": str(twg),
            "summary": "TWG also keeps the gap assessments.",
            "effective": "2030",
            "new_mandate": "The TWG coordinates technology development and gap assessments.",
        },
    )
    assert response.status_code == 302, html.unescape(response.text)[-3000:]
    listed = world.api.json("/api/v1/structural-changes/?group=TWG&state=proposed")["results"]
    [change] = [c for c in listed if c["summary"] == "TWG also keeps the gap assessments."]
    page, api = reverse("web:change", args=[change["id"]]), urlsplit(change["url"]).path
    redirected(cochair, response, page, "propose a change to one's group")

    response = cochair.submit(
        page,
        reverse("web:change-amend", args=[change["id"]]),
        {"amend-summary": "TWG also keeps the gap assessment teams.", "amend-reason": "Clearer"},
    )
    redirected(cochair, response, page, "amend a proposal")
    amended = world.stored(api)
    assert amended["summary"] == "TWG also keeps the gap assessment teams."
    assert amended["version"] == change["version"] + 1

    withdraw = reverse("web:change-withdraw", args=[change["id"]])
    refused = cochair.submit(page, withdraw, {"withdraw-reason": ""})
    assert refused.status_code == 400 and world.stored(api)["state"] == "proposed"
    response = cochair.submit(page, withdraw, {"withdraw-reason": "Folded into the next GER"})
    shown = redirected(cochair, response, page, "withdraw a proposal")
    assert "withdrawn" in shown.lower()
    assert world.stored(api)["state"] == "withdrawn"


def settle_a_conflict_of_sources(world: World, secretariat: Client) -> None:
    """The record holds two accounts of when ESA's chair ended (2024 and 2025); the group list
    shows the conflict; the secretariat settles it on its form, without a reason first (400,
    nothing settled), then with one: the chosen account is marked chosen, the other set aside."""
    accounts = world.api.json("/api/v1/appointment-accounts/?state=open&kind=chair")["results"]
    ended = [a for a in accounts if a["edge"] == "end" and a["appointment"]["agency"] == "ESA"]
    assert sorted(a["date_display"] for a in ended) == ["2024", "2025"], ended
    groups = reverse("web:groups")
    assert "Sources differ" in secretariat.page(groups)
    later = max(ended, key=lambda a: a["date"])
    form = reverse("web:appointment-dates-settle", args=[ended[0]["id"]])
    refused = secretariat.submit(form, form, {"choice": str(later["id"]), "reason": ""})
    assert refused.status_code == 400, refused.status_code
    assert world.stored(urlsplit(later["url"]).path)["state"] == "open"
    response = secretariat.submit(
        form, form, {"choice": str(later["id"]), "reason": "The 2025 report is the later word"}
    )
    redirected(secretariat, response, groups, "settle a conflict of sources")
    states = {a["id"]: world.stored(urlsplit(a["url"]).path)["state"] for a in ended}
    assert states == {a["id"]: "chosen" if a is later else "set_aside" for a in ended}


def notifications_and_feeds(world: World, cochair: Client) -> None:
    """What the secretariat did to the watched deliverable (rounds opened, an outcome) is in the
    co-chair's notifications, with the unread count; mark all read clears it. A calendar address
    made on the feeds page is read without signing in, parsed as a calendar, and answers 404
    once revoked."""
    inbox = reverse("web:notifications")
    listed = cochair.page(inbox)
    assert "Consensus round" in listed and 'class="badge"' in listed, listed[:2000]
    response = cochair.submit(inbox, reverse("web:notifications-read"))
    assert 'class="badge"' not in redirected(cochair, response, inbox, "mark all read")

    page = reverse("web:feed-addresses")
    [calendar] = [f for f in forms_of(cochair.page(page)) if f.fields.get("kind") == "calendar"]
    headers = {"Origin": world.server.base, "Referer": world.server.base + page}
    made = cochair.request(
        "POST", page, data={**calendar.fields, "action": "issue"}, headers=headers
    )
    assert made.status_code == 200, made.text[:500]
    [url] = re.findall(r'<input id="feed-url"[^>]* value="([^"]+)"', made.text)
    path = urlsplit(html.unescape(url)).path
    anonymous = Client(world.server.base, world.exchanges)
    feed = anonymous.request("GET", path)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    assert Calendar.from_ical(feed.content).walk("VEVENT")  # round deadlines at least
    [revoke] = [f for f in forms_of(cochair.page(page)) if f.fields.get("kind") == "calendar"]
    response = cochair.request(
        "POST", page, data={**revoke.fields, "action": "revoke"}, headers=headers
    )
    redirected(cochair, response, page, "revoke the calendar address")
    assert anonymous.request("GET", path).status_code == 404
    assert path.split("/")[2] not in world.server.log.read_text()  # the secret is never logged


def token_page(world: World) -> None:
    """A reader makes a read-only token on the 'Your API tokens' page (its secret shown once):
    it reads the API and the Atom feed, may not write, is listed by name and last use only,
    and once revoked on the page it opens neither; no log holds it."""
    reader, page = world.browser("reader"), reverse("api:token-page")
    assert "You have no live API token." in reader.page(page)
    response = reader.submit(
        page, page, {"name": "feed reader", "scope": "read"}, button=("action", "create")
    )
    assert response.status_code == 200, response.text
    [secret] = re.findall(r'<input id="api-token"[^>]* value="([^"]+)"', response.text)
    script, feed = world.script(secret), f"{reverse('web:feed')}?token={secret}"
    anonymous = Client(world.server.base, world.exchanges)
    assert script.json("/api/v1/agencies/?page_size=1")["count"] > 0
    answer = anonymous.request("GET", feed)
    assert answer.status_code == 200 and "<feed" in answer.text, answer.text[:300]
    refused = script.post_json("/api/v1/report-drafts/", {"year": 2025})
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    [listed] = script.json("/api/v1/auth/tokens/")["results"]
    assert (listed["name"], listed["scope"], listed["current"]) == ("feed reader", "read", True)
    assert listed["last_used_at"] is not None
    shown = reader.page(page)
    assert secret not in shown and "feed reader" in shown

    [revoke] = [f for f in forms_of(shown) if f.fields.get("token") == str(listed["id"])]
    response = reader.request(
        "POST",
        page,
        data={**revoke.fields, "action": "revoke"},
        headers={"Origin": world.server.base, "Referer": world.server.base + page},
    )
    assert "“feed reader” is revoked" in redirected(reader, response, page, "revoke a token")
    assert script.request("GET", "/api/v1/agencies/").status_code == 401
    assert anonymous.request("GET", feed).status_code == 401
    assert secret not in world.server.log.read_text()


def sign_out(world: World, cochair: Client) -> None:
    """The header's sign-out button: the session ends."""
    response = cochair.submit("/", reverse("logout"))
    assert response.status_code == 302, response.text
    assert urlsplit(response.headers["Location"]).path == reverse("login")
    again = cochair.request("GET", "/")
    assert again.status_code == 302 and reverse("login") in again.headers["Location"]
