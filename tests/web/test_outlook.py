"""Editing an outlook paragraph from the group page: two co-chairs on one paragraph."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def paragraph(cast):
    return factories.OutlookItemFactory(group=cast.twg, year=2027, text="Finish the LSS report.")


@pytest.fixture
def two_cochairs(cast):
    second = factories.UserFactory(username="cochair-twg-2", first_name="Second")
    factories.CoChairAppointmentFactory(
        person=second, group=cast.twg, agency=cast.agencies["NASA"],
        starts_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    clients = []
    for person in (cast.cochair_twg, second):
        client = Client()
        client.force_login(person)
        clients.append(client)
    return clients


def opened_version(client, group, item) -> str:
    """The version the group page's edit form carries for this paragraph."""
    html = client.get(group.get_absolute_url()).content.decode()
    match = re.search(rf'name="o{item.pk}-seen_version" value="(\d+)"', html)
    assert match, "the edit form carries the version it was opened at"
    return match.group(1)


def edit(client, item, text, version):
    return client.post(
        reverse("web:outlook-edit", args=[item.pk]),
        {
            f"o{item.pk}-text": text,
            f"o{item.pk}-assessment": "",
            f"o{item.pk}-seen_version": version,
        },
    )


def test_the_second_of_two_edits_from_one_page_is_refused_with_the_first_text(
    cast, paragraph, two_cochairs
):
    first, second = two_cochairs
    seen_by_first = opened_version(first, cast.twg, paragraph)
    seen_by_second = opened_version(second, cast.twg, paragraph)
    assert (
        edit(first, paragraph, "Publish the LSS report in May.", seen_by_first).status_code == 302
    )

    response = edit(second, paragraph, "Publish <b>it</b> in June.", seen_by_second)

    assert response.status_code == 409
    html = response.content.decode()
    refusal = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S).group(1)
    assert "“Publish the LSS report in May.”" in refusal  # what saving would replace
    assert "changed by Cochair-Twg" in refusal
    assert "Outlook paragraph saved." not in html
    # What they typed is kept in the form, escaped, and the form now carries the version shown.
    assert "Publish &lt;b&gt;it&lt;/b&gt; in June.</textarea>" in html
    assert f'name="o{paragraph.pk}-seen_version" value="2"' in html
    paragraph.refresh_from_db()
    assert (paragraph.text, paragraph.version) == ("Publish the LSS report in May.", 2)
    assert paragraph.history.count() == 2

    # Having seen the first text, saving again is a choice: it replaces it.
    assert edit(second, paragraph, "Publish it in June.", "2").status_code == 302
    paragraph.refresh_from_db()
    assert (paragraph.text, paragraph.version) == ("Publish it in June.", 3)
    assert paragraph.history.latest().history_user.username == "cochair-twg-2"


def test_each_save_is_told_saved_only_when_it_was(cast, paragraph, two_cochairs):
    first, _ = two_cochairs
    version = opened_version(first, cast.twg, paragraph)
    response = edit(first, paragraph, "Publish it.", version)
    assert "Outlook paragraph saved." in first.get(response["Location"]).content.decode()
    again = edit(first, paragraph, "Publish it twice.", version)  # the tab was not reloaded
    assert again.status_code == 409
    assert "Outlook paragraph saved." not in again.content.decode()
    paragraph.refresh_from_db()
    assert paragraph.text == "Publish it."


def test_an_edit_without_the_version_is_not_saved(client, cast, paragraph):
    client.force_login(cast.cochair_twg)
    response = client.post(
        reverse("web:outlook-edit", args=[paragraph.pk]), {f"o{paragraph.pk}-text": "Forged."}
    )
    assert response.status_code == 302
    assert "reload it" in client.get(response["Location"]).content.decode()
    paragraph.refresh_from_db()
    assert (paragraph.text, paragraph.version) == ("Finish the LSS report.", 1)


def test_added_paragraphs_are_numbered_in_turn(client, cast):
    client.force_login(cast.cochair_twg)
    for text in ("First.", "Second.", "Third."):
        client.post(reverse("web:outlook-add", args=[cast.twg.pk]), {"year": 2027, "text": text})
    items = cast.twg.outlook_items.filter(year=2027).order_by("position")
    assert [(i.position, i.text) for i in items] == [(1, "First."), (2, "Second."), (3, "Third.")]
