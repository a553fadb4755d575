"""Comments on a revision (threaded, with their forms) and objections on the round page (each
item, its answer forms, the previous round's resolution log, and the next round held back)."""

import html

import pytest
from django.urls import reverse

from apps.deliverables.models import Deliverable
from apps.documents.comments import comment_post
from apps.documents.models import Comment, Revision
from apps.plenary.models import ConsensusRound, Objection
from apps.plenary.services import consensus_round_open, position_record
from tests import factories

pytestmark = pytest.mark.django_db

COMMENTERS = ["cochair", "other_cochair", "delegate", "secretariat"]
NOT_COMMENTERS = ["reader", "sam"]


def get(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:800]
    return html.unescape(response.content.decode())


def revision_of(deliverable, number=0, text="The Moon first. Then Mars.") -> Revision:
    return factories.RevisionFactory(
        deliverable=deliverable, number=number, text_state="done", text=text
    )


def comments_url(revision: Revision) -> str:
    return reverse("web:revision-comments", args=[revision.deliverable_id, revision.number])


def section(page: str, start: str, end: str | None = None) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin) if end else None]


# --- comments --------------------------------------------------------------------------------


class TestCommentsPage:
    @pytest.mark.parametrize("role", COMMENTERS + NOT_COMMENTERS)
    def test_threads_with_quotes_and_the_forms_for_commenters_only(self, client, cast, role):
        revision = revision_of(cast.deliverable("wg_review"))
        first = comment_post(revision=revision, actor=cast.delegates["ESA"],
                             body="Say when.", quote="The Moon first.")  # fmt: skip
        comment_post(revision=revision, actor=cast.delegates["JAXA"], body="A second thread.")
        comment_post(revision=revision, actor=cast.cochair_twg, body="In 2030.", parent=first)
        page = get(client, cast.by_role(role), comments_url(revision))
        thread = section(page, f'<li class="comment" id="comment-{first.pk}">', "A second thread")
        assert "<blockquote>The Moon first.</blockquote>" in thread
        assert "Say when." in thread and "delegate-esa" in thread
        # The reply is inside its parent's item, in a nested list.
        assert '<ol class="replies">' in thread and "In 2030." in thread
        assert thread.index("Say when.") < thread.index("In 2030.")
        may = role in COMMENTERS
        assert ("Comment on revision 00" in page) is may
        assert ('name="quote"' in page) is may
        assert page.count("Post the reply") == (3 if may else 0)

    def test_no_form_outside_wg_review_and_consensus(self, client, cast):
        revision = revision_of(cast.deliverable("drafting", title="Gap report"))
        page = get(client, cast.cochair_twg, comments_url(revision))
        assert "'Gap report' is drafting: revisions take comments during WG review" in page
        assert 'name="body"' not in page
        response = client.post(comments_url(revision), {"body": "Forged"}, follow=True)
        assert "revisions take comments during WG review and consensus rounds only" in (
            html.unescape(response.content.decode())
        )
        assert not Comment.objects.exists()

    def test_the_text_section_links_each_revisions_comments_with_their_count(self, client, cast):
        deliverable = cast.deliverable("wg_review")
        zero, one = revision_of(deliverable, 0), revision_of(deliverable, 1)
        for body in ("One.", "Two."):
            comment_post(revision=one, actor=cast.delegates["NASA"], body=body)
        page = get(client, cast.reader, deliverable.get_absolute_url())
        assert f'<a href="{comments_url(one)}">Comments (2)</a>' in page
        assert f'<a href="{comments_url(zero)}">Comments (0)</a>' in page

    def test_unknown_revision_is_404(self, client, cast):
        deliverable = cast.deliverable("wg_review")
        url = reverse("web:revision-comments", args=[deliverable.pk, 3])
        get(client, cast.reader, url, status=404)


