"""The roles' everyday work in a real browser: Debian's Chromium, headless, driven by Playwright.

Screenshots of each main page go to screenshots/ (ignored by git) so a person can look at them.
"""

import datetime
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.services import demo_accounts_ensure
from apps.deliverables.models import Deliverable
from apps.plenary.services import consensus_rounds_close_expired

# Playwright's sync API runs an event loop in this thread; the ORM calls below are still
# synchronous test code, not code inside that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ISECG_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "browser-test-password"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def forum(live_server):
    call_command("load_record", verbosity=0)
    demo_accounts_ensure(password=PASSWORD)
    return live_server.url


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 14


def sign_in(page, base: str, username: str) -> None:
    """Sign in on this page's sign-in form and land on Home."""
    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url  # anonymous: only the login page
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def signed_in(browser, base: str, username: str, viewport: dict = DESKTOP):
    page = browser.new_context(viewport=viewport, device_scale_factor=1).new_page()
    sign_in(page, base, username)
    return page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def acknowledge_unreachable(page) -> None:
    """Tick each agency the tracker cannot tell, as the opening form asks."""
    warning = page.locator("#unreachable-why")
    assert "cannot be told by the tracker" in warning.inner_text()
    boxes = page.get_by_label(re.compile(r"Open anyway for "))
    assert boxes.count() > 0
    for index in range(boxes.count()):
        boxes.nth(index).check()


def make_move(page, label: str, reason: str) -> None:
    page.locator("details.move summary", has_text=label).click()
    form = page.locator("details.move[open] form")
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_a_product_from_draft_to_publication(browser, forum):
    lss = Deliverable.objects.get(title__startswith="Lunar Surface Systems")
    url = f"{forum}{lss.get_absolute_url()}"

    # A co-chair updates progress and takes the report through WG review to the plenary.
    cochair = signed_in(browser, forum, "cochair-twg")
    shot(cochair, "home-cochair")
    cochair.goto(url)
    cochair.get_by_label("Progress (%)").fill("80")
    cochair.get_by_label("RAG status").select_option("amber")
    cochair.get_by_label("Next milestone").fill("Plenary approval in March")
    cochair.get_by_role("button", name="Save progress").click()
    assert "Progress saved." in cochair.content()
    make_move(cochair, "Send to WG review", "Draft complete")
    make_move(cochair, "Submit to the plenary", "TWG agreed the final draft")
    assert "submitted to the plenary" in cochair.content()
    shot(cochair, "deliverable-cochair")

    # The secretariat opens a consensus round; a delegate objects.
    secretariat = signed_in(browser, forum, "secretariat")
    shot(secretariat, "home-secretariat")
    secretariat.goto(url)
    secretariat.get_by_label("Channel").select_option("written_procedure")
    # Not acknowledging the agencies nobody can write to: refused, the choice kept.
    secretariat.get_by_role("button", name="Open the round").click()
    assert "Acknowledge them to open the round anyway" in secretariat.content()
    assert secretariat.get_by_label("Channel").input_value() == "written_procedure"
    acknowledge_unreachable(secretariat)
    secretariat.get_by_role("button", name="Open the round").click()
    assert "Consensus round opened" in secretariat.content()
    round_url = secretariat.url

    delegate = signed_in(browser, forum, "delegate-esa")
    assert "Lunar Surface Systems" in delegate.content()  # awaiting ESA on the home page
    shot(delegate, "home-delegate")
    delegate.goto(round_url)
    delegate.get_by_label("object", exact=True).check()
    delegate.get_by_label("Rationale").fill("Chapter 4 omits ESA's lunar lander")
    delegate.get_by_role("button", name="Record position").click()
    assert (
        "ESA&#x27;s position is recorded" in delegate.content()
        or "position is recorded" in delegate.content()
    )
    shot(delegate, "round-delegate")

    # At the deadline the round closes on the objection; the co-chair sees it at home.
    consensus_rounds_close_expired(now=timezone.now() + datetime.timedelta(days=15))
    cochair.goto(f"{forum}/")
    assert "Chapter 4 omits ESA" in cochair.content()

    # ESA withdraws its objection once chapter 4 is revised; a second round closes with consensus.
    delegate.goto(round_url)
    delegate.locator("details.move summary", has_text="Withdraw ESA's objection").click()
    delegate.locator("details.move[open] form").get_by_role(
        "button", name="Withdraw the objection"
    ).click()
    assert "withdrawn" in delegate.content()
    cochair.goto(url)
    make_move(cochair, "Send to WG review", "Chapter 4 revised with ESA")
    make_move(cochair, "Submit to the plenary", "Revised after the objection")
    secretariat.goto(url)
    secretariat.get_by_label("Channel").select_option("plenary")
    acknowledge_unreachable(secretariat)
    secretariat.get_by_role("button", name="Open the round").click()
    shot(secretariat, "round-secretariat")
    consensus_rounds_close_expired(now=timezone.now() + datetime.timedelta(days=15))
    secretariat.goto(url)
    assert "approved" in secretariat.locator("h1 + p").inner_text()

    # The secretariat publishes it.
    secretariat.locator("details.move summary", has_text="Mark published").click()
    form = secretariat.locator("details.move[open] form")
    form.get_by_label("Reason").fill("Released at the plenary")
    form.get_by_label("Publication date").fill("2026-11-20")
    form.get_by_label("Link").fill("https://www.globalspaceexploration.org/lss-gap-report")
    form.get_by_role("button", name="Mark published").click()
    lss.refresh_from_db()
    assert (lss.state, lss.published_on) == ("published", datetime.date(2026, 11, 20))
    shot(secretariat, "deliverable-published")

    # ... requests this year's annual report draft, watches it finish and downloads the DOCX.
    secretariat.goto(f"{forum}/reports/")
    secretariat.get_by_label("Year to draft").fill("2026")
    secretariat.get_by_role("button", name="Draft the report").click()
    status = secretariat.locator(".report-status").first
    status.get_by_text("done", exact=True).wait_for(timeout=60_000)
    assert "100%" in status.inner_text()
    with secretariat.expect_download() as download_info:
        secretariat.get_by_role("link", name="Download the DOCX").first.click()
    docx = Path(download_info.value.path())
    assert docx.read_bytes()[:2] == b"PK"
    assert download_info.value.suggested_filename.endswith(".docx")
    shot(secretariat, "report-draft")

    # A co-chair of another group finds no way to change it.
    other = signed_in(browser, forum, "cochair-swg")
    other.goto(url)
    assert other.locator("details.move:not(.watch)").count() == 0  # watching is for anyone
    assert other.get_by_role("button", name="Save progress").count() == 0
    assert "No move is yours to make now." in other.content()

    pages = {
        "deliverables": "/deliverables/",
        "groups": "/groups/",
        "group-twg": lss.lead_group.get_absolute_url(),
        "agencies": "/agencies/",
        "overview": "/overview/?year=2025",
    }
    for name, path in pages.items():
        other.goto(f"{forum}{path}")
        shot(other, name)


