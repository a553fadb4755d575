"""Accessibility: axe-core on every page for every role, at desktop and phone widths; the
main flow by keyboard alone.

Every page (tests/web/pages.py, from the URL conf) is opened by each role at 1280x900 and
390x844 and checked by axe-core (axe-playwright-python bundles it) against WCAG 2.2 AA and
axe's best practices: no violation allowed. At 390 px no page may scroll sideways. Each page is
photographed to screenshots/a11y/<role>/<width>/ for a person to look at, with the violations
found in screenshots/a11y/violations-<role>.txt.
"""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.services import demo_accounts_ensure
from apps.deliverables.models import Deliverable
from tests.web.pages import POST_ONLY, SKIPPED, Page, pages, routes, sample_ensure
from tests.web.test_browser import DESKTOP, PASSWORD, PHONE, SHOTS, browser, sign_in  # noqa: F401 -- the fixture

pytestmark = [pytest.mark.django_db(transaction=True)]

AXE = Axe()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = {
    name: (size["width"], size["height"]) for name, size in (("desktop", DESKTOP), ("phone", PHONE))
}
# One account per role (apps/accounts/roles.py; the demo accounts of demo_accounts_ensure).
ROLES = {
    "anonymous": None,
    "co-chair": "cochair-twg",
    "secretariat": "secretariat",
    "sam": "sam",
    "delegate": "delegate-esa",
}


@pytest.fixture
def record(db):
    call_command("load_record", verbosity=0)
    demo_accounts_ensure(password=PASSWORD)


@pytest.fixture
def forum(live_server, record):
    sample_ensure()
    return live_server.url


def test_every_named_route_is_audited_or_skipped_for_a_reason(record):
    sample_ensure()
    found, missing = pages()
    assert missing == [], f"routes with no example page in tests/web/pages.py: {missing}"
    assert {"web:home", "api:docs", "api:api-root", "admin:index"} <= {p.name for p in found}
    # A POST-only route really refuses GET: the list cannot hide a page.
    client = Client()
    client.force_login(get_user_model().objects.get(username="secretariat"))
    names = {name for name, _ in routes()}
    assert set(SKIPPED) <= names, f"skipped routes that do not exist: {set(SKIPPED) - names}"
    for name, pattern in routes():
        if SKIPPED.get(name) != POST_ONLY:
            continue
        params = list(getattr(pattern.pattern, "converters", {})) or list(
            pattern.pattern.regex.groupindex
        )
        response = client.get(reverse(name, kwargs=dict.fromkeys(params, "1")))
        assert response.status_code == 405, f"{name} answers GET with {response.status_code}"


def _sign_in(context, base: str, username: str | None):
    page = context.new_page()
    if username is not None:
        sign_in(page, base, username)
    return page


def _settle(page, name: str) -> None:
    page.wait_for_load_state("load")
    # Scripts that finish the page just after "load" (web/admin.js) have run.
    page.evaluate("() => new Promise(done => setTimeout(done, 50))")
    if name == "api:docs":  # Swagger UI renders the schema after loading it
        page.locator(".opblock").first.wait_for()