class TestCommentPost:
    @pytest.mark.parametrize("role", COMMENTERS)
    def test_a_commenter_posts_a_comment_with_a_quote(self, client, cast, role):
        revision = revision_of(cast.deliverable("in_consensus"))
        client.force_login(cast.by_role(role))
        response = client.post(
            comments_url(revision),
            {"body": "Add the dates.", "quote": "Then Mars."},
            follow=True,
        )
        comment = Comment.objects.get()
        assert response.redirect_chain[-1] == (
            f"{comments_url(revision)}#comment-{comment.pk}",
            302,
        )
        assert "Comment posted." in response.content.decode()
        assert (comment.author, comment.body, comment.quote) == (
            cast.by_role(role), "Add the dates.", "Then Mars.",
        )  # fmt: skip
        assert comment.deliverable_state == "in_consensus" and comment.parent is None

    def test_a_reply_threads_under_its_parent(self, client, cast):
        revision = revision_of(cast.deliverable("wg_review"))
        parent = comment_post(revision=revision, actor=cast.delegates["ESA"], body="Why?")
        client.force_login(cast.cochair_twg)
        response = client.post(
            comments_url(revision), {"body": "Because.", "parent": parent.pk}, follow=True
        )
        assert "Reply posted." in response.content.decode()
        assert list(parent.replies.values_list("body", flat=True)) == ["Because."]
        thread = section(response.content.decode(), f'id="comment-{parent.pk}"')
        assert thread.index('<ol class="replies">') < thread.index("Because.")

    @pytest.mark.parametrize("role", NOT_COMMENTERS)
    def test_a_reader_is_refused_and_nothing_is_stored(self, client, cast, role):
        revision = revision_of(cast.deliverable("wg_review"))
        client.force_login(cast.by_role(role))
        response = client.post(comments_url(revision), {"body": "Me too."})
        assert response.status_code == 403
        assert "Only co-chairs, delegates and the secretariat comment" in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_quote_not_in_the_text_is_said_at_the_field_and_the_form_kept(self, client, cast):
        revision = revision_of(cast.deliverable("wg_review"))
        client.force_login(cast.delegates["NASA"])
        response = client.post(
            comments_url(revision), {"body": "Keep this body", "quote": "Venus first."}
        )
        assert response.status_code == 400
        page = html.unescape(response.content.decode())
        quote_at = page.index('name="quote"')
        assert "The quoted passage is not in revision 00's text" in page[quote_at : quote_at + 900]
        assert ">\nKeep this body</textarea>" in page and ">\nVenus first.</textarea>" in page
        assert not Comment.objects.exists()

    def test_a_refused_reply_is_shown_again_under_its_comment(self, client, cast):
        revision = revision_of(cast.deliverable("wg_review"))
        parent = comment_post(revision=revision, actor=cast.delegates["ESA"], body="Why?")
        client.force_login(cast.cochair_twg)
        response = client.post(comments_url(revision), {"body": "", "parent": parent.pk})
        assert response.status_code == 400
        thread = section(html.unescape(response.content.decode()), f'id="comment-{parent.pk}"')
        assert '<details class="move" open>' in thread and "This field is required." in thread
        assert not parent.replies.exists()

    def test_a_reply_to_another_revisions_comment_is_refused(self, client, cast):
        deliverable = cast.deliverable("wg_review")
        zero, one = revision_of(deliverable, 0), revision_of(deliverable, 1)
        elsewhere = comment_post(revision=zero, actor=cast.delegates["ESA"], body="On 00.")
        client.force_login(cast.cochair_twg)
        response = client.post(
            comments_url(one), {"body": "Hm.", "parent": elsewhere.pk}, follow=True
        )
        assert "A reply answers a comment on the same revision." in response.content.decode()
        assert not one.comments.exists()

    def test_hostile_text_comes_out_escaped(self, client, cast):
        revision = revision_of(cast.deliverable("wg_review"), text="<b>x</b> text")
        client.force_login(cast.delegates["NASA"])
        client.post(
            comments_url(revision), {"body": "<script>alert(1)</script>", "quote": "<b>x</b>"}
        )
        raw = client.get(comments_url(revision)).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
        assert "<script>alert" not in raw
        assert "<blockquote>&lt;b&gt;x&lt;/b&gt;</blockquote>" in raw


