"""The pages through HTTP: what each role sees and may do, and that refusals change nothing."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from apps.deliverables.models import Deliverable
from apps.groups.models import OutlookItem
from apps.plenary.models import ConsensusRound, Position
from apps.plenary.services import consensus_round_open
from tests import factories

pytestmark = pytest.mark.django_db


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


class TestHome:
    def test_cochair_sees_their_groups_work_and_what_came_back(self, client, cast):
        cast.deliverable("drafting", title="Nuclear gap report", target_date=datetime.date.today())
        returned = cast.deliverable("submitted", title="LSS gap report")
        from apps.deliverables.services import deliverable_transition

        deliverable_transition(
            deliverable=returned, actor=cast.secretariat, to="drafting", reason="Add chapter 5"
        )
        cast.deliverable("drafting", title="Science plan", lead_group=cast.swg)
        html = page(client, cast.cochair_twg, "/")
        assert "Nuclear gap report" in html
        assert "Due this quarter" in html
        assert "Add chapter 5" in html
        assert "Science plan" not in html.split("Recent activity")[0]

    def test_delegate_sees_rounds_awaiting_their_agency(self, client, cast):
        round = consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=cast.deliverable("submitted", title="GER supplement"),
            actor=cast.secretariat,
            channel="plenary",
        )
        html = page(client, cast.delegates["NASA"], "/")
        assert "Consensus rounds awaiting NASA" in html
        assert "GER supplement" in html
        assert f"deadline {round.deadline:%-d %B %Y}" in html

    def test_secretariat_sees_what_awaits_a_round(self, client, cast):
        cast.deliverable("submitted", title="Benefits white paper")
        html = page(client, cast.secretariat, "/")
        assert "Submitted, awaiting a round" in html
        assert "Benefits white paper" in html

    def test_reader_sees_recent_activity_only(self, client, cast):
        cast.deliverable("planned", title="Webnews plan")
        html = page(client, cast.reader, "/")
        assert "Recent activity" in html
        assert "Submitted, awaiting a round" not in html


class TestDeliverableList:
    def test_filters_sort_and_share_by_url(self, client, cast):
        cast.deliverable("drafting", title="Alpha report", rag="red")
        cast.deliverable("drafting", title="Beta report", rag="green")
        cast.deliverable("published", title="Gamma report", published_on=datetime.date(2024, 8, 1))
        html = page(client, cast.reader, "/deliverables/", state="drafting", rag="red")
        assert "Alpha report" in html and "Beta report" not in html
        html = page(client, cast.reader, "/deliverables/", q="gamma", year=2024)
        assert "Gamma report" in html and "Alpha report" not in html
        html = page(client, cast.reader, "/deliverables/", sort="title")
        assert html.index("Alpha report") < html.index("Beta report") < html.index("Gamma report")

    def test_htmx_gets_only_the_rows(self, client, cast):
        cast.deliverable("drafting", title="Alpha report")
        client.force_login(cast.reader)
        response = client.get("/deliverables/", {"q": "alpha"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "Alpha report" in html
        assert "<html" not in html

    def test_bad_filters_are_explained_not_crashed(self, client, cast):
        html = page(client, cast.reader, "/deliverables/", year="last year", state="bogus")
        assert "Enter a whole number" in html
        assert "Select a valid choice" in html

    def test_pages_of_25(self, client, cast):
        for n in range(30):
            cast.deliverable("planned", title=f"Report {n:02}")
        html = page(client, cast.reader, "/deliverables/", sort="title", page=2)
        assert "Page 2 of 2" in html
        assert "Report 29" in html and "Report 00" not in html

    def test_csv_export_of_the_filtered_list_defuses_formulas(self, client, cast):
        cast.deliverable("drafting", title='=HYPERLINK("http://evil")', next_milestone="+1 day")
        cast.deliverable("drafting", title="Other", lead_group=cast.swg)
        client.force_login(cast.reader)
        response = client.get("/deliverables/export.csv", {"group": "TWG"})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [row["Title"] for row in rows] == ['\'=HYPERLINK("http://evil")']
        assert rows[0]["Next milestone"] == "'+1 day"
        assert response["Content-Disposition"].startswith("attachment")

    def test_the_list_costs_the_same_queries_for_more_rows(
        self, client, cast, django_assert_max_num_queries
    ):
        client.force_login(cast.reader)
        for n in range(3):
            cast.deliverable("planned", title=f"Small {n}")
        # Two of them the header's: who is signed in, and their roles.
        with django_assert_max_num_queries(10) as small:
            client.get("/deliverables/")
        for n in range(40):
            cast.deliverable("planned", title=f"Large {n}")
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get("/deliverables/")


class TestDeliverablePage:
    def test_offers_only_the_moves_this_user_may_make(self, client, cast):
        deliverable = cast.deliverable("wg_review")
        url = deliverable.get_absolute_url()
        cochair_html = page(client, cast.cochair_twg, url)
        assert "Submit to the plenary" in cochair_html
        assert "Update progress" in cochair_html
        other = page(client, cast.cochair_swg, url)
        assert "Submit to the plenary" not in other
        assert "Update progress" not in other
        assert "No move is yours to make now." in other

    def test_a_move_through_the_page_is_recorded_with_its_user(self, client, cast):
        deliverable = cast.deliverable("wg_review")
        client.force_login(cast.cochair_twg)
        response = client.post(
            reverse("web:move", args=[deliverable.pk]),
            {
                "to": "submitted",
                "reason": "WG agreed on 3 March",
                "seen_version": deliverable.version,
            },
        )
        assert response.status_code == 302
        deliverable.refresh_from_db()
        assert deliverable.state == "submitted"
        latest = deliverable.history.latest()
        assert latest.history_user == cast.cochair_twg
        assert "WG agreed on 3 March" in latest.history_change_reason

    @pytest.mark.parametrize("role", ["other_cochair", "delegate", "reader", "sam"])
    def test_a_forged_move_is_refused_with_403_and_changes_nothing(self, client, cast, role):
        deliverable = cast.deliverable("wg_review")
        client.force_login(cast.by_role(role))
        response = client.post(
            reverse("web:move", args=[deliverable.pk]), {"to": "submitted", "reason": "forged"}
        )
        assert response.status_code == 403
        assert "Nothing was changed" in response.content.decode()
        deliverable.refresh_from_db()
        assert deliverable.state == "wg_review"
        assert deliverable.history.count() == 1

    def test_progress_errors_are_shown_next_to_the_field(self, client, cast):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.cochair_twg)
        response = client.post(
            reverse("web:progress", args=[deliverable.pk]),
            {"percent_complete": 150, "rag": "amber", "seen_version": deliverable.version},
        )
        assert response.status_code == 400
        html = response.content.decode()
        field_at = html.index('name="percent_complete"')
        assert "give a whole number from 0 to 100" in html[field_at : field_at + 600]
        deliverable.refresh_from_db()
        assert deliverable.percent_complete == 0

    def test_progress_saved_and_a_stale_form_refused(self, client, cast):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.cochair_twg)
        url = reverse("web:progress", args=[deliverable.pk])
        form = {"percent_complete": 40, "rag": "green", "seen_version": deliverable.version,
                "reason": "April update"}  # fmt: skip
        assert client.post(url, form).status_code == 302
        stale = client.post(url, {**form, "percent_complete": 10})
        # Refused, and shown again with what was typed (issue 19: nothing typed is lost).
        assert stale.status_code == 409
        assert "someone else changed this deliverable" in stale.content.decode()
        assert 'value="10"' in stale.content.decode()
        deliverable.refresh_from_db()
        assert deliverable.percent_complete == 40
        assert deliverable.history.latest().history_user == cast.cochair_twg

    def test_progress_by_another_groups_cochair_is_refused(self, client, cast):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.cochair_swg)
        response = client.post(
            reverse("web:progress", args=[deliverable.pk]),
            {"percent_complete": 90, "seen_version": deliverable.version},
        )
        assert response.status_code == 403
        deliverable.refresh_from_db()
        assert deliverable.percent_complete == 0

    def test_timeline_shows_who_what_from_what_to_what_and_why(self, client, cast):
        from apps.deliverables.services import deliverable_update_progress

        deliverable = cast.deliverable("drafting")
        deliverable_update_progress(
            deliverable=deliverable, actor=cast.cochair_twg, expected_version=1,
            percent_complete=35, reason="Chapter 2 drafted",
        )  # fmt: skip
        html = page(client, cast.reader, deliverable.get_absolute_url())
        assert "Progress update: Chapter 2 drafted" in html
        assert "Progress (%): “0” → “35”" in html
        assert "cochair-twg" in html


class TestRoundPage:
    @pytest.fixture
    def round(self, cast):
        return consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=cast.deliverable("submitted"),
            actor=cast.secretariat,
            channel="plenary",
        )

    def test_open_a_round_from_the_deliverable_page(self, client, cast):
        deliverable = cast.deliverable("submitted")
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:round-open", args=[deliverable.pk]), {"channel": "written_procedure"}
        )
        round = ConsensusRound.objects.get(deliverable=deliverable)
        assert response.url == round.get_absolute_url()
        assert round.eligible_agencies.count() == 3

    def test_a_delegate_records_their_position_and_sees_the_tally(self, client, cast, round):
        client.force_login(cast.delegates["NASA"])
        html = client.get(round.get_absolute_url()).content.decode()
        assert 'name="position"' in html
        # Only NASA to speak for: named, not a list of one to choose from.
        assert '<select name="agency"' not in html
        assert '<input type="hidden" name="agency" value="NASA"' in html
        client.post(
            reverse("web:position", args=[round.pk]),
            {"agency": "NASA", "position": "object", "rationale": "Section 3 is wrong"},
        )
        html = client.get(round.get_absolute_url()).content.decode()
        assert "Section 3 is wrong" in html
        assert "object: 1" in html and "no objection: 0" in html
        assert "not answered: 2" in html

    def test_an_objection_without_rationale_is_explained(self, client, cast, round):
        client.force_login(cast.delegates["NASA"])
        response = client.post(
            reverse("web:position", args=[round.pk]),
            {"agency": "NASA", "position": "object", "rationale": ""},
            follow=True,
        )
        assert "must give its rationale" in response.content.decode()
        assert not Position.objects.exists()

    def test_a_delegate_cannot_speak_for_another_agency(self, client, cast, round):
        client.force_login(cast.delegates["NASA"])
        response = client.post(
            reverse("web:position", args=[round.pk]), {"agency": "ESA", "position": "concur"}
        )
        assert response.status_code == 403
        assert not Position.objects.exists()

    def test_the_secretariat_cannot_close_early_and_others_cannot_close(self, client, cast, round):
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:round-decide", args=[round.pk, "close"]), {"reason": "Enough"}, follow=True
        )
        assert "cannot close before its deadline" in response.content.decode()
        client.force_login(cast.cochair_twg)
        forged = client.post(reverse("web:round-decide", args=[round.pk, "close"]), {"reason": "x"})
        assert forged.status_code == 403
        round.refresh_from_db()
        assert round.state == "open"


class TestGroupsAndAgencies:
    def test_group_page_and_outlook_editing_by_its_cochair(self, client, cast):
        item = factories.OutlookItemFactory(
            group=cast.twg, year=2026, text="Finish the LSS report."
        )
        html = page(client, cast.cochair_twg, cast.twg.get_absolute_url())
        assert "Finish the LSS report." in html
        assert "Edit this paragraph" in html
        client.post(
            reverse("web:outlook-edit", args=[item.pk]),
            {
                f"o{item.pk}-text": "Publish the LSS report.",
                f"o{item.pk}-assessment": "",
                f"o{item.pk}-seen_version": item.version,
            },
        )
        item.refresh_from_db()
        assert item.text == "Publish the LSS report."
        assert item.history.latest().history_user == cast.cochair_twg
        client.post(
            reverse("web:outlook-add", args=[cast.twg.pk]), {"year": 2027, "text": "New team."}
        )
        assert OutlookItem.objects.filter(group=cast.twg, year=2027).count() == 1

    def test_another_groups_cochair_may_not_edit_the_outlook(self, client, cast):
        item = factories.OutlookItemFactory(group=cast.twg, year=2026, text="Keep.")
        html = page(client, cast.cochair_swg, cast.twg.get_absolute_url())
        assert "Edit this paragraph" not in html
        response = client.post(
            reverse("web:outlook-edit", args=[item.pk]), {f"o{item.pk}-text": "Hijacked"}
        )
        assert response.status_code == 403
        item.refresh_from_db()
        assert item.text == "Keep."

    def test_members_on_a_date(self, client, isecg_record):
        reader = factories.UserFactory(username="reader")
        html = page(client, reader, "/agencies/", on="2024-12-31")
        assert "ISECG members on 31 December 2024: 27" in html
        assert "KARI, until 2024 at the latest" in html
        html = page(client, reader, "/agencies/", on="2025-12-31")
        assert ": 28" in html and "Hellenic Space Centre" in html

    def test_groups_show_lineage_and_the_status_chart(self, client, isecg_record):
        reader = factories.UserFactory(username="reader")
        html = page(client, reader, "/groups/")
        assert "Emerging Space Agencies Working Group" in html and "into SCWG" in html
        assert "<svg" in html and "Deliverables by state, per working group" in html

    def test_overview_timeline(self, client, isecg_record):
        html = page(client, factories.UserFactory(username="reader"), "/overview/", year=2024)
        assert "Global Exploration Roadmap 2024" in html
        assert "<circle" in html or "<rect" in html


def test_atom_feed_lists_publications_and_webnews(client, isecg_record):
    client.force_login(factories.UserFactory(username="reader"))
    response = client.get("/feed/atom/")
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Global Exploration Roadmap 2024" in xml
    assert "Webnews: Collaboration Beyond Borders" in xml


def test_deliverable_pages_escape_what_users_typed(client, cast):
    deliverable = cast.deliverable("drafting", title="<script>alert(1)</script>")
    html = page(client, cast.reader, deliverable.get_absolute_url())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert Deliverable.objects.count() == 1


class TestReports:
    def test_the_secretariat_requests_a_draft_and_gets_the_files(
        self, client, isecg_record, django_capture_on_commit_callbacks, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        secretariat = factories.UserFactory(username="sec", is_superuser=True)
        client.force_login(secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("web:report-request"), {"year": 2025})
        from apps.reports.models import ReportDraft

        draft = ReportDraft.objects.get()
        assert response.url == reverse("web:report", args=[draft.pk])
        html = client.get(response.url).content.decode()
        assert "Download the DOCX" in html
        assert reverse("api:report-draft-docx", args=[draft.pk]) in html
        assert "hx-trigger" not in html  # done: polling has stopped
        docx = client.get(reverse("api:report-draft-docx", args=[draft.pk]))
        assert b"".join(docx.streaming_content)[:2] == b"PK"
        preview = client.get(reverse("api:report-draft-html", args=[draft.pk]))
        assert preview["X-Frame-Options"] == "SAMEORIGIN"

    def test_a_running_draft_is_polled(self, client, cast):
        from apps.reports.models import ReportDraft

        draft = ReportDraft.objects.create(year=2025, version=1, state="running", percent=40,
                                           current_section="Annex II")  # fmt: skip
        html = page(client, cast.reader, reverse("web:report-status", args=[draft.pk]))
        assert 'hx-trigger="every 1s"' in html
        assert "40%" in html and "Annex II" in html

    def test_only_the_secretariat_may_request(self, client, cast):
        from apps.reports.models import ReportDraft

        html = page(client, cast.cochair_twg, reverse("web:reports"))
        assert "Draft the report" not in html
        response = client.post(reverse("web:report-request"), {"year": 2025})
        assert response.status_code == 403
        assert not ReportDraft.objects.exists()

    def test_the_drafts_list_is_paged_newest_first(self, client, cast):
        from apps.reports.models import ReportDraft

        ReportDraft.objects.bulk_create(
            ReportDraft(year=2010 + n // 2, version=1 + n % 2, state="done", checksum="0" * 64)
            for n in range(30)
        )
        first = page(client, cast.reader, reverse("web:reports"))
        assert first.count("v1</td>") + first.count("v2</td>") == 25
        assert first.index(">2024</a>") < first.index(">2023</a>")  # newest year first
        assert "Page 1 of 2" in first and "page=2" in first
        second = page(client, cast.reader, reverse("web:reports"), page=2)
        assert second.count("v1</td>") + second.count("v2</td>") == 5
        assert ">2010</a>" in second and ">2024</a>" not in second


@pytest.mark.parametrize("url", ["/", "/deliverables/", "/api/docs/"])
def test_no_page_loads_an_asset_from_another_site(client, cast, url):
    import re

    html = page(client, cast.reader, url)
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert [u for u in external if not u.startswith("http://testserver")] == []


def test_an_unknown_deliverable_is_404(client, cast):
    client.force_login(cast.reader)
    assert client.get("/deliverables/999999/").status_code == 404


class TestScaleLimits:
    """Lists that would grow with the record show a bounded part and say how much there is."""

    def test_a_broad_search_says_it_matched_more_than_it_counts(self, client, cast, monkeypatch):
        from apps.web.views.deliverables import SearchPaginator

        monkeypatch.setattr(SearchPaginator, "CAP", 3)
        for number in range(5):
            cast.deliverable("drafting", title=f"Lunar study {number}")
        html = page(client, cast.reader, "/deliverables/", q="lunar")
        assert "More than 3 deliverables match: add words or filters" in html
        assert html.count("Lunar study") == 3  # the first CAP matches can be paged through
        narrow = page(client, cast.reader, "/deliverables/", q="study 4")
        assert "1 deliverable ·" in narrow

    def test_home_lists_show_ten_rows_their_total_and_a_link_to_all(self, client, cast):
        for number in range(12):
            cast.deliverable("submitted", title=f"Submitted paper {number:02d}")
        html = page(client, cast.secretariat, "/")
        shown = html.split('id="to-open"')[1].split('id="closing"')[0]
        assert shown.count("Submitted paper") == 10
        assert "10 of 12" in shown
        assert 'href="/deliverables/?state=submitted&sort=target">see all 12' in shown

    def test_the_deliverable_history_is_shown_a_page_at_a_time(self, client, cast):
        from apps.deliverables.services import deliverable_update_progress

        deliverable = cast.deliverable("drafting", title="Long-lived plan")
        for percent in range(1, 31):
            deliverable.refresh_from_db()
            deliverable_update_progress(
                deliverable=deliverable,
                actor=cast.cochair_twg,
                expected_version=deliverable.version,
                reason=f"Step {percent}",
                percent_complete=percent,
            )
        first = page(client, cast.reader, f"/deliverables/{deliverable.pk}/")
        assert "Step 30" in first and "Step 5<" not in first
        assert "Changes 1\u201325 of" in first and "older \u2192" in first
        older = page(client, cast.reader, f"/deliverables/{deliverable.pk}/", history_page=2)
        assert "Step 5" in older and "Step 30" not in older

    def test_the_cached_status_chart_follows_every_change(self, client, cast):
        from apps.deliverables.services import deliverable_transition

        deliverable = cast.deliverable("drafting", title="Chart check")
        assert "TWG: 1 drafting." in page(client, cast.reader, "/groups/")
        deliverable_transition(
            deliverable=deliverable, actor=cast.cochair_twg, to="wg_review", reason="Ready"
        )
        assert "TWG: 1 WG review." in page(client, cast.reader, "/groups/")
        cast.deliverable("planned", title="Another", lead_group=cast.swg)
        html = page(client, cast.reader, "/overview/")
        assert "TWG: 1 WG review." in html and "SWG: 1 planned." in html
