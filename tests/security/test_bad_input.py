"""Bad input, generated: garbage, huge, unicode, markup and script in every web form, malformed
dates, states and ids, spreadsheet formulas in the CSV export, bodies over the limits. Never a
server error; markup from input never becomes markup in a page; refused input changes nothing.
"""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_routes import history_rows

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip

# A canary: if it ever becomes an element or attribute, input was rendered as markup.
CANARY = "data-injected"
MARKUP = [
    f'<script {CANARY}="1">alert(1)</script>', f'"><b {CANARY}="1">', f"'><b {CANARY}='1'>",
    f'<img src=x onerror=alert(1) {CANARY}="1">', f"</textarea><b {CANARY}=1>",
    f'" {CANARY}="1', "{{ 7|add:7 }}{% now 'Y' %}", "]]><!--", "&lt;&amp;&#x3c;",
]  # fmt: skip
text = st.one_of(
    st.text(max_size=60),  # any unicode but surrogates, control characters included
    st.sampled_from(MARKUP),
    st.builds(lambda a, m, b: a + m + b, st.text(max_size=10), st.sampled_from(MARKUP),
              st.text(max_size=10)),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "🚀", "<"]),
              st.integers(5_000, 60_000)),  # over every field's limit
)  # fmt: skip
dates = st.one_of(
    st.sampled_from(["2025-02-30", "31/12/2025", "0000-00-00", "9999-99-99", "2025-13-01",
                     "tomorrow", "2025-1-1T00:00", "-1", "\uff11\uff12\uff13"]),
    st.dates().map(str), text,
)  # fmt: skip
ids = st.one_of(st.integers(-(10**20), 10**20).map(str), text)


class Canary(HTMLParser):
    found = False

    def handle_starttag(self, tag, attrs):
        if any(name == CANARY for name, _ in attrs):
            self.found = True


def assert_no_markup_from_input(html: str) -> None:
    parser = Canary()
    parser.feed(html)
    assert not parser.found, "input became markup"


@pytest.fixture
def as_cochair(cast, world):
    client = Client()
    client.force_login(cast.cochair_twg)
    return client


def pages_showing_input(client, world) -> list[str]:
    urls = [
        reverse("web:deliverable", args=[world["planned"].pk]),
        reverse("web:group", args=[world["twg"].pk]),
        reverse("web:round", args=[world["round"].pk]),
        reverse("web:home"),
        reverse("web:deliverables") + "?q=x",
    ]
    return [client.get(url).content.decode() for url in urls]


def test_every_web_form_takes_garbage_without_error_and_escapes_it(cast, world, as_cochair):
    world["twg"] = cast.twg
    secretariat = Client()
    secretariat.force_login(cast.secretariat)
    delegate = Client()
    delegate.force_login(cast.delegates["NASA"])
    esa = cast.agencies["ESA"].pk
    forms = [
        (as_cochair, "web:progress", "planned", lambda t, d: {
            "percent_complete": t[:4], "rag": t[:10], "next_milestone": t, "target_date": d,
            "status_note": t, "reason": t, "seen_version": world["planned"].version}),
        (as_cochair, "web:move", "planned", lambda t, d: {"to": t[:20], "reason": t}),
        (secretariat, "web:round-open", "submitted", lambda t, d: {
            "channel": t[:20], "deadline": d, "meeting": t[:8]}),
        (delegate, "web:position", "round", lambda t, d: {
            "agency": t[:10], "position": "object", "rationale": t}),
        (secretariat, "web:round-decide", "round", lambda t, d: {"reason": t, "deadline": d}),
        (secretariat, "web:round-outcome", "round", lambda t, d: {
            "meeting": world["meeting"].pk, "default": t[:12] or "object",
            f"position_{esa}": t[:12], f"rationale_{esa}": t}),
        (secretariat, "web:round-other-channel", "round", lambda t, d: {
            "agency": "JAXA" if len(t) % 2 else t[:10], "note": t}),
        (as_cochair, "web:outlook-add", "twg", lambda t, d: {"year": t[:6], "text": t}),
        (as_cochair, "web:outlook-edit", "outlook", lambda t, d: {
            f"o{world['outlook'].pk}-text": t, f"o{world['outlook'].pk}-assessment": t[:12],
            f"o{world['outlook'].pk}-assessment_note": t,
            f"o{world['outlook'].pk}-seen_version": world["outlook"].version}),
        (secretariat, "web:report-request", None, lambda t, d: {"year": t[:8]}),
        (as_cochair, "web:deliverables", None, lambda t, d: {"q": t, "state": t[:12],
                                                             "year": t[:6], "sort": t[:9]}),
        (as_cochair, "web:agencies", None, lambda t, d: {"on": d}),
        (as_cochair, "api:token-page", None, lambda t, d: {"action": t[:12]}),
        (Client(), "login", None, lambda t, d: {"username": t[:200], "password": t}),
    ]  # fmt: skip
    tried = []
    per_form = settings(FUZZ, max_examples=15)

    def fuzz_form(client, name, key, body):
        if name == "web:round-decide":
            url = reverse(name, kwargs={"pk": world[key].pk, "action": "extend"})
        else:
            url = reverse(name, args=[world[key].pk]) if key else reverse(name)
        method = client.get if name in ("web:deliverables", "web:agencies") else client.post

        @per_form
        @given(value=text, day=dates)
        def submit(value, day):
            response = method(url, body(value, day))
            # 429: the sign-in form locks after 10 failures, as it must.
            allowed = (200, 302, 400, 403, 409, *((429,) if name == "login" else ()))
            assert response.status_code in allowed, (name, response.status_code)
            page = response.content.decode()
            if response.status_code == 302 and not response["Location"].startswith("http"):
                page = client.get(response["Location"]).content.decode()
            assert_no_markup_from_input(page)
            tried.append(name)

        submit()

    for form in forms:
        fuzz_form(*form)
    for page in pages_showing_input(as_cochair, world):
        assert_no_markup_from_input(page)
    print(f"\n{len(tried)} form submissions over {len(set(tried))} forms")
    assert len(set(tried)) == len(forms)