# --- objections ------------------------------------------------------------------------------


def objected(cast, *, rationale="Chapter 2 misstates our plans."):
    """A deliverable whose round on revision 00 closed objected by NASA (ESA and JAXA concur),
    with revision 01 uploaded since; back to submitted for the next round."""
    deliverable = cast.deliverable("submitted")
    revision_of(deliverable, 0)
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="plenary",
    )
    for acronym, kind in (("NASA", "object"), ("ESA", "concur"), ("JAXA", "concur")):
        position_record(
            round=round,
            actor=cast.delegates[acronym],
            agency=cast.agencies[acronym],
            position=kind,
            rationale=rationale if kind == "object" else "",
        )
    round.refresh_from_db()
    assert (round.state, round.outcome) == ("closed", "objected")
    revision_of(deliverable, 1, text="Chapter 2 fixed.")
    Deliverable.objects.filter(pk=deliverable.pk).update(state="submitted")
    return deliverable, round, round.objections.get()


def answer(client, user, item, data, expect=400):
    client.force_login(user)
    response = client.post(reverse("web:objection-answer", args=[item.pk]), data)
    assert response.status_code == expect, response.content[:800]
    return html.unescape(response.content.decode())


def objections_section(page: str) -> str:
    return section(page, '<h2 id="objections">', "</section>")