def test_filters_update_the_list_and_the_url(browser, forum):
    page = signed_in(browser, forum, "reader")
    page.goto(f"{forum}/deliverables/")
    page.get_by_label("State").select_option("published")
    page.wait_for_url("**state=published**")
    rows = page.locator("#results tbody tr")
    assert rows.count() == Deliverable.objects.filter(state="published").count()
    page.get_by_label("Search").fill("Roadmap")
    page.wait_for_url("**q=Roadmap**")
    assert "Global Exploration Roadmap" in page.locator("#results").inner_text()
    shared = page.url
    fresh = signed_in(browser, forum, "reader")
    fresh.goto(shared)
    assert fresh.locator("#results tbody tr").count() == page.locator("#results tbody tr").count()


def _upload(page, url: str, name: str, content: bytes, note: str, kind="", why="") -> None:
    page.goto(url)
    page.get_by_label("File").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.get_by_label("What changed").fill(note)
    if kind:
        page.get_by_role("combobox", name="Kind").select_option(kind)
        page.get_by_label("Why this kind").fill(why)
    page.get_by_role("button", name="Upload the revision").click()
    page.wait_for_load_state()


def test_a_product_through_its_revisions_to_the_published_text(browser, forum):
    """Revision 00, a delegate's comment, 01, a round on 01 that ESA objects to, a substantive
    02 that answers it (the objection marked resolved), a round on 02, an editorial 03 that keeps
    it, consensus, publication: the file downloaded is byte for byte revision 03."""
    import hashlib

    from apps.documents.models import Revision
    from apps.plenary.models import ConsensusRound, Objection
    from tests.documents.samples import docx_bytes

    lss = Deliverable.objects.get(title__startswith="Lunar Surface Systems")
    url = f"{forum}{lss.get_absolute_url()}"
    text = ["Lunar Surface Systems gap report", "Surface power is the largest gap."]
    cochair = signed_in(browser, forum, "cochair-twg")
    _upload(cochair, url, "LSS.docx", docx_bytes(*text), "First full draft")
    assert "Revision 00" in cochair.content()
    make_move(cochair, "Send to WG review", "Draft complete")

    delegate = signed_in(browser, forum, "delegate-esa")
    delegate.goto(url)
    delegate.get_by_role("link", name="Comments (0)").click()
    delegate.get_by_role("textbox", name="Comment").fill("Chapter 4 should list ESA's lander.")
    delegate.get_by_role("button", name="Post the comment").click()
    assert "Chapter 4 should list ESA" in delegate.content()

    _upload(cochair, url, "LSS.docx", docx_bytes(*text, "Chapter 4: landers."), "Chapter 4 added")
    make_move(cochair, "Submit to the plenary", "TWG agreed the draft")
    secretariat = signed_in(browser, forum, "secretariat")
    secretariat.goto(url)
    secretariat.get_by_label("Channel").select_option("written_procedure")
    acknowledge_unreachable(secretariat)
    secretariat.get_by_role("button", name="Open the round").click()
    assert "Consensus round opened" in secretariat.content()
    first_round = ConsensusRound.objects.get(deliverable=lss, state="open")
    assert first_round.revision.label == "01"

    delegate.goto(f"{forum}{first_round.get_absolute_url()}")
    assert "01" in delegate.locator("main").inner_text()  # the round names its text
    delegate.get_by_label("object", exact=True).check()
    delegate.get_by_label("Rationale").fill("Chapter 4 omits ESA's lunar lander")
    delegate.get_by_role("button", name="Record position").click()

    answer = docx_bytes(*text, "Chapter 4: landers, ESA's Argonaut among them.")
    _upload(cochair, url, "LSS.docx", answer, "Chapter 4 lists Argonaut", kind="substantive",
            why="Answers ESA's objection")  # fmt: skip
    first_round.refresh_from_db()
    assert first_round.state == "cancelled"
    cochair.goto(f"{forum}{first_round.get_absolute_url()}")
    cochair.locator("details.move summary", has_text="Mark resolved in a revision").click()
    resolve = cochair.locator("details.move[open] form")
    resolve.get_by_label("Resolved in revision").select_option("2")
    resolve.get_by_label("How the revision answers it").fill("Argonaut added to chapter 4")
    resolve.get_by_role("button", name="Mark resolved").click()
    assert Objection.objects.get(round=first_round).status == "resolved"

    secretariat.goto(url)
    secretariat.get_by_label("Channel").select_option("written_procedure")
    acknowledge_unreachable(secretariat)
    secretariat.get_by_role("button", name="Open the round").click()
    second_round = ConsensusRound.objects.get(deliverable=lss, state="open")
    assert second_round.revision.label == "02"
    final = docx_bytes(*text, "Chapter 4: landers, ESA's Argonaut among them.", "Typo fixed.")
    _upload(cochair, url, "LSS.docx", final, "Typo in annex B", kind="editorial",
            why="Spelling only")  # fmt: skip
    second_round.refresh_from_db()
    assert (second_round.state, second_round.revision.label) == ("open", "03")
    consensus_rounds_close_expired(now=timezone.now() + datetime.timedelta(days=15))

    secretariat.goto(url)
    secretariat.locator("details.move summary", has_text="Mark published").click()
    form = secretariat.locator("details.move[open] form")
    form.get_by_label("Reason").fill("Released at the plenary")
    form.get_by_label("Publication date").fill("2026-11-20")
    form.get_by_role("button", name="Mark published").click()
    lss.refresh_from_db()
    assert lss.state == "published"
    shot(secretariat, "deliverable-revisions")
    approved = secretariat.locator("dd", has_text="revision 03")  # the Approved text fact
    with secretariat.expect_download() as download_info:
        approved.get_by_role("link", name="Download 03").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    three = Revision.objects.get(deliverable=lss, number=3)
    assert hashlib.sha256(downloaded).hexdigest() == three.sha256 == second_round.revision_sha256
