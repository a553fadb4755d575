"""The CSV export, the API, the Atom feed and the calendar feed print dates the way the pages do
(core.dates.date_as_stored), beside the stored ISO date and its precision where a program
reads them."""

import csv
import datetime
import io

import feedparser
import icalendar
import pytest
from django.urls import reverse

from apps.core.dates import DatePrecision
from apps.watching.feed_addresses import feed_address_issue
from tests import factories

from .conftest import PRECISIONS

pytestmark = pytest.mark.django_db
EACH = pytest.mark.parametrize(("precision", "day", "short", "long", "typed"), PRECISIONS)


@EACH
def test_the_csv_export(client, cast, precision, day, short, long, typed):
    cast.deliverable("published", title="Exported", target_date=day, target_precision=precision,
                     published_on=day, published_precision=precision)  # fmt: skip
    cast.deliverable("drafting", title="Undated")
    client.force_login(cast.reader)
    response = client.get(reverse("web:deliverables-csv"))
    rows = {row["Title"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    exported = rows["Exported"]
    # The precision in words, as the admin's choice names it ("month only (stored as ...)").
    label = DatePrecision(precision).label
    assert (exported["Target date"], exported["Target date precision"]) == (short, label)
    assert (exported["Publication date"], exported["Publication date precision"]) == (
        short, label)  # fmt: skip
    undated = rows["Undated"]
    assert [undated[k] for k in ("Target date", "Target date precision", "Publication date",
                                 "Publication date precision")] == ["", "", "", ""]  # fmt: skip


@EACH
def test_the_api_gives_the_iso_date_its_precision_and_its_display(
    cast, as_role, precision, day, short, long, typed
):
    deliverable = cast.deliverable("published", target_date=day, target_precision=precision,
                                   published_on=day, published_precision=precision)  # fmt: skip
    agency = cast.agencies["ESA"]
    agency.joined_on, agency.joined_precision = day, precision
    agency.save()
    factories.AgencyNameFactory(agency=agency, used_until=day, used_until_precision=precision)
    cast.twg.established_on, cast.twg.established_precision = day, precision
    cast.twg.save()
    meeting = factories.PlenaryMeetingFactory(starts_on=day, starts_precision=precision)
    activity = factories.ActivityFactory(occurred_on=day, occurred_precision=precision)
    round = factories.ConsensusRoundFactory(
        opened_on=day, dates_precision=precision, deadline=day, opened_by=None
    )
    client = as_role("reader")

    def get(path: str) -> dict:
        response = client.get(path)
        assert response.status_code == 200, response.json()
        return response.json()

    body = get(f"/api/v1/deliverables/{deliverable.pk}/")
    assert (body["target_date"], body["target_precision"], body["target_display"]) == (
        day.isoformat(), precision, short,
    )  # fmt: skip
    assert (body["published_on"], body["published_display"]) == (day.isoformat(), short)
    esa = get(f"/api/v1/agencies/{agency.pk}/")
    assert (esa["joined_on"], esa["joined_display"], esa["left_display"]) == (
        day.isoformat(), short, "",
    )  # fmt: skip
    assert esa["earlier_names"][0]["used_until_display"] == short
    assert get(f"/api/v1/working-groups/{cast.twg.pk}/")["established_display"] == short
    assert get(f"/api/v1/meetings/{meeting.pk}/")["starts_display"] == short
    assert get(f"/api/v1/activities/{activity.pk}/")["occurred_display"] == short
    assert get(f"/api/v1/consensus-rounds/{round.pk}/")["opened_display"] == short


def test_the_schema_documents_each_display_beside_its_date(cast, as_role):
    schema = as_role("reader").get("/api/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Deliverable"]["properties"]
    assert properties["target_display"]["type"] == "string"
    assert properties["target_display"]["readOnly"] is True
    assert {"target_date", "target_precision", "published_on", "published_precision"} <= set(
        properties
    )  # the pair stays as clients know it
    progress = schema["components"]["schemas"]["PatchedProgressUpdate"]["properties"]
    assert progress["target_precision"]["allOf"] == [
        {"$ref": "#/components/schemas/DatePrecisionEnum"}
    ]  # the enum every *_precision field already names


@pytest.mark.parametrize(("precision", "day", "short"), [p[:3] for p in PRECISIONS])
def test_the_atom_feed(client, cast, precision, day, short):
    cast.deliverable("published", title="Year paper", published_on=day,
                     published_precision=precision, summary="")  # fmt: skip
    factories.ActivityFactory(title="Dated news", occurred_on=day, occurred_precision=precision)
    client.force_login(cast.reader)
    parsed = feedparser.parse(client.get(reverse("web:feed")).content)
    entries = {entry.title: entry for entry in parsed.entries}
    assert entries["Year paper"].summary.endswith(f"published {short}.")
    assert entries["Webnews: Dated news"].summary == f"ISECG webnews item, {short}."


@pytest.mark.parametrize(
    ("precision", "day", "short", "span"),
    [
        ("day", datetime.date(2026, 8, 12), "12 Aug 2026", (8, 12, 8, 13)),
        ("month", datetime.date(2026, 2, 1), "Feb 2026", (2, 1, 3, 1)),
        ("on_or_before", datetime.date(2026, 12, 31), "by 2026", (12, 31, 1, 1)),
    ],
)
def test_the_calendar_feed(client, cast, precision, day, short, span):
    target = cast.deliverable("drafting", target_date=day, target_precision=precision)
    cast.deliverable("drafting", target_date=datetime.date(2026, 1, 1), target_precision="year")
    secret = feed_address_issue(actor=cast.cochair_twg, kind="calendar").secret
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("web:feed-calendar", args=[secret])).content
    )
    targets = [e for e in calendar.walk("VEVENT") if "-target@" in str(e["UID"])]
    [event] = targets  # the year-only target is too vague for a calendar
    assert str(event["UID"]).startswith(f"deliverable-{target.pk}-")
    assert f"Target date {short};" in str(event["DESCRIPTION"])
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert (start.month, start.day, end.month, end.day) == span
