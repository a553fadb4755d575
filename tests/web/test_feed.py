"""The Atom feed as a feed reader reads it: valid Atom (RFC 4287 4.1.1, 4.1.2), every entry with
a stable id, its last change, an author and a link to a page that shows it, no blank summary."""

import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.roles import ROLE_GROUP_NAMES, Role
from apps.deliverables.models import Activity, Deliverable
from apps.deliverables.services import deliverable_edit
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("web:feed")
WEBNEWS = "Webnews: "


def reader_client(**extra) -> Client:
    client = Client(**extra)
    client.force_login(factories.UserFactory(username="feed-reader"))
    return client


def read_feed(client: Client):
    response = client.get(FEED)
    assert response.status_code == 200, response.content[:500]
    return response, feedparser.parse(response.content)


def ids_by_title(parsed) -> dict[str, str]:
    return {entry.title: entry.id for entry in parsed.entries}


def test_the_record_feed_is_valid_atom_with_every_required_element(isecg_record):
    _, parsed = read_feed(reader_client())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) >= 10
    feed_author = parsed.feed.get("author")
    for entry in parsed.entries:
        assert entry.get("id") and entry.get("title") and entry.get("updated_parsed"), entry
        assert feed_author or entry.get("author"), entry.title
        assert entry.get("summary", "").strip(), f"blank summary: {entry.title}"
    assert feed_author == "ISECG"
    ids = [entry.id for entry in parsed.entries]
    assert len(set(ids)) == len(ids)
    assert all(entry_id.startswith("tag:") for entry_id in ids)


def test_the_feed_element_carries_rfc_4287_required_children(isecg_record):
    response = reader_client().get(FEED)
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (the app's own feed)
    assert feed.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{child}") or "").strip(), child
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "ISECG"
    updated = datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    entry_updates = [
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        for entry in feed.iter(f"{ATOM}entry")
    ]
    assert entry_updates and updated == max(entry_updates)


def test_every_entry_links_to_a_page_that_shows_it(isecg_record):
    client = reader_client()
    _, parsed = read_feed(client)
    for entry in parsed.entries:
        link = urlsplit(entry.link)
        page = client.get(f"{link.path}?{link.query}" if link.query else link.path)
        assert page.status_code == 200, entry.link
        html = page.content.decode()
        shown = entry.title.removeprefix(WEBNEWS)
        assert escape(shown) in html, f"{entry.link} does not show {shown!r}"
        if link.fragment:
            assert f'id="{link.fragment}"' in html, entry.link


def test_webnews_without_a_product_link_to_an_item_that_is_there(isecg_record):
    cologne = Activity.objects.get(title__startswith="Collaboration Beyond Borders")
    assert not cologne.deliverables.exists()
    _, parsed = read_feed(reader_client())
    entry = next(e for e in parsed.entries if e.title == WEBNEWS + cologne.title)
    assert entry.link.endswith(f"/overview/?year=2024#webnews-{cologne.pk}")
    assert "?q=" not in entry.link


def test_ids_stay_when_a_title_is_edited(cast):
    secretariat = cast.secretariat
    Group.objects.get(name=ROLE_GROUP_NAMES[Role.SECRETARIAT]).user_set.add(secretariat)
    product = cast.deliverable(
        "published", title="Lunar gap report", published_on=datetime.date(2025, 3, 1)
    )
    news = factories.ActivityFactory(kind="webnews", title="Gap report out", summary="")
    # Last changed a year ago, so the edit below shows in the feed's one-second times.
    a_year_ago = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    Deliverable.objects.filter(pk=product.pk).update(updated_at=a_year_ago)
    Activity.history.filter(id=news.pk).update(history_date=a_year_ago)
    client = reader_client()
    _, before = read_feed(client)
    ids = ids_by_title(before)
    updated = {e.id: e.updated_parsed for e in before.entries}

    # The text the plenary agreed to is frozen once published: the service refuses a new title
    # then, so the title is edited while drafting and the product published as the record says.
    drafting = cast.deliverable("drafting", title="Mars gap report")
    deliverable_edit(
        deliverable=drafting,
        actor=secretariat,
        expected_version=drafting.version,
        reason="Title as agreed",
        changes={"title": "Mars architecture gap report"},
    )
    Deliverable.objects.filter(pk=drafting.pk).update(
        state="published", published_on=datetime.date(2025, 4, 1)
    )
    deliverable_edit(
        deliverable=Deliverable.objects.get(pk=product.pk),
        actor=secretariat,
        expected_version=product.version,
        reason="Source found",
        changes={"notes": "From the 2025 Annual Report."},
    )
    # Webnews items are edited in the admin, which saves the model.
    news.title = "Lunar gap report out"
    news.save()

    _, after = read_feed(client)
    after_ids = ids_by_title(after)
    assert after_ids["Lunar gap report"] == ids["Lunar gap report"]
    assert after_ids[WEBNEWS + "Lunar gap report out"] == ids[WEBNEWS + "Gap report out"]
    assert after_ids["Mars architecture gap report"].endswith(f":deliverable/{drafting.pk}")
    changed = {e.id: e.updated_parsed for e in after.entries}
    assert changed[ids["Lunar gap report"]] > updated[ids["Lunar gap report"]]
    assert changed[ids[WEBNEWS + "Gap report out"]] > updated[ids[WEBNEWS + "Gap report out"]]


@override_settings(
    ALLOWED_HOSTS=["testserver", "feeds.elsewhere.example"], SITE_URL="https://isecg.example"
)
def test_ids_come_from_site_url_not_from_the_request_host(cast):
    cast.deliverable("published", title="Roadmap", published_on=datetime.date(2025, 6, 1))
    factories.ActivityFactory(kind="webnews", title="Roadmap out")
    _, here = read_feed(reader_client())
    _, there = read_feed(reader_client(HTTP_HOST="feeds.elsewhere.example"))
    assert ids_by_title(here) == ids_by_title(there)
    for entry in there.entries:
        assert "elsewhere" not in entry.id and "testserver" not in entry.id
        assert entry.id.startswith("tag:isecg.example,2024:")
    assert "elsewhere" not in there.feed.id
