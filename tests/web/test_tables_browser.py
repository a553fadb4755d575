"""The list pages on a phone (390 x 844, an iPhone 14): nothing wider than the screen, the tables
shown as cards. Screenshots go to screenshots/phone-*.png for a person to look at."""

import pytest

from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup
from tests.web.test_browser import PHONE, browser, forum, shot, signed_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_list_pages_fit_a_phone_screen(browser, forum):  # noqa: F811
    group = WorkingGroup.objects.filter(led_deliverables__isnull=False).order_by("pk").first()
    pages = {
        "deliverables": "/deliverables/",
        "deliverables-by-state": "/deliverables/?sort=state",
        "overview": "/overview/",
        "groups": "/groups/",
        "group": f"/groups/{group.pk}/",
        "meetings": "/meetings/",
        "reports": "/reports/",
        "changes": "/changes/",
    }
    page = signed_in(browser, forum, "secretariat", PHONE)
    too_wide = {}
    for name, path in pages.items():
        page.goto(f"{forum}{path}")
        shot(page, f"phone-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
    assert too_wide == {}

    # The deliverables table is cards: each cell under its column's label, state and progress
    # on screen, within the card's width.
    page.goto(f"{forum}/deliverables/")
    assert Deliverable.objects.count() > 0
    first_row = page.locator("table.cards tbody tr").first
    box = first_row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    for label in ["State", "Progress", "Target"]:
        cell = first_row.locator(f'td[data-label="{label}"]')
        cell_box = cell.bounding_box()
        assert cell_box["x"] + cell_box["width"] <= PHONE["width"], label
        before = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert before == f'"{label}"'
    page.context.close()


def test_the_deliverables_table_on_a_desktop_sorts_by_its_headers(browser, forum):  # noqa: F811
    page = signed_in(browser, forum, "secretariat", PHONE)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{forum}/deliverables/")
    page.get_by_role("link", name="State", exact=True).click()
    page.wait_for_url("**/deliverables/?sort=state")
    assert page.locator('th[aria-sort="ascending"]').inner_text().startswith("State")
    # Headers are visible as a table on a wide screen, not as cards.
    assert page.locator("table.cards thead").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "desktop-deliverables-by-state")
    page.context.close()