def _audit(page) -> list[dict]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": len(violation["nodes"]),
            "targets": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in results.response["violations"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe_and_fits_a_phone(browser, forum, role):  # noqa: F811
    every, _ = pages()
    violations: list[str] = []
    overflow: list[str] = []
    statuses: list[str] = []
    audited = 0
    log = SHOTS / "a11y" / f"violations-{role}.txt"  # written as it goes, for a person to read
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")

    def note(found: list[str], line: str) -> None:
        found.append(line)
        with log.open("a") as out:
            out.write(line + "\n")

    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = _sign_in(context, forum, ROLES[role])
        shots = SHOTS / "a11y" / role / width_name
        shots.mkdir(parents=True, exist_ok=True)
        seen: set[str] = set()  # pages reached by a redirect or refused: audited once
        for target in every:
            response = page.goto(f"{forum}{target.path}")
            status = response.status if response else 0
            kind = (response.headers.get("content-type") or "") if response else ""
            if status in (401, 403) and not kind.startswith("text/html"):
                continue  # a file's refusal, in JSON for its client: not a page
            landed = page.url.removeprefix(forum)
            if status in (401, 403):
                key = f"refused ({status})"
            elif landed.split("?")[0] != target.path.split("?")[0]:
                key = f"redirected to {landed.split('?')[0]}"
            else:
                key = target.path
            if key in seen:
                continue
            seen.add(key)
            if status not in (200, 401, 403) or not kind.startswith("text/html"):
                note(statuses, f"{width_name} {target.name} {target.path}: {status} {kind}")
                continue
            csp = (response.headers.get("content-security-policy") or "") if response else ""
            views = [(target, page)]
            if "sandbox" in csp:
                # A file served sandboxed (the report preview) runs no script, axe's included:
                # read the same response with the policy set aside.
                reader = browser.new_context(
                    viewport={"width": width, "height": height},
                    bypass_csp=True,
                    storage_state=context.storage_state(),
                ).new_page()
                reader.goto(f"{forum}{target.path}")
                views = [(target, reader)]
            _settle(views[0][1], target.name)
            if target.name == "api:docs":
                views.append((Page("api:docs (an operation tried out)", target.path), page))
            for shown, view in views:
                if shown is not target:  # the docs with an operation opened for trying out
                    view.locator(".opblock-summary-control").first.press("Enter")
                    view.locator(".try-out__btn").first.press("Enter")
                    view.locator(".execute").first.wait_for()
                audited += 1
                label = f"{width_name} {shown.name} {shown.path}"
                if key != target.path:
                    label += f" ({key})"
                for found in _audit(view):
                    note(violations, f"{label}: {json.dumps(found)}")
                if width_name == "phone":
                    scroll = view.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        note(overflow, f"{label}: {scroll}px wide (sideways scroll)")
                slug = shown.slug if key == target.path else f"{shown.slug}--{key}"
                slug = re.sub(r"[^\w.-]+", "-", slug)[:160]
                # JPEG: a few hundred full-page pictures per role, quicker to encode than PNG.
                view.screenshot(path=str(shots / f"{slug}.jpg"), full_page=True, quality=70)
            if views[0][1] is not page:
                views[0][1].context.close()
        context.close()
    assert audited > 1
    assert statuses == [], "\n".join(statuses)
    assert violations == [] and overflow == [], "\n".join(
        [f"{len(violations)} axe violations:", *violations, "sideways scroll:", *overflow]
    )


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
          return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "", type: e.type || "",
                  value: e.value || "", text: (e.innerText || "").trim().slice(0, 80),
                  label: label.trim().replace(/:$/, "")};
        }"""
    )


def tab_to(page, matches, *, limit: int = 300, key: str = "Tab") -> dict:
    """Press Tab until the focused element matches; fail naming what focus went through."""
    trail = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if matches(focused):
            return focused
        trail.append(f"{focused['tag']}:{focused['text'] or focused['label'] or focused['id']}")
    raise AssertionError(f"not reached by {key} in {limit} presses; went through {trail}")


def _keyboard_sign_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    tab_to(page, lambda f: f["label"] == "Username")
    page.keyboard.type(username)
    tab_to(page, lambda f: f["label"] == "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    return page


def _keyboard_move(page, label: str, reason: str) -> None:
    tab_to(page, lambda f: f["tag"] == "summary" and f["text"] == label)
    page.keyboard.press("Enter")  # opens the move's form
    tab_to(page, lambda f: f["label"] == "Reason")
    page.keyboard.type(reason)
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == label)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser
def test_the_main_flow_by_keyboard_alone(browser, live_server, record):  # noqa: F811
    base = live_server.url
    lss = Deliverable.objects.get(title__startswith="Lunar Surface Systems")
    url = f"{base}{lss.get_absolute_url()}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    # The co-chair takes the report through WG review to the plenary.
    cochair = _keyboard_sign_in(context, base, "cochair-twg")
    cochair.goto(url)
    _keyboard_move(cochair, "Send to WG review", "Draft complete")
    _keyboard_move(cochair, "Submit to the plenary", "TWG agreed the final draft")
    assert "submitted to the plenary" in cochair.content()
    context.clear_cookies()

    # The secretariat opens a consensus round, acknowledging the agencies nobody can write to.
    secretariat = _keyboard_sign_in(context, base, "secretariat")
    secretariat.goto(url)
    boxes = secretariat.get_by_label(re.compile(r"Open anyway for ")).count()
    assert boxes > 0
    for _ in range(boxes):
        tab_to(
            secretariat,
            lambda f: (
                f["type"] == "checkbox"
                and f["label"].startswith("Open anyway for ")
                and not secretariat.evaluate("document.activeElement.checked")
            ),
        )
        secretariat.keyboard.press("Space")
    tab_to(secretariat, lambda f: f["tag"] == "button" and f["text"] == "Open the round")
    with secretariat.expect_navigation():
        secretariat.keyboard.press("Enter")
    assert "Consensus round opened" in secretariat.content()
    round_url = secretariat.url
    context.clear_cookies()

    # ESA's delegate objects, with a rationale.
    delegate = _keyboard_sign_in(context, base, "delegate-esa")
    delegate.goto(round_url)
    tab_to(delegate, lambda f: f["type"] == "radio")
    for _ in range(10):
        if _focused(delegate)["value"] == "object":
            break
        delegate.keyboard.press("ArrowDown")  # moves and checks, as radio buttons do
    assert delegate.evaluate("document.activeElement.checked && document.activeElement.value")
    assert _focused(delegate)["value"] == "object"
    tab_to(delegate, lambda f: f["label"] == "Rationale")
    delegate.keyboard.type("Chapter 4 omits ESA's lunar lander")
    tab_to(delegate, lambda f: f["tag"] == "button" and f["text"] == "Record position")
    with delegate.expect_navigation():
        delegate.keyboard.press("Enter")
    assert "position is recorded" in delegate.content()
    context.close()
