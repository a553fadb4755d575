"""Generated hostile input to every write of the REST API: C0 control characters, strings far over
every limit, bodies nested past any depth, dates at and past the calendar's ends, values of every
JSON type where a field wants another. Never a 5xx; every refusal is the API's one error shape
({"detail", "code"}) and adds no history row; what was stored is still written out as valid XML
(the Atom feed) and a readable CSV."""

import csv
import datetime
import io
import json
from xml.etree import ElementTree  # parsing what the app itself wrote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from apps.deliverables.models import Deliverable, DeliverableState
from tests import factories

from .hostile import FUZZ, QUIET, Tally, dates, hostile_dates, hostile_text, texts
from .test_routes import history_rows

pytestmark = [pytest.mark.django_db, QUIET]

# --- JSON bodies: any type where a field wants another, nesting past any depth -----------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False), hostile_text, hostile_dates,
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def nested(levels: int, opener: str) -> str:
    """A JSON value nested `levels` deep: [[[...]]] or {"a":{"a":...}}."""
    closer = "]" if opener == "[" else "}"
    middle = "" if opener == "[" else "1"
    return opener * levels + middle + closer * levels


deep_value = st.builds(
    nested, st.sampled_from([31, 32, 33, 200, 5_000, 100_000]), st.sampled_from(["[", '{"a":'])
)


