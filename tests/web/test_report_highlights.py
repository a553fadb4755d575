"""/reports/summary/<year>/#highlights: anyone signed in reads the year's highlights; the
secretariat adds, rewrites, moves, leaves out and puts back each one there, one version per
save, never over a version it has not read; the next draft of the report prints them."""

import datetime

import pytest
from django.urls import reverse

from apps.reports.content import report_build
from apps.reports.highlights import report_highlight_show, report_highlight_write
from apps.reports.models import ReportHighlight
from apps.reports.selectors import report_facts
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/reports/summary/2025/"
BACK = "/reports/summary/2025/#highlights"
ADD = "/reports/summary/2025/highlights/"


def signed_in(client, user):
    client.force_login(user)
    return client


def write(cast, heading="The roadmap", text="ISECG published it.\n\nAgencies welcomed it.", **kw):
    return report_highlight_write(
        year=2025, actor=cast.secretariat, heading=heading, text=text, **kw
    )


def edit_url(highlight, what=""):
    return f"{ADD}{highlight.pk}/{what + '/' if what else ''}"


def test_the_urls_are_named():
    assert reverse("web:report-highlight-add", args=[2025]) == ADD
    assert reverse("web:report-highlight-edit", args=[2025, 7]) == f"{ADD}7/"
    assert reverse("web:report-highlight-move", args=[2025, 7]) == f"{ADD}7/move/"
    assert reverse("web:report-highlight-show", args=[2025, 7]) == f"{ADD}7/show/"


def test_the_secretariat_sees_the_add_form_with_the_years_products_groups_and_changes(client, cast):
    published = cast.deliverable(
        "published", title="Roadmap", published_on=datetime.date(2025, 5, 1)
    )
    promoted = cast.deliverable(
        "published", title="Older paper", published_on=datetime.date(2020, 1, 1)
    )
    factories.ActivityFactory(kind="talk", occurred_on=datetime.date(2025, 6, 1)).deliverables.add(
        promoted
    )
    cast.deliverable("published", title="Other year", published_on=datetime.date(2023, 1, 1))
    change = factories.StructuralChangeFactory(effective_on=datetime.date(2025, 3, 1))
    html = signed_in(client, cast.secretariat).get(PAGE).content.decode()
    assert 'id="highlights"' in html and "No highlight has been written for 2025" in html
    assert "Add a highlight" in html and 'name="heading"' in html and 'name="text"' in html
    for value in (f"deliverable:{published.pk}", f"deliverable:{promoted.pk}",
                  f"group:{cast.twg.pk}", f"change:{change.pk}"):  # fmt: skip
        assert f'value="{value}"' in html
    assert "Other year" not in html


@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_others_read_the_highlights_without_forms(client, cast, role):
    product = cast.deliverable("published", title="Roadmap", published_on=datetime.date(2025, 5, 1))
    first = write(cast, about=product)
    report_highlight_show(highlight_id=first.pk, shown=False, actor=cast.secretariat)
    html = signed_in(client, cast.by_role(role)).get(PAGE).content.decode()
    assert "The roadmap" in html and "<p>Agencies welcomed it.</p>" in html
    assert "About Roadmap" in html and "version 2" in html and "secretariat" in html
    assert "left out of the report" in html
    assert 'name="heading"' not in html and "Add a highlight" not in html
    assert "Left out of the report" in html  # the history of the highlights


