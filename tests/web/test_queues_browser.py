"""The SAM's queue in a real browser: the product awaiting endorsement is on their home page
with the count on Home, and endorsing it from the row's link empties both."""

import pytest
from django.contrib.auth import get_user_model

from apps.deliverables.models import Deliverable
from apps.plenary.services import consensus_round_open, position_record
from tests.factories import DeliverableFactory
from tests.web.test_browser import browser, forum, shot, signed_in  # noqa: F401 -- fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sam_endorses_from_their_queue(browser, forum):  # noqa: F811 -- fixtures
    users = get_user_model().objects
    secretariat = users.get(username="secretariat")
    sam = users.filter(groups__name="Senior agency managers").first()
    assert sam is not None, "the demo accounts have a senior agency manager"
    product = DeliverableFactory(
        state="submitted",
        title="Queued for the SAMs",
        needs_sam_endorsement=True,
        lead_group=Deliverable.objects.order_by("pk").first().lead_group,
    )
    round = consensus_round_open(
        unreachable_acknowledged=True, deliverable=product, actor=secretariat, channel="plenary"
    )
    for agency in round.eligible_agencies.all():
        position_record(round=round, actor=secretariat, agency=agency, position="concur")
    product.refresh_from_db()
    assert product.state == "sam_endorsement"

    page = signed_in(browser, forum, sam.username)
    home = page.get_by_role("link", name="Home: 1 item needs you")
    assert home.inner_text().split() == ["Home", "1"]
    card = page.locator("section.queue", has=page.locator("#sam-endorse"))
    assert "Queued for the SAMs" in card.inner_text()
    shot(page, "home-sam-queue")
    card.get_by_role("link", name="Endorse or decline").click()
    page.wait_for_url(f"**/deliverables/{product.pk}/#actions")
    page.locator("details.move summary", has_text="Endorse").first.click()
    form = page.locator("details.move[open] form")
    form.get_by_label("Reason").fill("Endorsed at the SAM meeting")
    form.get_by_role("button", name="Endorse").click()
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.state == "approved"
    page.goto(f"{forum}/")
    assert page.get_by_role("link", name="Home", exact=True).count() == 1  # no count any more
    assert "No product awaits SAM endorsement." in page.locator("#sam-endorse").inner_text()
