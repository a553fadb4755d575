"""The round page on a phone (390 x 844, Chromium): the delegate's position form is on the first
screen, above the 28 agencies of the grid, and nothing scrolls sideways; the grid is stacked
cards, each agency's history one tap away. Screenshots go to screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.agencies.models import Agency
from apps.deliverables.models import Deliverable
from apps.plenary.models import Position
from apps.plenary.services import consensus_round_open, position_record
from tests.web.test_browser import PHONE, SHOTS, browser, forum, signed_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def round_with_histories():
    """A round on a real product of the record, all 28 member agencies eligible; ESA objected
    and then withdrew it, a few others answered through the secretariat."""
    users = get_user_model().objects
    secretariat = users.get(username="secretariat")
    esa_delegate = users.get(username="delegate-esa")
    deliverable = Deliverable.objects.filter(title__startswith="Lunar Surface Systems").get()
    Deliverable.objects.filter(pk=deliverable.pk).update(state="submitted")  # set-up only
    deliverable.refresh_from_db()
    round = consensus_round_open(
        deliverable=deliverable,
        actor=secretariat,
        channel="written_procedure",
        unreachable_acknowledged=True,
    )
    esa = Agency.objects.get(acronym="ESA")
    position_record(
        round=round,
        actor=esa_delegate,
        agency=esa,
        position=Position.Kind.OBJECT,
        rationale="Chapter 4 omits ESA's lunar lander, and its timeline to 2040 is not given.",
    )
    position_record(round=round, actor=esa_delegate, agency=esa, position=Position.Kind.CONCUR)
    for agency in round.eligible_agencies.exclude(pk=esa.pk).order_by("acronym")[:6]:
        position_record(
            round=round, actor=secretariat, agency=agency, position=Position.Kind.NO_OBJECTION
        )
    return round


def test_on_a_phone_the_delegates_form_is_on_the_first_screen(browser, forum):  # noqa: F811
    round = round_with_histories()
    assert round.eligible_agencies.count() == 28
    page = signed_in(browser, forum, "delegate-esa", PHONE)
    page.goto(f"{forum}{round.get_absolute_url()}")
    assert page.evaluate("window.scrollY") == 0
    form = page.locator("#position-form").bounding_box()
    assert form is not None and form["y"] < PHONE["height"], form
    assert "ESA's position" in page.locator(".own-position").inner_text()
    # Nothing scrolls sideways: neither the page nor the grid.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    grid = page.locator("table.ballot")
    sizes = grid.evaluate("t => [t.scrollWidth, t.getBoundingClientRect().width]")
    assert sizes[0] <= sizes[1] + 1 and sizes[1] <= PHONE["width"], sizes
    assert page.locator("table.ballot tbody tr").count() == 28
    page.screenshot(path=str(SHOTS / "round-phone-first-screen.png"))

    # ESA's withdrawn objection is one tap away, with its words and who recorded it.
    esa_row = page.locator("table.ballot tbody tr", has_text="ESA").first
    esa_row.locator("details.history summary").click()
    history = esa_row.locator("details.history[open]").inner_text()
    assert "Chapter 4 omits ESA's lunar lander" in history and "by delegate-esa" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "round-phone-full.png"), full_page=True)

    # The form works as it stands: ESA states no objection, and it shows at the top.
    page.get_by_label("no objection", exact=True).check()
    page.get_by_role("button", name="Record position").click()
    assert "position is recorded" in page.content()
    assert "no objection" in page.locator(".own-position").inner_text()
    latest = Position.objects.filter(round=round, agency__acronym="ESA").latest("recorded_at")
    assert latest.position == "no_objection" and latest.recorded_at <= timezone.now()

    # The secretariat is told why it cannot close yet, instead of a form refused after typing.
    secretariat = signed_in(browser, forum, "secretariat", PHONE)
    secretariat.goto(f"{forum}{round.get_absolute_url()}")
    assert secretariat.locator("summary", has_text="Close the round").count() == 0
    assert "cannot close before its deadline" in secretariat.locator("#close-not-yet").inner_text()
    assert secretariat.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    secretariat.locator("#close-not-yet").scroll_into_view_if_needed()
    secretariat.screenshot(path=str(SHOTS / "round-phone-secretariat.png"))