def test_over_long_fields_are_refused_with_the_limit_and_change_nothing(cast, world, as_cochair):
    before = history_rows()
    url = reverse("web:move", args=[world["planned"].pk])
    response = as_cochair.post(url, {"to": "drafting", "reason": "x" * 2001}, follow=True)
    assert "at most 2000 characters (it has 2001)" in response.content.decode()
    response = as_cochair.post(
        reverse("web:progress", args=[world["planned"].pk]),
        {"percent_complete": 101, "seen_version": world["planned"].version},
    )
    assert response.status_code == 400
    assert "give a whole number from 0 to 100" in response.content.decode()
    assert history_rows() == before


def test_a_body_over_the_upload_limit_is_refused_with_a_clear_status(
    cast, world, as_cochair, settings
):
    before = history_rows()
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = as_cochair.post(reverse("web:move", args=[world["planned"].pk]),
                               {"to": "drafting", "reason": big})  # fmt: skip
    assert response.status_code == 400
    many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = as_cochair.post(reverse("web:move", args=[world["planned"].pk]), many)
    assert response.status_code == 400
    api = as_cochair.post(
        reverse("api:deliverable-transitions", args=[world["planned"].pk]),
        '{"to": "drafting", "reason": "' + big + '"}', content_type="application/json",
    )  # fmt: skip
    assert api.status_code in (400, 413)
    assert history_rows() == before


def test_malformed_ids_dates_and_states_in_urls_never_fail_the_server(cast, world, as_cochair):
    tried = []

    @FUZZ
    @given(bad=ids, day=dates, state=text)
    def probe(bad, day, state):
        from urllib.parse import quote

        b, d, s = quote(bad, safe=""), quote(day, safe=""), quote(state[:50], safe="")
        urls = [
            f"/deliverables/{b}/", f"/rounds/{b}/", f"/groups/{b}/", f"/reports/{b}/",
            f"/agencies/?on={d}", f"/overview/?year={b}", f"/deliverables/?state={s}&year={b}",
            f"/deliverables/export.csv?state={s}&group={s}",
            f"/api/v1/deliverables/{b}/", f"/api/v1/deliverables/?state={s}&year={b}",
            f"/api/v1/agencies/?member_on={d}", f"/api/v1/working-groups/?active_on={d}",
            f"/api/v1/cochair-appointments/?on={d}&group={s}", f"/api/v1/consensus-rounds/{b}/",
            f"/api/v1/report-drafts/?year={b}&state={s}", f"/api/v1/meetings/?year={b}",
        ]  # fmt: skip
        for url in urls:
            status = as_cochair.get(url).status_code
            assert status in (200, 301, 400, 404), (url, status)
            tried.append(url)

    probe()
    print(f"\n{len(tried)} malformed requests")


# --- CSV export: formulas neutralised ------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
cell = st.builds(
    lambda lead, rest: lead + rest,
    st.sampled_from([*FORMULA_STARTS, "", " ", "'"]),
    st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
            max_size=30),
)  # fmt: skip


def without_control_characters(text: str) -> str:
    """What a spreadsheet cell can hold: Word's line and page breaks as line breaks, the other
    control characters but tab, LF and CR dropped, as XML (.xlsx, .ods) requires."""
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 32 and c not in "\ufffe\uffff"))


def test_no_csv_cell_can_start_a_spreadsheet_formula(cast, client):
    from apps.deliverables.models import Deliverable

    client.force_login(cast.reader)

    rows_checked = []

    @FUZZ
    @given(title=cell, milestone=cell, edition=cell.map(lambda s: s[:20]))
    def export(title, milestone, edition):
        Deliverable.objects.all().delete()  # inside this test's transaction
        cast.deliverable("drafting", title=title or "x", next_milestone=milestone[:300],
                         edition=edition)  # fmt: skip
        response = client.get(reverse("web:deliverables-csv"))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        header, row = rows[0], rows[1]
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value
        shown = dict(zip(header, row, strict=True))
        for column, original in (("Title", title or "x"), ("Next milestone", milestone[:300])):
            original = without_control_characters(original)
            expected = "'" + original if original.startswith(FORMULA_STARTS) else original
            assert shown[column] == expected.replace("\r\n", "\n") or shown[column] == expected
        rows_checked.append(row)

    export()
    print(f"\n{len(rows_checked)} generated rows exported")