def test_the_secretariat_adds_one_through_the_form(client, cast):
    product = cast.deliverable("published", title="Roadmap", published_on=datetime.date(2025, 5, 1))
    client = signed_in(client, cast.secretariat)
    response = client.post(
        ADD,
        {
            "heading": "The 2025 roadmap",
            "text": "One.\r\n\r\nTwo.",
            "about": f"deliverable:{product.pk}",
            "reason": "From the plenary",
        },
    )
    assert response.status_code == 302 and response["Location"] == BACK
    highlight = ReportHighlight.objects.get()
    assert (highlight.position, highlight.version, highlight.deliverable) == (1, 1, product)
    assert highlight.paragraphs == ["One.", "Two."] and highlight.written_by == cast.secretariat
    assert highlight.history.get().history_change_reason == "From the plenary"
    page = client.get(PAGE).content.decode()
    assert "added to the 2025 report" in page and "<p>Two.</p>" in page
    assert f'action="{edit_url(highlight)}"' in page


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"heading": "", "text": "Text."}, "Give the highlight&#x27;s heading"),
        ({"heading": "H", "text": "  "}, "Write the highlight&#x27;s text"),
        ({"heading": "H", "text": "T", "about": "deliverable:999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_400_with_the_fields_error(client, cast, body, says):
    response = signed_in(client, cast.secretariat).post(ADD, {**body, "reason": "Typed"})
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html and 'value="Typed"' in html
    assert not ReportHighlight.objects.exists()


def test_the_secretariat_rewrites_moves_leaves_out_and_puts_back(client, cast):
    first, second = write(cast, "First"), write(cast, "Second")
    client = signed_in(client, cast.secretariat)
    page = client.get(PAGE).content.decode()
    assert f'id="id_h{first.pk}_heading"' in page and f'id="id_h{second.pk}_heading"' in page
    response = client.post(
        edit_url(first),
        {"heading": "First, rewritten", "text": "New text.", "reason": "", "seen_version": 1},
    )
    assert response.status_code == 302 and response["Location"] == BACK
    first.refresh_from_db()
    assert (first.heading, first.text, first.version) == ("First, rewritten", "New text.", 2)
    assert "saved (version 2)" in client.get(PAGE).content.decode()

    response = client.post(edit_url(second, "move"), {"direction": "up", "seen_version": 1})
    assert response.status_code == 302 and response["Location"] == BACK
    assert list(ReportHighlight.objects.order_by("position").values_list("heading", flat=True)) == [
        "Second", "First, rewritten"
    ]  # fmt: skip
    second.refresh_from_db()
    response = client.post(
        edit_url(second, "show"), {"shown": "no", "seen_version": second.version}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert not second.shown
    page = client.get(PAGE).content.decode()
    assert "left out of the report" in page and "Put back in the report" in page
    response = client.post(
        edit_url(second, "show"), {"shown": "yes", "seen_version": second.version}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.shown and second.version == 4
    assert [h.history_change_reason for h in second.history.order_by("-history_id")] == [
        "Put back in the report", "Left out of the report", "Moved up", "Written"
    ]  # fmt: skip


def test_a_step_from_an_older_page_is_409_and_changes_nothing(client, cast):
    first, second = write(cast, "First"), write(cast, "Second")
    write(cast, "Second, theirs", highlight_id=second.pk)
    client = signed_in(client, cast.secretariat)
    for what, body in (("move", {"direction": "up"}), ("show", {"shown": "no"})):
        response = client.post(edit_url(second, what), {**body, "seen_version": 1})
        assert response.status_code == 409
        assert "Someone else changed" in response.content.decode()
    second.refresh_from_db()
    assert (second.position, second.shown, second.version) == (2, True, 2)
    response = client.post(edit_url(first, "move"), {"direction": "up", "seen_version": 1})
    assert response.status_code == 400 and "already the first" in response.content.decode()
    response = client.post(edit_url(first, "move"), {"seen_version": 1})
    assert response.status_code == 400 and "Say which way" in response.content.decode()


def test_a_save_over_a_newer_version_is_409_showing_it_and_keeping_what_was_typed(client, cast):
    first = write(cast, "First", "Original.")
    write(cast, "Their heading", "Their text.", highlight_id=first.pk)
    client = signed_in(client, cast.secretariat)
    response = client.post(
        edit_url(first),
        {"heading": "My heading", "text": "My text.", "reason": "Mine", "seen_version": 1},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the 2025 highlight" in html
    assert "<p>Their text.</p>" in html  # the newer text, shown
    assert "My text.</textarea>" in html and 'value="My heading"' in html  # what was typed
    assert 'name="seen_version" value="2"' in html  # saving again replaces what is shown
    first.refresh_from_db()
    assert (first.version, first.text) == (2, "Their text.")
    again = client.post(
        edit_url(first), {"heading": "My heading", "text": "My text.", "seen_version": 2}
    )
    assert again.status_code == 302
    first.refresh_from_db()
    assert (first.version, first.text) == (3, "My text.")


def test_a_highlight_of_another_year_is_not_found_here(client, cast):
    other = report_highlight_write(
        year=2024, actor=cast.secretariat, heading="2024's", text="Then."
    )
    response = signed_in(client, cast.secretariat).post(
        edit_url(other), {"heading": "x", "text": "y", "seen_version": 1}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.version == 1


@pytest.mark.parametrize("role", ["reader", "delegate", "cochair", "sam"])
def test_forged_posts_by_anyone_else_are_refused_and_nothing_is_written(client, cast, role):
    first = write(cast)
    client = signed_in(client, cast.by_role(role))
    posts = [
        (ADD, {"heading": "Mine", "text": "Mine."}),
        (edit_url(first), {"heading": "Mine", "text": "Mine.", "seen_version": 1}),
        (edit_url(first, "move"), {"direction": "down", "seen_version": 1}),
        (edit_url(first, "show"), {"shown": "no", "seen_version": 1}),
    ]
    for url, body in posts:
        response = client.post(url, body)
        assert response.status_code == 403, url
        assert "Only the secretariat" in response.content.decode()
    first.refresh_from_db()
    assert (first.version, first.heading, first.shown) == (1, "The roadmap", True)
    assert ReportHighlight.objects.count() == 1 and ReportHighlight.history.count() == 1


def test_a_get_of_a_write_route_is_405(client, cast):
    assert signed_in(client, cast.secretariat).get(ADD).status_code == 405


def test_a_highlight_written_on_the_page_is_in_the_next_draft(client, cast):
    product = cast.deliverable(
        "published", title="Roadmap", published_on=datetime.date(2025, 5, 1), summary="Standing."
    )
    client = signed_in(client, cast.secretariat)
    for heading, text, about in (
        ("The 2025 Global Exploration Roadmap", "ISECG published the roadmap.\n\nIt was welcomed.",
         f"deliverable:{product.pk}"),
        ("A special project", "Left out, in the end.", ""),
    ):  # fmt: skip
        response = client.post(ADD, {"heading": heading, "text": text, "about": about})
        assert response.status_code == 302
    left_out = ReportHighlight.objects.get(heading="A special project")
    client.post(edit_url(left_out, "show"), {"shown": "no", "seen_version": 1})

    facts = report_facts(year=2025, today=datetime.date(2026, 2, 1))
    report = report_build(facts=facts, version=1, drafted_on=datetime.date(2026, 2, 1))
    highlights = next(s for s in report.sections if s.key == "highlights")
    texts = [getattr(b, "text", "") for b in highlights.blocks]
    assert "The 2025 Global Exploration Roadmap" in [h.text for h in highlights.subheadings]
    assert "ISECG published the roadmap." in texts and "It was welcomed." in texts
    assert "A special project" not in texts and "Left out, in the end." not in texts
    assert "Standing." not in texts  # the product is told by its highlight, not its summary
