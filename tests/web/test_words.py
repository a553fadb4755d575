"""Words for people (issue 19, item 4): what the pages, messages, errors and exports say is in
words, never the codes the program uses (states, field names), with dates as people read them."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import deliverable_transition, deliverable_update_progress
from apps.plenary.services import consensus_round_extend
from tests import factories

pytestmark = pytest.mark.django_db

# Every code a person must never read: the states' and the deliverable's field names that are
# not words already ("title", "planned" are words; "wg_review", "percent_complete" are not).
CODES = sorted(
    {s for s in DeliverableState.values if "_" in s}
    | {f.name for f in Deliverable._meta.concrete_fields if "_" in f.name}
    | {f.attname for f in Deliverable._meta.concrete_fields if "_" in f.attname}
)


def codes_in(text: str) -> list[str]:
    return [code for code in CODES if re.search(rf"\b{re.escape(code)}\b", text)]


def move(client, user, deliverable, to: str, **extra):
    client.force_login(user)
    return client.post(
        reverse("web:move", args=[deliverable.pk]),
        {"to": to, "reason": "Ready", "seen_version": deliverable.version, **extra},
    )


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def section(html: str, anchor: str) -> str:
    """One card of the deliverable page, by its heading's id."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_the_codes_list_holds_what_the_complaint_named():
    assert {"wg_review", "percent_complete", "needs_sam_endorsement"} <= set(CODES)


def test_a_submission_says_what_happened_in_words(client, cast):
    deliverable = cast.deliverable("wg_review")
    response = move(client, cast.cochair_twg, deliverable, "submitted")
    assert response.status_code == 302
    assert told(response) == ["Submitted to the plenary."]


def test_a_sam_endorsement_says_what_happened_in_words(client, cast):
    deliverable = cast.deliverable("sam_endorsement", needs_sam_endorsement=True)
    response = move(client, cast.sam, deliverable, "approved")
    assert response.status_code == 302
    assert told(response) == [
        "Endorsed by the senior agency managers: the deliverable is now approved."
    ]


def test_the_history_timeline_names_fields_and_states_in_words(client, cast):
    deliverable = cast.deliverable("drafting", needs_sam_endorsement=True)
    deliverable_update_progress(
        deliverable=deliverable, actor=cast.cochair_twg, expected_version=deliverable.version,
        percent_complete=40, rag="amber", target_date=datetime.date(2026, 1, 1),
        target_precision="year", next_milestone="WG review",
    )  # fmt: skip
    # Only the precision changes: said as the date re-printed, not as a line of its own.
    deliverable_update_progress(
        deliverable=deliverable, actor=cast.cochair_twg, expected_version=deliverable.version,
        target_date=datetime.date(2026, 1, 1), target_precision="day",
    )  # fmt: skip
    deliverable_transition(deliverable=deliverable, actor=cast.cochair_twg, to="wg_review",
                           reason="Draft done", expected_version=deliverable.version)  # fmt: skip
    client.force_login(cast.reader)
    html = client.get(deliverable.get_absolute_url()).content.decode()
    history = section(html, "history")
    assert "Progress (%): “0” → “40”" in history
    assert "RAG status: “” → “amber”" in history
    # A year-only target prints as the year, never as the first day it is stored as.
    assert "Target date: “” → “2026”" in history and "2026-01-01" not in history
    assert "Target date: “2026” → “1 Jan 2026”" in history and "precision" not in history
    assert "State: “drafting” → “WG review”" in history
    assert codes_in(history) == []


def test_the_csv_export_has_headers_and_values_in_words(client, cast):
    cast.deliverable("wg_review", title="Exported", rag="amber", percent_complete=60,
                     target_date=datetime.date(2026, 12, 1), target_precision="month")  # fmt: skip
    client.force_login(cast.reader)
    text = client.get(reverse("web:deliverables-csv")).content.decode()
    header = next(csv.reader(io.StringIO(text)))
    assert header[:8] == ["ID", "Title", "Edition", "Kind", "Lead group", "State",
                          "Progress (%)", "RAG status"]  # fmt: skip
    assert "Target date" in header and "Publication date" in header
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["State"], row["Target date"]) == ("WG review", "Dec 2026")
    assert row["Target date precision"] == "month only (stored as its first day)"
    assert codes_in(text) == []