def bodies(fields: dict, required: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """A JSON body for an endpoint taking `fields` (name -> what it wants, hostile values of the
    right type included; the `required` ones always sent): mostly of the right shape, so it
    reaches the service; else with one field of any JSON type, one field nested deep, or a deep
    body as a whole."""
    shaped = st.fixed_dictionaries(
        {name: fields[name] for name in required},
        optional={name: wanted for name, wanted in fields.items() if name not in required},
    )
    one_wrong = st.builds(
        lambda body, name, value: {**body, name: value},
        shaped, st.sampled_from(sorted(fields)), json_values,
    )  # fmt: skip
    with_deep_field = st.builds(
        lambda body, name, value: body[:-1] + ("," if body != "{}" else "") + f'"{name}":{value}}}',
        shaped.map(json.dumps), st.sampled_from(sorted(fields)), deep_value,
    )  # fmt: skip
    kinds = [
        *[shaped.map(json.dumps)] * 7, one_wrong.map(json.dumps), with_deep_field,
        st.one_of(deep_value, st.sampled_from(["{", "[]", '"x"', "null"])),
    ]  # fmt: skip
    return st.sampled_from(kinds).flatmap(lambda kind: kind)


states = st.one_of(*[st.sampled_from(DeliverableState.values)] * 3, hostile_text)


# --- the run -------------------------------------------------------------------------------------


def send(tally: Tally, client, method: str, url: str, body: str, **headers):
    before = history_rows()
    response = getattr(client, method)(url, body, content_type="application/json", **headers)
    tally.count(response.status_code)
    assert response.status_code < 500, (url, body[:300], response.status_code)
    if response.status_code >= 400:
        error = response.json()
        assert isinstance(error["detail"], str) and error["detail"], error
        assert isinstance(error["code"], str) and error["code"], error
        assert history_rows() == before, f"a refused request changed the record: {body[:300]}"
    return response


@pytest.fixture
def api(cast):
    def signed_in(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return {"secretariat": signed_in(cast.secretariat), "cochair": signed_in(cast.cochair_twg),
            "delegate": signed_in(cast.delegates["NASA"]), "reader": signed_in(cast.reader),
            "anonymous": APIClient()}  # fmt: skip


def test_progress_updates_take_anything_without_a_server_error(cast, api, tally):
    deliverable = cast.deliverable("drafting")
    url = reverse("api:deliverable-detail", args=[deliverable.pk])
    fields = {
        "percent_complete": st.integers(-5, 105), "rag": st.sampled_from(["green", "", "x"]),
        "next_milestone": texts, "target_date": dates, "status_note": texts,
        "reason": texts,
    }  # fmt: skip

    @FUZZ
    @given(
        body=st.one_of(bodies(fields, ("target_date",)), bodies(fields, ("status_note", "reason"))),
        role=st.sampled_from(["cochair", "cochair", "secretariat", "reader"]),
    )
    def update(body, role):
        version = Deliverable.objects.get(pk=deliverable.pk).version
        send(tally, api[role], "patch", url, body, HTTP_IF_MATCH=f'"{version}"')

    update()


def test_moves_take_anything_without_a_server_error(cast, api, tally):
    products = {
        "planned": cast.deliverable("planned", target_date=datetime.date(2200, 12, 31)),
        "approved": cast.deliverable("approved"),
        "drafting": cast.deliverable("drafting"),
    }
    fields = {"to": states, "reason": texts, "published_on": dates, "link": texts}

    @FUZZ
    @given(
        body=bodies(fields, ("to", "reason")),
        which=st.sampled_from(sorted(products)),
        role=st.sampled_from(["cochair", "secretariat"]),
    )
    def move(body, which, role):
        url = reverse("api:deliverable-transitions", args=[products[which].pk])
        send(tally, api[role], "post", url, body)

    move()


def test_consensus_round_writes_take_anything_without_a_server_error(cast, api, tally):
    submitted = [cast.deliverable("submitted") for _ in range(3)]
    opened = send(
        tally, api["secretariat"], "post",
        reverse("api:deliverable-consensus-rounds", args=[submitted[0].pk]),
        json.dumps({"channel": "written_procedure", "deadline": "2200-12-30"}),
    )  # fmt: skip
    round_id = opened.json()["id"]
    endpoints = {  # name: (its URLs, its fields, the fields it requires)
        "open": (
            [reverse("api:deliverable-consensus-rounds", args=[d.pk]) for d in submitted[1:]],
            {"channel": st.sampled_from(["plenary", "written_procedure", "x"]),
             "deadline": dates, "meeting": st.integers(-1, 10**12), "reason": texts,
             "acknowledge_unreachable": st.lists(st.one_of(st.just("ESA"), texts), max_size=3)},
            ("channel",),
        ),
        "position": (
            [reverse("api:consensus-round-positions", args=[round_id])],
            {"position": st.sampled_from(["concur", "object", "abstain", "x"]),
             "rationale": texts, "agency": st.one_of(st.sampled_from(["ESA", "NASA"]), texts)},
            ("position",),
        ),
        "extend": (
            [reverse("api:consensus-round-extend", args=[round_id])],
            {"deadline": dates, "reason": texts},
            ("deadline", "reason"),
        ),
        "close": ([reverse("api:consensus-round-close", args=[round_id])],
                  {"reason": texts}, ("reason",)),
    }  # fmt: skip
    endpoint_bodies = st.one_of(
        *[
            st.tuples(st.sampled_from(urls), bodies(fields, required))
            for urls, fields, required in endpoints.values()
        ]
    )

    @settings(FUZZ, max_examples=60)
    @given(
        target=endpoint_bodies,
        role=st.sampled_from(["secretariat", "delegate", "cochair"]),
    )
    def write(target, role):
        url, body = target
        send(tally, api[role], "post", url, body)

    write()


# Times at and past the calendar's ends, in zones 26 hours apart, without an offset, or not one.
moments = st.one_of(
    st.datetimes(
        datetime.datetime(1957, 1, 1), datetime.datetime(2200, 12, 31),
        timezones=st.sampled_from([datetime.UTC, ZoneInfo("Pacific/Kiritimati"),
                                   ZoneInfo("Etc/GMT+12")]),
    ).map(datetime.datetime.isoformat),
    st.sampled_from(["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                     "2200-12-31T23:30:00-12:00", "2026-12-08T09:00:00"]),
    hostile_dates,
)  # fmt: skip
zones = st.one_of(
    st.sampled_from(["Europe/Paris", "UTC", "America", "../etc", "Etc/../UTC", "x" * 300]), texts
)
acronyms = st.one_of(st.sampled_from(["ESA", "jaxa", "NASA"]), texts)


def test_meeting_writes_take_anything_without_a_server_error(cast, api, tally):
    from apps.meetings.agenda import agenda_item_add
    from apps.meetings.services import attendance_record, meeting_schedule

    start = datetime.datetime(2026, 12, 8, 9, tzinfo=datetime.UTC)
    meeting, later = (
        meeting_schedule(actor=cast.secretariat, title=title, kind="plenary", starts_at=when,
                         ends_at=when + datetime.timedelta(hours=8))
        for title, when in [("Paris", start), ("Later", start + datetime.timedelta(days=60))]
    )  # fmt: skip
    item = agenda_item_add(meeting=meeting, actor=cast.secretariat, title="AOB")
    attendance_record(meeting=meeting, actor=cast.secretariat,
                      rows={cast.agencies["ESA"]: ("present", "")})  # fmt: skip
    round = factories.ConsensusRoundFactory(
        deliverable=cast.deliverable("in_consensus"), opened_by=cast.secretariat,
        opened_on=datetime.date.today(), deadline=datetime.date(2200, 1, 1), meeting=meeting,
    )  # fmt: skip
    round.eligible_agencies.set(cast.agencies.values())
    at = f"/api/v1/meetings/{meeting.pk}/"
    positions = st.sampled_from(["concur", "no_objection", "abstain", "object", "veto"])
    endpoints = {  # name: (method, URL, its fields, the fields it requires)
        "schedule": ("post", "/api/v1/meetings/",
                     {"title": texts, "kind": st.sampled_from(["plenary", "x"]),
                      "starts_at": moments, "ends_at": moments, "time_zone": zones,
                      "place": texts, "call_link": texts, "host_agency": acronyms,
                      "chair": st.one_of(st.just("secretariat"), texts),
                      "is_sample": st.one_of(st.booleans(), texts)},
                     ("title", "kind", "starts_at", "ends_at")),
        "minutes": ("patch", at, {"minutes": texts}, ("minutes",)),
        "approve": ("post", f"{at}approve-minutes/",
                    {"at_meeting": st.one_of(st.just(later.pk), st.integers(-1, 2**40)),
                     "note": texts}, ("at_meeting",)),
        "item": ("post", f"{at}agenda/", {"title": texts, "note": texts}, ("title",)),
        "order": ("put", f"{at}agenda/order/",
                  {"item_ids": st.lists(st.one_of(st.just(item.pk), st.integers(-1, 2**40)),
                                        max_size=4)}, ("item_ids",)),
        "remove": ("post", f"{at}agenda/{item.pk}/remove/", {"reason": texts}, ("reason",)),
        "attendance": ("post", f"{at}attendance/",
                       {"rows": st.lists(st.fixed_dictionaries(
                           {"agency": acronyms,
                            "status": st.sampled_from(["present", "absent", "asleep"])},
                           optional={"represented_by": texts}), max_size=4)}, ("rows",)),
        "outcome": ("post", f"/api/v1/consensus-rounds/{round.pk}/outcome/",
                    {"meeting": st.one_of(st.just(meeting.pk), st.integers(-1, 2**40)),
                     "default": positions,
                     "exceptions": st.lists(st.fixed_dictionaries(
                         {"agency": acronyms, "position": positions},
                         optional={"rationale": texts}), max_size=3)}, ("meeting",)),
        "other_channel": ("post", f"/api/v1/consensus-rounds/{round.pk}/notices/",
                          {"agency": acronyms, "note": texts}, ("agency", "note")),
    }  # fmt: skip
    endpoint_bodies = st.one_of(
        *[
            st.tuples(st.just(method), st.just(url), bodies(fields, required))
            for method, url, fields, required in endpoints.values()
        ]
    )

    @settings(FUZZ, max_examples=80)
    @given(target=endpoint_bodies, role=st.sampled_from(["secretariat", "secretariat", "reader"]))
    def write(target, role):
        method, url, body = target
        send(tally, api[role], method, url, body)

    write()


def test_report_requests_and_the_token_endpoint_take_anything(cast, api, tally):
    targets = st.one_of(
        st.tuples(
            st.just(reverse("api:report-draft-list")),
            bodies({"year": st.one_of(st.integers(-(10**6), 10**6), texts)}, ("year",)),
            st.sampled_from(["secretariat", "reader"]),
        ),
        st.tuples(
            st.just(reverse("api:auth-token")),
            bodies({"username": texts, "password": texts}, ("username", "password")),
            st.just("anonymous"),
        ),
    )

    @FUZZ
    @given(target=targets)
    def write(target):
        url, body, role = target
        response = send(tally, api[role], "post", url, body)
        assert response.status_code != 200 or role != "anonymous" or "token" in response.json()

    write()


def test_date_filters_at_the_calendars_ends_never_fail(cast, api, tally):
    @FUZZ
    @given(day=dates)
    def read(day):
        for url in (
            f"/api/v1/agencies/?member_on={day}",
            f"/api/v1/working-groups/?active_on={day}",
            f"/api/v1/cochair-appointments/?on={day}",
        ):
            response = api["reader"].get(url)
            tally.count(response.status_code)
            assert response.status_code in (200, 400), (url, response.status_code)

    read()


def test_what_the_fuzzing_stored_is_still_valid_atom_and_csv(cast, api, tally):
    """Text with control characters that was accepted (paragraphs keep what was pasted) is
    written out cleaned."""
    deliverable = cast.deliverable("drafting", summary="Pasted\x0bfrom Word\x07")
    send(
        tally, api["cochair"], "patch",
        reverse("api:deliverable-detail", args=[deliverable.pk]),
        json.dumps({"status_note": "Note\x01with\x1bcontrols", "next_milestone": "\x01=A1"}),
        HTTP_IF_MATCH=f'"{deliverable.version}"',
    )  # fmt: skip
    Deliverable.objects.filter(pk=deliverable.pk).update(
        state="published", published_on=datetime.date(2025, 6, 1)
    )
    browser = Client()
    browser.force_login(cast.reader)
    feed = browser.get(reverse("web:feed"))
    assert feed.status_code == 200
    ElementTree.fromstring(feed.content)  # noqa: S314 (the app's own feed; raises on bad XML)
    rows = list(csv.DictReader(io.StringIO(browser.get(reverse("web:deliverables-csv")).text)))
    # The control character dropped, then the formula kept from running.
    assert [row["Next milestone"] for row in rows] == ["'=A1"]