class TestObjectionsOnTheRoundPage:
    @pytest.mark.parametrize(
        ("role", "offered"),
        [
            ("cochair", {"Mark resolved", "Mark not accepted"}),
            ("secretariat", {"Mark resolved", "Mark not accepted", "Withdraw the objection"}),
            ("delegate", {"Withdraw the objection"}),  # NASA's own
            ("other_cochair", set()),
            ("reader", set()),
            ("sam", set()),
        ],
    )
    def test_lists_each_item_and_the_answers_each_role_may_give(self, client, cast, role, offered):
        _, round, _item = objected(cast)
        shown = objections_section(get(client, cast.by_role(role), round.get_absolute_url()))
        assert "NASA — open" in shown and "Chapter 2 misstates our plans." in shown
        buttons = {"Mark resolved", "Mark not accepted", "Withdraw the objection"}
        assert {b for b in buttons if f">{b}</button>" in shown} == offered
        if "Mark resolved" in offered:  # only the revisions after the round's are offered
            picker = section(shown, 'name="revision"', "</select>")
            assert "01 — A revision." in picker and "00 — " not in picker

    def test_another_agencys_delegate_may_not_withdraw_it(self, client, cast):
        _, round, item = objected(cast)
        shown = objections_section(get(client, cast.delegates["ESA"], round.get_absolute_url()))
        assert "Withdraw the objection" not in shown
        page = answer(client, cast.delegates["ESA"], item, {"status": "withdrawn"}, expect=403)
        assert "only NASA's delegate, or the secretariat on its behalf may" in page
        assert Objection.objects.get().status == "open"

    def test_resolved_in_a_later_revision(self, client, cast):
        _, round, item = objected(cast)
        client.force_login(cast.cochair_twg)
        response = client.post(
            reverse("web:objection-answer", args=[item.pk]),
            {"status": "resolved", "revision": "1", "response": "Chapter 2 rewritten with NASA."},
            follow=True,
        )
        page = html.unescape(response.content.decode())
        assert response.redirect_chain[-1] == (round.get_absolute_url() + "#objections", 302)
        assert "NASA's objection marked resolved in revision 01." in page
        shown = objections_section(page)
        assert "Resolved in revision 01: Chapter 2 rewritten with NASA." in shown
        assert "by cochair-twg" in shown and "Mark resolved" not in shown
        item.refresh_from_db()
        assert (item.status, item.resolved_in.number, item.decided_by) == (
            "resolved", 1, cast.cochair_twg,
        )  # fmt: skip

    def test_resolving_in_an_earlier_revision_is_said_at_the_field_with_the_form_kept(
        self, client, cast
    ):
        _, _round, item = objected(cast)
        data = {"status": "resolved", "revision": "0", "response": "Keep this answer"}
        page = answer(client, cast.cochair_twg, item, data)
        shown = objections_section(page)
        at = shown.index('name="revision"')
        assert "The objection was raised on revision 00: it is resolved in a later revision, " \
            "not in 00." in shown[at : at + 1200]  # fmt: skip
        assert ">\nKeep this answer</textarea>" in shown
        assert '<details class="move" open>' in shown
        item.refresh_from_db()
        assert item.status == "open"

    def test_not_accepted_needs_the_reason(self, client, cast):
        _, round, item = objected(cast)
        page = answer(client, cast.secretariat, item, {"status": "not_accepted", "response": ""})
        shown = objections_section(page)
        at = shown.index('name="response"', shown.index("Mark not accepted"))
        assert "Say how the objection was answered" in shown[at : at + 800]
        assert Objection.objects.get().status == "open"
        data = {"status": "not_accepted", "response": "The plenary keeps chapter 2."}
        answer(client, cast.secretariat, item, data, expect=302)
        item.refresh_from_db()
        assert (item.status, item.response) == ("not_accepted", "The plenary keeps chapter 2.")
        shown = objections_section(get(client, cast.reader, round.get_absolute_url()))
        assert "NASA — not accepted" in shown and "The plenary keeps chapter 2." in shown

    def test_a_cochair_of_another_group_is_refused_and_nothing_changes(self, client, cast):
        _, _round, item = objected(cast)
        data = {"status": "not_accepted", "response": "Forged"}
        page = answer(client, cast.cochair_swg, item, data, expect=403)
        assert "only the co-chairs of TWG or the secretariat may" in page
        item.refresh_from_db()
        assert (item.status, item.response) == ("open", "")

    @pytest.mark.parametrize("role", ["delegate", "secretariat"])
    def test_the_agency_withdraws_it(self, client, cast, role):
        _, _round, item = objected(cast)
        answer(client, cast.by_role(role), item, {"status": "withdrawn"}, expect=302)
        item.refresh_from_db()
        assert (item.status, item.decided_by) == ("withdrawn", cast.by_role(role))

    @pytest.mark.parametrize("role", ["reader", "cochair"])
    def test_no_one_else_withdraws_it(self, client, cast, role):
        _, _round, item = objected(cast)
        page = answer(client, cast.by_role(role), item, {"status": "withdrawn"}, expect=403)
        assert "only NASA's delegate, or the secretariat on its behalf may" in page
        assert Objection.objects.get().status == "open"

    def test_an_answered_item_is_not_answered_again(self, client, cast):
        _, _round, item = objected(cast)
        answer(client, cast.secretariat, item, {"status": "withdrawn"}, expect=302)
        client.force_login(cast.secretariat)
        response = client.post(
            reverse("web:objection-answer", args=[item.pk]),
            {"status": "not_accepted", "response": "Late"},
            follow=True,
        )
        assert "NASA's objection is already withdrawn by the agency." in html.unescape(
            response.content.decode()
        )

    def test_hostile_rationale_comes_out_escaped(self, client, cast):
        _, round, _ = objected(cast, rationale="<script>alert(1)</script>")
        client.force_login(cast.reader)
        raw = client.get(round.get_absolute_url()).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert" not in raw