def test_an_error_naming_a_day_says_it_as_people_read_it(cast):
    deliverable = cast.deliverable("in_consensus")
    round = factories.ConsensusRoundFactory(
        deliverable=deliverable,
        opened_on=datetime.date(2024, 11, 1),
        deadline=datetime.date(2024, 12, 31),
        opened_by=cast.secretariat,
    )
    with pytest.raises(ApplicationError) as refused:
        consensus_round_extend(
            round=round, actor=cast.secretariat, deadline=datetime.date(2024, 12, 1),
            reason="More time", now=datetime.datetime(2024, 12, 2, tzinfo=datetime.UTC),
        )  # fmt: skip
    assert "(31 December 2024)" in refused.value.message
    assert "2024-12-31" not in refused.value.message


def test_a_day_outside_the_record_is_refused_in_words(cast):
    deliverable = cast.deliverable("approved")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(deliverable=deliverable, actor=cast.secretariat, to="published",
                               reason="Out", published_on=datetime.date(1900, 1, 1))  # fmt: skip
    message = refused.value.message
    assert "1 January 1900 is outside the dates the tracker holds" in message
    assert "from 1 January 1957 to 31 December 2200" in message


def test_a_refused_move_names_states_in_words(cast):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(deliverable=deliverable, actor=cast.cochair_twg,
                               to="submitted", reason="Too early")  # fmt: skip
    message = refused.value.message
    assert "it is “drafting”" in message and "“submitted to the plenary”" in message
    assert "send to WG review (to “WG review”)" in message
    assert codes_in(message) == []


def test_a_published_product_shows_its_publication_not_its_old_progress(client, cast):
    deliverable = cast.deliverable(
        "published", edition="3rd edition", percent_complete=60, rag="amber",
        status_note="waiting on IAWG input", published_on=datetime.date(2024, 5, 1),
        published_precision="month", link="https://www.globalspaceexploration.org/gap",
    )  # fmt: skip
    client.force_login(cast.reader)
    facts = section(client.get(deliverable.get_absolute_url()).content.decode(), "facts")
    assert "May 2024 · 3rd edition" in facts
    assert 'href="https://www.globalspaceexploration.org/gap"' in facts
    assert "60%" not in facts and "waiting on IAWG input" not in facts
    assert "rag-amber" not in facts and "Status note" not in facts


def test_a_sam_endorsement_shows_who_and_when(client, cast):
    deliverable = cast.deliverable("sam_endorsement", needs_sam_endorsement=True)
    client.force_login(cast.reader)
    facts = section(client.get(deliverable.get_absolute_url()).content.decode(), "facts")
    assert "awaited" in facts
    deliverable_transition(deliverable=deliverable, actor=cast.sam, to="approved",
                           reason="Endorsed at the SAM meeting")  # fmt: skip
    endorsed = deliverable.history.get(history_move="endorse").history_date
    facts = section(client.get(deliverable.get_absolute_url()).content.decode(), "facts")
    day = f"{endorsed.day} {endorsed:%B %Y}"
    assert f"endorsed by Sam, {day}" in facts
    assert "needed" not in facts.split("SAM endorsement", 1)[1].split("</dd>", 1)[0]


