"""A deliverable's text on the pages: the Text section, uploading (and who may), marking,
retrying, downloading, comparing two revisions, and the revision a round is on."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.documents.models import Revision
from apps.documents.services import revision_upload
from apps.plenary.models import ConsensusRound
from apps.plenary.services import consensus_round_open
from tests import factories
from tests.documents.samples import PDF_BYTES, docx_bytes, upload

pytestmark = pytest.mark.django_db

MAY_UPLOAD = ["cochair", "secretariat"]
MAY_NOT = ["other_cochair", "delegate", "reader"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def uploaded(deliverable, actor, *paragraphs, note="A draft", capture=None) -> Revision:
    """A revision uploaded through the service, its text extracted when `capture` is given
    (django_capture_on_commit_callbacks: the extraction runs after the upload commits)."""

    def send():
        return revision_upload(
            deliverable=deliverable,
            actor=actor,
            file=upload("text.docx", docx_bytes(*paragraphs)),
            note=note,
        )

    if capture is None:
        return send()
    with capture(execute=True):
        revision = send()
    revision.refresh_from_db()
    return revision


def get(client, user, url, status=200, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == status, response.content[:800]
    return html.unescape(response.content.decode())


def text_section(page: str) -> str:
    return page[page.index('<h2 id="text">') : page.index('<h2 id="rounds">')]


class TestTextSection:
    @pytest.mark.parametrize("role", MAY_UPLOAD + MAY_NOT)
    def test_lists_the_revisions_and_offers_the_upload_to_its_editors_only(
        self, client, cast, role
    ):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "First.", note="First full draft")
        uploaded(deliverable, cast.secretariat, "Second.", note="Chapter 3 rewritten")
        section = text_section(get(client, cast.by_role(role), deliverable.get_absolute_url()))
        assert "First full draft" in section and "Chapter 3 rewritten" in section
        assert section.index("Chapter 3 rewritten") < section.index("First full draft")
        assert "by cochair-twg" in section and "by secretariat" in section
        assert reverse("web:revision-file", args=[deliverable.pk, 1]) in section
        assert f"{reverse('web:revision-diff', args=[deliverable.pk])}?from=0&to=1" in section
        assert "draft (no round open)" in section and "waiting" in section
        may = role in MAY_UPLOAD
        assert ("Upload a revision" in section) is may
        assert ('enctype="multipart/form-data"' in section) is may
        assert ("Mark superseded or withdrawn" in section) is may
        assert 'name="kind"' not in section  # no round open: no kind asked

    def test_a_failed_extraction_shows_its_error_and_a_retry_for_editors(self, client, cast):
        deliverable = cast.deliverable("drafting")
        factories.RevisionFactory(
            deliverable=deliverable, number=0, text_state="failed", text_error="Worker gone."
        )
        retry = reverse("web:revision-retry", args=[deliverable.pk, 0])
        for role in MAY_UPLOAD:
            section = text_section(get(client, cast.by_role(role), deliverable.get_absolute_url()))
            assert 'failed: <span class="errorlist">Worker gone.</span>' in section
            assert retry in section
        for role in MAY_NOT:
            section = text_section(get(client, cast.by_role(role), deliverable.get_absolute_url()))
            assert "Worker gone." in section and retry not in section

    def test_costs_the_same_queries_for_more_revisions(
        self, client, cast, django_assert_max_num_queries
    ):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "One.")
        client.force_login(cast.cochair_twg)
        client.get(deliverable.get_absolute_url())  # the session and per-process caches
        with django_assert_max_num_queries(40) as one:
            client.get(deliverable.get_absolute_url())
        for n in range(4):
            uploaded(deliverable, cast.cochair_twg, f"Text {n}.")
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = client.get(deliverable.get_absolute_url()).content.decode()
        assert "Download 04" in page

    def test_no_upload_form_once_published(self, client, cast):
        deliverable = cast.deliverable("published", published_on=datetime.date(2025, 1, 1))
        page = get(client, cast.secretariat, deliverable.get_absolute_url())
        assert "No revision of the text has been uploaded yet." in page
        assert "Upload a revision" not in page


class TestUpload:
    @pytest.mark.parametrize("role", MAY_UPLOAD)
    def test_an_editor_uploads_and_is_told(self, client, cast, role):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.by_role(role))
        response = client.post(
            reverse("web:revision-upload", args=[deliverable.pk]),
            {"file": upload("draft.pdf", PDF_BYTES), "note": "First draft"},
            follow=True,
        )
        assert response.redirect_chain[-1] == (deliverable.get_absolute_url() + "#text", 302)
        assert "Revision 00 uploaded" in response.content.decode()
        revision = deliverable.revisions.get()
        assert (revision.number, revision.note, revision.content_type) == (
            0,
            "First draft",
            "application/pdf",
        )
        assert revision.uploaded_by == cast.by_role(role)

    @pytest.mark.parametrize("role", MAY_NOT)
    def test_anyone_else_is_refused_and_nothing_is_stored(self, client, cast, media, role):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.by_role(role))
        response = client.post(
            reverse("web:revision-upload", args=[deliverable.pk]),
            {"file": upload("draft.pdf", PDF_BYTES), "note": "Forged"},
        )
        assert response.status_code == 403
        assert "Only the co-chairs of TWG and the secretariat" in response.content.decode()
        assert not deliverable.revisions.exists()
        assert not any(p.is_file() for p in media.rglob("*"))

    def test_a_wrong_type_shows_the_services_message_and_keeps_the_form(self, client, cast):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.cochair_twg)
        response = client.post(
            reverse("web:revision-upload", args=[deliverable.pk]),
            {"file": upload("report.docx", PDF_BYTES), "note": "Keep this note"},
        )
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        field_at = page.index('name="file"')
        message = "“report.docx” is named as a Word document (.docx) but its bytes are a PDF"
        assert message in page[field_at : field_at + 1200]
        assert ">\nKeep this note</textarea>" in page
        assert not deliverable.revisions.exists()

    def test_a_published_deliverable_takes_none(self, client, cast):
        deliverable = cast.deliverable("published", published_on=datetime.date(2025, 1, 1))
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:revision-upload", args=[deliverable.pk]),
            {"file": upload("late.pdf", PDF_BYTES), "note": "Too late"},
            follow=True,
        )
        assert "its text is final, so it takes no new revision" in response.content.decode()
        assert not deliverable.revisions.exists()

    def test_a_missing_file_and_note_are_explained(self, client, cast):
        deliverable = cast.deliverable("drafting")
        client.force_login(cast.cochair_twg)
        response = client.post(reverse("web:revision-upload", args=[deliverable.pk]), {})
        assert response.status_code == 400
        assert response.content.decode().count("This field is required.") == 2

    def test_during_a_round_it_asks_the_kind_and_an_editorial_revision_keeps_the_round(
        self, client, cast, django_capture_on_commit_callbacks
    ):
        deliverable = cast.deliverable("submitted")
        first = uploaded(deliverable, cast.cochair_twg, "Text.")
        round = consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="plenary",
        )
        url = reverse("web:revision-upload", args=[deliverable.pk])
        page = get(client, cast.cochair_twg, deliverable.get_absolute_url())
        assert 'name="kind"' in page and 'name="reason"' in page
        no_kind = client.post(url, {"file": upload("t.pdf", PDF_BYTES), "note": "Typos"})
        assert no_kind.status_code == 400
        page = html.unescape(no_kind.content.decode())
        kind_at = page.index('name="kind"')
        assert "say whether this revision is 'substantive'" in page[kind_at : kind_at + 1500]
        assert deliverable.revisions.count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(
                url,
                {"file": upload("t.pdf", PDF_BYTES), "note": "Typos", "kind": "editorial",
                 "reason": "Only typos fixed"},
                follow=True,
            )  # fmt: skip
        assert "The round goes on, on this revision" in done.content.decode()
        round.refresh_from_db()
        assert round.state == "open" and round.revision.number == first.number + 1


class TestMarkAndRetry:
    def test_an_editor_marks_a_revision_with_a_reason(self, client, cast):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "Text.")
        client.force_login(cast.cochair_twg)
        url = reverse("web:revision-status", args=[deliverable.pk, 0])
        response = client.post(url, {"status": "withdrawn", "reason": "Wrong file"}, follow=True)
        assert "Revision 00 marked withdrawn." in response.content.decode()
        revision = deliverable.revisions.get()
        assert (revision.status, revision.status_reason) == ("withdrawn", "Wrong file")
        assert "Mark superseded or withdrawn" not in text_section(response.content.decode())

    def test_without_a_reason_nothing_changes(self, client, cast):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "Text.")
        client.force_login(cast.cochair_twg)
        url = reverse("web:revision-status", args=[deliverable.pk, 0])
        response = client.post(url, {"status": "withdrawn"}, follow=True)
        assert "give the new status and a reason" in response.content.decode()
        assert deliverable.revisions.get().status == "current"

    def test_the_text_a_round_decides_on_stays_current(self, client, cast):
        deliverable = cast.deliverable("submitted")
        uploaded(deliverable, cast.cochair_twg, "Text.")
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="plenary",
        )
        page = get(client, cast.secretariat, deliverable.get_absolute_url())
        assert "Mark superseded or withdrawn" not in text_section(page)
        response = client.post(
            reverse("web:revision-status", args=[deliverable.pk, 0]),
            {"status": "superseded", "reason": "Try"},
            follow=True,
        )
        assert "is the text a round is deciding on" in html.unescape(response.content.decode())
        assert deliverable.revisions.get().status == "current"

    @pytest.mark.parametrize("role", MAY_NOT)
    def test_others_may_not_mark_or_retry(self, client, cast, role):
        deliverable = cast.deliverable("drafting")
        factories.RevisionFactory(deliverable=deliverable, number=0, text_state="failed")
        client.force_login(cast.by_role(role))
        marked = client.post(
            reverse("web:revision-status", args=[deliverable.pk, 0]),
            {"status": "withdrawn", "reason": "Forged"},
        )
        retried = client.post(reverse("web:revision-retry", args=[deliverable.pk, 0]))
        assert (marked.status_code, retried.status_code) == (403, 403)
        revision = deliverable.revisions.get()
        assert (revision.status, revision.text_state) == ("current", "failed")

    def test_a_retry_asks_for_the_text_again(
        self, client, cast, django_capture_on_commit_callbacks
    ):
        deliverable = cast.deliverable("drafting")
        revision = uploaded(deliverable, cast.cochair_twg, "Recovered text.")
        Revision.objects.filter(pk=revision.pk).update(text_state="failed", text_error="Down")
        client.force_login(cast.secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("web:revision-retry", args=[deliverable.pk, 0]), follow=True
            )
        assert "being extracted again" in response.content.decode()
        revision.refresh_from_db()
        assert (revision.text_state, revision.text) == ("done", "Recovered text.")


class TestDownload:
    def test_the_file_comes_as_an_attachment_nothing_runs_or_sniffs(self, client, cast):
        deliverable = cast.deliverable("drafting")
        content = docx_bytes("Some text.")
        revision = revision_upload(
            deliverable=deliverable,
            actor=cast.cochair_twg,
            file=upload("My draft.docx", content),
            note="n",
        )
        client.force_login(cast.reader)
        response = client.get(reverse("web:revision-file", args=[deliverable.pk, 0]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"] == (
            f'attachment; filename="deliverable-{deliverable.pk}-rev-00.docx"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["ETag"] == f'"{revision.sha256}"'
        assert response["Content-Type"] == revision.content_type

    def test_signed_in_people_only_and_unknown_numbers_are_404(self, client, cast):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "Text.")
        url = reverse("web:revision-file", args=[deliverable.pk, 0])
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
        client.force_login(cast.reader)
        assert client.get(reverse("web:revision-file", args=[deliverable.pk, 7])).status_code == 404


class TestDiff:
    def test_shows_what_changed_with_both_revisions_facts(
        self, client, cast, django_capture_on_commit_callbacks
    ):
        deliverable = cast.deliverable("drafting")
        capture = django_capture_on_commit_callbacks
        uploaded(deliverable, cast.cochair_twg, "Intro.", "The Moon first.", "Old end.",
                 note="Draft", capture=capture)  # fmt: skip
        uploaded(deliverable, cast.secretariat, "Intro.", "The Moon and Mars first.", "New.",
                 note="After WG review", capture=capture)  # fmt: skip
        url = reverse("web:revision-diff", args=[deliverable.pk])
        page = get(client, cast.delegates["NASA"], url, **{"from": 0, "to": 1})
        assert "Changes from revision 00 to 01" in page
        assert "<ins>and Mars </ins>" in page or "<ins> and Mars</ins>" in page
        assert '<p class="diff-delete"><del>Old end.</del></p>' in page
        assert '<p class="diff-insert"><ins>New.</ins></p>' in page
        assert "Draft" in page and "After WG review" in page
        assert "by cochair-twg" in page and "by secretariat" in page
        assert '<label for="diff-from">' in page and '<label for="diff-to">' in page
        # Without numbers: the latest against the one before.
        assert "Changes from revision 00 to 01" in get(client, cast.reader, url)

    def test_hostile_text_comes_out_escaped(self, client, cast, django_capture_on_commit_callbacks):
        deliverable = cast.deliverable("drafting")
        capture = django_capture_on_commit_callbacks
        uploaded(deliverable, cast.cochair_twg, "Harmless.", capture=capture)
        uploaded(deliverable, cast.cochair_twg, "Harmless.", "<script>alert(1)</script>",
                 note="<b>bold</b>", capture=capture)  # fmt: skip
        client.force_login(cast.reader)
        response = client.get(reverse("web:revision-diff", args=[deliverable.pk]))
        raw = response.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
        assert "<script>alert" not in raw and "<b>bold</b>" not in raw
        assert "&lt;b&gt;bold&lt;/b&gt;" in raw

    def test_a_text_not_extracted_yet_is_said_so(self, client, cast):
        deliverable = cast.deliverable("drafting")
        uploaded(deliverable, cast.cochair_twg, "One.")
        uploaded(deliverable, cast.cochair_twg, "Two.")  # no extraction ran: both waiting
        page = get(client, cast.reader, reverse("web:revision-diff", args=[deliverable.pk]))
        assert "Revision 00's text is not extracted yet (waiting)" in page
        assert "Revision 01's text is not extracted yet" in page
        assert 'class="revision-diff"' not in page

    def test_unknown_numbers_and_nonsense_are_explained(self, client, cast):
        deliverable = cast.deliverable("drafting", title="Gap report")
        uploaded(deliverable, cast.cochair_twg, "One.")
        url = reverse("web:revision-diff", args=[deliverable.pk])
        page = get(client, cast.reader, url, status=404, **{"from": 0, "to": 9})
        assert "'Gap report' has no revision 09: its revisions are 00 to 00." in page
        page = get(client, cast.reader, url, status=400, **{"from": "first"})
        assert "Give the revisions to compare by their numbers" in page
        assert "only one revision so far" in get(client, cast.reader, url)
        assert "Pick two different revisions" in get(client, cast.reader, url, to=0, **{"from": 0})
        empty = cast.deliverable("drafting")
        page = get(client, cast.reader, reverse("web:revision-diff", args=[empty.pk]))
        assert "No revision of this deliverable has been uploaded yet." in page


class TestChangesSinceLastLooked:
    def test_offered_once_a_newer_revision_exists_and_gone_once_read(
        self, client, cast, django_capture_on_commit_callbacks
    ):
        deliverable = cast.deliverable("drafting")
        capture = django_capture_on_commit_callbacks
        uploaded(deliverable, cast.cochair_twg, "One.", capture=capture)
        page_url = deliverable.get_absolute_url()
        assert "the newest you have opened" not in get(client, cast.reader, page_url)
        client.get(reverse("web:revision-file", args=[deliverable.pk, 0]))
        assert "the newest you have opened" not in get(client, cast.reader, page_url)
        uploaded(deliverable, cast.cochair_twg, "One and two.", capture=capture)
        uploaded(deliverable, cast.cochair_twg, "One, two, three.", capture=capture)
        page = get(client, cast.reader, page_url)
        since = f"{reverse('web:revision-diff', args=[deliverable.pk])}?from=0&to=2"
        assert f'<a href="{since}">Changes since revision 00, the newest you have opened' in page
        assert "the newest you have opened" not in get(client, cast.sam, page_url)  # per person
        client.force_login(cast.reader)
        assert "Changes from revision 00 to 02" in get(client, cast.reader, since)
        assert "the newest you have opened" not in get(client, cast.reader, page_url)


class TestRoundPage:
    def test_shows_its_revision_and_positions_given_on_an_earlier_one(self, client, cast):
        deliverable = cast.deliverable("in_consensus")
        zero = uploaded(deliverable, cast.cochair_twg, "Text.")
        one = uploaded(deliverable, cast.cochair_twg, "Text, edited.")
        earlier = factories.ConsensusRoundFactory(
            deliverable=deliverable, state="cancelled", closed_at=timezone.now(),
            revision=zero, revision_sha256=zero.sha256,
            opened_at=timezone.now() - datetime.timedelta(days=30),
        )  # fmt: skip
        round = factories.ConsensusRoundFactory(
            deliverable=deliverable, revision=one, revision_sha256=one.sha256
        )
        round.eligible_agencies.set(cast.agencies.values())
        factories.PositionFactory(round=round, agency=cast.agencies["ESA"], revision=zero)
        factories.PositionFactory(round=round, agency=cast.agencies["NASA"], revision=one)
        page = get(client, cast.delegates["JAXA"], round.get_absolute_url())
        assert "revision 01" in page and one.sha256 in page
        assert reverse("web:revision-file", args=[deliverable.pk, 1]) in page
        diff = f"{reverse('web:revision-diff', args=[deliverable.pk])}?from=0&to=1"
        assert (
            f'<a href="{diff}">changes since revision 00, the text of round #{earlier.pk}' in page
        )
        rows = {row.split("</td>")[0].split(">")[-1]: row for row in page.split("<tr>")[2:]}
        assert "given on revision 00" in rows["ESA"]
        assert "given on revision" not in rows["NASA"]

    def test_a_round_from_the_record_has_no_revision(self, client, cast):
        round = factories.ConsensusRoundFactory(deliverable=cast.deliverable("in_consensus"))
        page = get(client, cast.reader, round.get_absolute_url())
        assert "no revision in the tracker" in page

    def test_the_secretariat_opens_a_round_on_the_revision_it_picks(self, client, cast):
        deliverable = cast.deliverable("submitted")
        uploaded(deliverable, cast.cochair_twg, "Text.", note="The WG's text")
        uploaded(deliverable, cast.cochair_twg, "Text, later.", note="A later one")
        page = get(client, cast.secretariat, deliverable.get_absolute_url())
        picker = page[page.index('name="revision"') :]
        picker = picker[: picker.index("</select>")]
        assert "the latest current revision" in picker and "00 — The WG's text" in picker
        response = client.post(
            reverse("web:round-open", args=[deliverable.pk]),
            {"channel": "plenary", "revision": "0"},
        )
        assert response.status_code == 302
        round = ConsensusRound.objects.get(deliverable=deliverable)
        assert round.revision.number == 0 and round.revision_sha256 == round.revision.sha256

    def test_by_default_the_latest_current_revision(self, client, cast):
        deliverable = cast.deliverable("submitted")
        uploaded(deliverable, cast.cochair_twg, "Text.")
        uploaded(deliverable, cast.cochair_twg, "Text, later.")
        client.force_login(cast.secretariat)
        client.post(reverse("web:round-open", args=[deliverable.pk]), {"channel": "plenary"})
        assert ConsensusRound.objects.get(deliverable=deliverable).revision.number == 1


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_through_a_real_gunicorn(cast, tmp_path):
    """The multipart form as a browser posts it (signed in, the page's CSRF token) to gunicorn
    with production settings; the text is extracted once the upload commits."""
    from django.db import connection

    from tests.integration.test_real_servers import PASSWORD, Client, redirected
    from tests.reliability.conftest import database_url
    from tests.reliability.servers import gunicorn, python_env, stop

    if connection.vendor != "postgresql":
        pytest.skip("the server shares this test's PostgreSQL database")
    cast.cochair_twg.set_password(PASSWORD)
    cast.cochair_twg.save()
    deliverable = cast.deliverable("drafting")
    log = tmp_path / "gunicorn.log"
    # No broker: the server runs the extraction itself after the upload commits.
    env = python_env(
        DATABASE_URL=database_url(), REDIS_URL=None, CACHE_URL=None, MEDIA_ROOT=str(tmp_path)
    )
    process, base = gunicorn(env, log, workers=1)
    try:
        browser = Client(base, []).sign_in(cast.cochair_twg.username)
        page = deliverable.get_absolute_url()
        action = reverse("web:revision-upload", args=[deliverable.pk])
        form = browser.form(page, action)
        assert "note" in form.fields and "csrfmiddlewaretoken" in form.fields
        content = docx_bytes("Sent through gunicorn.")
        response = browser.request(
            "POST",
            action,
            data={**form.fields, "note": "Through the real server"},
            files={"file": ("Gap report.docx", content, "application/octet-stream")},
            headers={"Origin": base, "Referer": base + page},
        )
        shown = redirected(browser, response, page, "upload a revision")
        assert "Revision 00 uploaded" in shown
        download = browser.request("GET", reverse("web:revision-file", args=[deliverable.pk, 0]))
        assert download.status_code == 200 and download.content == content
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        stop(process)
    revision = deliverable.revisions.get()
    assert (revision.note, revision.uploaded_by, revision.size) == (
        "Through the real server",
        cast.cochair_twg,
        len(content),
    )
    assert (revision.text_state, revision.text) == ("done", "Sent through gunicorn.")
    assert "Traceback" not in log.read_text()


def test_the_page_names_the_approved_text_or_says_it_is_not_in_the_tracker(cast, client):
    from apps.deliverables.services import deliverable_transition
    from apps.plenary.services import consensus_round_open, position_record

    deliverable = cast.deliverable("submitted")
    one = uploaded(deliverable, cast.cochair_twg, "Final text")
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    for acronym in ("ESA", "JAXA", "NASA"):
        position_record(round=round, actor=cast.delegates[acronym],
                        agency=cast.agencies[acronym], position="concur")  # fmt: skip
    client.force_login(cast.reader)
    page = client.get(deliverable.get_absolute_url()).content.decode()
    assert "Approved text" in page and f"SHA-256 {one.sha256}" in page
    legacy = cast.deliverable("approved")
    deliverable_transition(deliverable=legacy, actor=cast.secretariat, to="published",
                           reason="Out", published_on=datetime.date(2026, 5, 4),
                           link="https://www.globalspaceexploration.org/x")  # fmt: skip
    page = client.get(legacy.get_absolute_url()).content.decode()
    assert "not in the tracker: published at the link above" in page


def test_the_deliverables_list_finds_a_product_by_its_text(
    cast, client, django_capture_on_commit_callbacks
):
    deliverable = cast.deliverable("drafting", title="Gap report")
    uploaded(deliverable, cast.cochair_twg, "Regolith handling is the open question",
             capture=django_capture_on_commit_callbacks)  # fmt: skip
    client.force_login(cast.reader)
    page = client.get("/deliverables/?q=regolith handling").content.decode()
    assert "Gap report" in page