class TestNextRound:
    def test_refused_while_open_then_allowed_with_the_log_on_the_new_round(self, client, cast):
        deliverable, round, item = objected(cast)
        page = get(client, cast.secretariat, deliverable.get_absolute_url())
        held = section(page, 'id="open-objections"', "</div>")
        assert f"round #{round.pk}" in held and "1 objection is still open" in held
        assert "NASA: Chapter 2 misstates our plans." in held
        url = reverse("web:round-open", args=[deliverable.pk])
        refused = client.post(url, {"channel": "plenary"}, follow=True)
        assert "1 objection(s) are still open (NASA)" in html.unescape(refused.content.decode())
        assert ConsensusRound.objects.filter(deliverable=deliverable).count() == 1

        data = {"status": "resolved", "revision": "1", "response": "Fixed in 01."}
        answer(client, cast.cochair_twg, item, data, expect=302)
        page = get(client, cast.secretariat, deliverable.get_absolute_url())
        assert 'id="open-objections"' not in page
        client.post(url, {"channel": "plenary"})
        new = ConsensusRound.objects.filter(deliverable=deliverable).exclude(pk=round.pk).get()
        log = section(get(client, cast.reader, new.get_absolute_url()),
                      '<h2 id="resolution-log">', "</section>")  # fmt: skip
        assert f"Round #{round.pk}</a> was objected" in log
        assert "NASA" in log and "resolved in a revision" in log
        assert "Resolved in revision 01: Fixed in 01." in log and "by cochair-twg" in log
        # The objected round itself has no log of a round before it.
        assert "Resolution log" not in get(client, cast.reader, round.get_absolute_url())


# --- through a real server -------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_comment_through_a_real_gunicorn(cast, tmp_path):
    """The comment form as a browser posts it (signed in, the page's CSRF token) to gunicorn
    with production settings."""
    from django.db import connection

    from tests.integration.test_real_servers import PASSWORD, Client, redirected
    from tests.reliability.conftest import database_url
    from tests.reliability.servers import gunicorn, python_env, stop

    if connection.vendor != "postgresql":
        pytest.skip("the server shares this test's PostgreSQL database")
    delegate = cast.delegates["NASA"]
    delegate.set_password(PASSWORD)
    delegate.save()
    revision = revision_of(cast.deliverable("wg_review"))
    log = tmp_path / "gunicorn.log"
    env = python_env(
        DATABASE_URL=database_url(), REDIS_URL=None, CACHE_URL=None, MEDIA_ROOT=str(tmp_path)
    )
    process, base = gunicorn(env, log, workers=1)
    try:
        browser = Client(base, []).sign_in(delegate.username)
        page = comments_url(revision)
        response = browser.submit(
            page, page, {"body": "<script>alert(1)</script> Through gunicorn.",
                         "quote": "Then Mars."},
        )  # fmt: skip
        shown = redirected(browser, response, page, "post a comment")
        assert "Comment posted." in shown
        raw = browser.page(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Through gunicorn." in raw
        assert "<script>alert" not in raw and "<blockquote>Then Mars.</blockquote>" in raw
    finally:
        stop(process)
    comment = Comment.objects.get()
    assert (comment.author, comment.quote) == (delegate, "Then Mars.")
    assert "Traceback" not in log.read_text()


def test_the_pages_cost_the_same_queries_for_more_objections_and_comments(
    client, cast, django_assert_max_num_queries
):
    deliverable, round, _ = objected(cast)
    Deliverable.objects.filter(pk=deliverable.pk).update(state="wg_review")
    revision = Revision.objects.select_related("deliverable").get(deliverable=deliverable, number=1)
    comment_post(revision=revision, actor=cast.delegates["ESA"], body="One.")
    pages = [round.get_absolute_url(), comments_url(revision), deliverable.get_absolute_url()]
    client.force_login(cast.secretariat)
    for url in pages:
        client.get(url)  # the session and per-process caches
    counts = []
    for url in pages:
        with django_assert_max_num_queries(60) as counted:
            client.get(url)
        counts.append(len(counted.captured_queries))
    for acronym in ("ESA", "JAXA"):
        factories.ObjectionFactory(
            position__round=round, position__agency=cast.agencies[acronym], status="withdrawn"
        )
        parent = comment_post(revision=revision, actor=cast.delegates[acronym], body="Two.")
        comment_post(revision=revision, actor=cast.cochair_twg, body="Reply.", parent=parent)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