def test_a_stale_progress_edit_keeps_what_was_typed_beside_the_newer_values(client, cast):
    deliverable = cast.deliverable("drafting", percent_complete=20, rag="green")
    opened = deliverable.version
    # Someone else saves first: the RAG status and the next milestone change.
    deliverable_update_progress(deliverable=deliverable, actor=cast.secretariat,
                                expected_version=opened, rag="red",
                                next_milestone="Plenary in May")  # fmt: skip
    client.force_login(cast.cochair_twg)
    response = client.post(
        reverse("web:progress", args=[deliverable.pk]),
        {"percent_complete": 55, "rag": "amber", "next_milestone": "WG review in June",
         "status_note": "Chapter 3 drafted", "seen_version": opened},
    )  # fmt: skip
    assert response.status_code == 409
    html = response.content.decode()
    [message] = told(response)
    assert message.startswith("Not saved: someone else changed this deliverable while you were")
    assert "Secretariat" in message and "What you typed is kept below" in message
    # What they typed, in the form.
    assert 'value="55"' in html and 'value="WG review in June"' in html
    assert "Chapter 3 drafted" in html
    assert re.search(r'<option value="amber" selected>', html)
    # The newer values, beside the fields they changed; not beside those nobody changed.
    assert re.search(r'id="newer-rag">[^<]*<strong>red</strong>', html)
    assert re.search(r'id="newer-next_milestone">[^<]*<strong>Plenary in May</strong>', html)
    assert 'id="newer-percent_complete"' not in html
    # Saving again, knowing what it replaces, is taken.
    deliverable.refresh_from_db()
    assert f'name="seen_version" value="{deliverable.version}"' in html
    again = client.post(
        reverse("web:progress", args=[deliverable.pk]),
        {"percent_complete": 55, "rag": "amber", "next_milestone": "WG review in June",
         "status_note": "", "seen_version": deliverable.version},
    )  # fmt: skip
    assert again.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.rag, deliverable.percent_complete) == ("amber", 55)


@pytest.fixture
def sorted_agencies(db):
    """KARI became KASA (by the end of 2024); Ukraine and the USA, founders both."""
    founded = datetime.date(2007, 5, 1)
    kasa = factories.AgencyFactory(acronym="KASA", name="Korea AeroSpace Administration",
                                   country="Republic of Korea", joined_on=founded)  # fmt: skip
    factories.AgencyNameFactory(agency=kasa, name="KARI", acronym="KARI",
                                used_until=datetime.date(2024, 12, 31),
                                used_until_precision="on_or_before")  # fmt: skip
    for acronym, name, country in [
        ("NASA", "National Aeronautics and Space Administration", "USA"),
        ("SSAU", "State Space Agency of Ukraine", "Ukraine"),
        ("UKSA", "United Kingdom Space Agency", "United Kingdom"),
    ]:
        factories.AgencyFactory(acronym=acronym, name=name, country=country, joined_on=founded)


def test_the_agencies_page_on_a_past_day_shows_the_names_of_that_day(client, sorted_agencies):
    client.force_login(factories.UserFactory(username="reader"))
    html = client.get(reverse("web:agencies"), {"on": "2007-06-01"}).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "ISECG members on 1 June 2007: 4" in html
    assert (
        '<td data-label="Agency">KARI</td>' in table
        and "now Korea AeroSpace Administration (KASA)" in table
    )
    assert '<td data-label="Agency">Korea AeroSpace Administration (KASA)</td>' not in table
    assert "until by" not in html
    order = [table.index(f"<td>{c}</td>") for c in ("Ukraine", "United Kingdom", "USA")]
    assert order == sorted(order)


def test_the_agencies_page_today_shows_todays_names_and_the_earlier_ones(client, sorted_agencies):
    client.force_login(factories.UserFactory(username="reader"))
    html = client.get(reverse("web:agencies")).content.decode()
    assert '<td data-label="Agency">Korea AeroSpace Administration (KASA)</td>' in html
    assert "KARI, until 2024 at the latest" in html and "until by" not in html


def test_the_real_record_on_1_june_2007_lists_kari_and_ukraine_before_the_usa(client, isecg_record):
    client.force_login(factories.UserFactory(username="reader"))
    html = client.get(reverse("web:agencies"), {"on": "2007-06-01"}).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "ISECG members on 1 June 2007: 14" in html
    assert '<td data-label="Agency">KARI</td>' in table
    assert '<td data-label="Agency">Korea AeroSpace Administration (KASA)</td>' not in table
    assert "until by" not in html
    assert table.index("<td>Ukraine</td>") < table.index("<td>USA</td>")
