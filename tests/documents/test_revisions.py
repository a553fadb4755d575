"""Revisions: who uploads them, how they are numbered and kept, what is refused (and that a
refusal changes nothing), and what a revision uploaded during a round does to it."""

import datetime
import hashlib

import pytest

from apps.core.errors import ApplicationError
from apps.documents.files import DOCX, ODT, PDF
from apps.documents.models import Revision
from apps.documents.services import revision_status_set, revision_upload
from apps.plenary.models import ConsensusRound, Position
from apps.plenary.services import consensus_round_open, position_record

from .samples import PDF_BYTES, docx_bytes, odt_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_revisions_are_numbered_from_00_and_keep_their_bytes_identity(cast, media):
    deliverable = cast.deliverable("drafting")
    first = docx_bytes("Lunar Surface Systems gap report", "Draft for WG review.")
    zero = revision_upload(
        deliverable=deliverable,
        actor=cast.cochair_twg,
        file=upload("LSS gap report.docx", first),
        note="First full draft",
    )
    one = revision_upload(
        deliverable=deliverable,
        actor=cast.secretariat,
        file=upload("LSS.pdf", PDF_BYTES),
        note="As PDF",
    )
    two = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("LSS.odt", odt_bytes()),
        note="As ODT",
    )  # fmt: skip
    assert [(r.label, r.content_type) for r in (zero, one, two)] == [
        ("00", DOCX),
        ("01", PDF),
        ("02", ODT),
    ]
    assert zero.sha256 == hashlib.sha256(first).hexdigest() and zero.size == len(first)
    assert (zero.uploaded_by, zero.original_name, zero.kind) == (
        cast.cochair_twg,
        "LSS gap report.docx",
        Revision.Kind.DRAFT,
    )
    assert zero.file.name == f"revisions/{deliverable.pk}/00-{zero.sha256[:16]}.docx"
    assert (media / zero.file.name).read_bytes() == first
    assert zero.history.get().history_change_reason == "Revision 00 uploaded: First full draft"
    assert zero.history.get().history_user == cast.cochair_twg


def test_a_name_with_a_path_never_reaches_the_storage(cast, media):
    deliverable = cast.deliverable("drafting")
    revision = revision_upload(
        deliverable=deliverable,
        actor=cast.cochair_twg,
        file=upload("../../etc/\x07passwd.docx", docx_bytes("x")),
        note="n",
    )
    assert revision.original_name == "passwd.docx"
    assert stored(media) == [revision.file.name]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("notes.txt", b"just text", "no type we recognise"),
        ("photo.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "a file of type image/png"),
        ("report.docx", PDF_BYTES, "named as a Word document (.docx) but its bytes are a PDF"),
        ("report", PDF_BYTES, "named as a “no” file but its bytes are a PDF"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_kept(
    cast, media, name, content, says
):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload(name, content), note="n"
        )
    assert says in refused.value.message
    if content:
        assert ".docx), an OpenDocument text (.odt) or a PDF" in refused.value.message or (
            "Rename it" in refused.value.message
        )
    assert Revision.objects.count() == 0 and stored(media) == []


def test_the_size_limit_is_named_in_the_refusal(cast, media, settings):
    settings.REVISION_MAX_MB = 1
    deliverable = cast.deliverable("drafting")
    big = PDF_BYTES + b"%" * (1024 * 1024)
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("big.pdf", big), note="n"
        )
    assert "at most 1 MB (REVISION_MAX_MB)" in refused.value.message
    assert Revision.objects.count() == 0 and stored(media) == []


def test_only_the_lead_groups_cochairs_and_the_secretariat_upload(cast, media):
    deliverable = cast.deliverable("drafting")
    for someone in (cast.cochair_swg, cast.delegates["ESA"], cast.reader, cast.sam):
        with pytest.raises(ApplicationError) as refused:
            revision_upload(
                deliverable=deliverable,
                actor=someone,
                file=upload("a.pdf", PDF_BYTES),
                note="n",
            )
        assert refused.value.code == "forbidden"
        assert "co-chairs of TWG" in refused.value.message
    assert Revision.objects.count() == 0 and stored(media) == []


@pytest.mark.parametrize("state", ["published", "withdrawn"])
def test_a_final_product_takes_no_new_revision(cast, media, state):
    deliverable = cast.deliverable(state, published_on=datetime.date(2025, 1, 1))
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.secretariat, file=upload("a.pdf", PDF_BYTES),
            note="n",
        )  # fmt: skip
    assert refused.value.code == "illegal_move" and "takes no new revision" in refused.value.message
    assert Revision.objects.count() == 0 and stored(media) == []


def test_a_note_is_required_and_a_kind_without_a_round_is_refused(cast, media):
    deliverable = cast.deliverable("drafting")
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
            note="  ",
        )  # fmt: skip
    assert "Say what changed" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
            note="n", kind="editorial", reason="typos",
        )  # fmt: skip
    assert "No consensus round is open" in refused.value.message
    assert Revision.objects.count() == 0 and stored(media) == []


# --- a round on a revision ---------------------------------------------------------------------


@pytest.fixture
def in_consensus(cast):
    deliverable = cast.deliverable("submitted")
    zero = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.docx", docx_bytes("v0")),
        note="first",
    )  # fmt: skip
    one = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.docx", docx_bytes("v1")),
        note="second",
    )  # fmt: skip
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    return deliverable, zero, one, round


def test_a_round_opens_on_the_latest_revision_or_the_one_named(cast, in_consensus):
    _deliverable, zero, one, round = in_consensus
    assert (round.revision, round.revision_sha256) == (one, one.sha256)
    other = cast.deliverable("submitted")
    with pytest.raises(ApplicationError) as refused:
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=other,
            actor=cast.secretariat,
            channel="written_procedure",
            revision=zero,
        )
    assert "is not a revision of" in refused.value.message


def test_a_position_says_which_revision_it_was_given_on(cast, in_consensus):
    _deliverable, _zero, one, round = in_consensus
    given = position_record(
        round=round, actor=cast.delegates["ESA"], agency=cast.agencies["ESA"], position="concur"
    )
    assert given.revision == one


def test_during_a_round_a_revision_must_say_substantive_or_editorial(cast, media, in_consensus):
    deliverable, *_ = in_consensus
    files_before = stored(media)
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
            note="n",
        )  # fmt: skip
    assert "say whether this revision is 'substantive'" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
            note="n", kind="editorial",
        )  # fmt: skip
    assert "Say why this revision is editorial" in refused.value.message
    assert Revision.objects.count() == 2 and stored(media) == files_before


def test_an_editorial_revision_keeps_the_round_on_the_new_text(
    cast, in_consensus, mailoutbox, django_capture_on_commit_callbacks
):
    deliverable, _zero, one, round = in_consensus
    position_record(
        round=round, actor=cast.delegates["ESA"], agency=cast.agencies["ESA"], position="concur"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        two = revision_upload(
            deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
            note="typos", kind="editorial", reason="Typos in annex B only",
        )  # fmt: skip
    told = [m for m in mailoutbox if "Editorial revision in the consensus round" in m.subject]
    # One mail per eligible agency (ESA's too: it may change its position), each to its own.
    assert len(told) == len(cast.agencies), [m.subject for m in mailoutbox]
    assert sorted(m.to for m in told) == sorted([d.email] for d in cast.delegates.values())
    for mail in told:
        assert "Revision 02 (a.pdf" in mail.body and "the round goes on" in mail.body
    round.refresh_from_db()
    assert (round.state, round.revision, round.revision_sha256) == ("open", two, two.sha256)
    assert Position.objects.get(round=round).revision == one  # given on revision 01
    assert two.kind == "editorial" and two.kind_reason == "Typos in annex B only"
    assert round.history.first().history_change_reason == (
        "Editorial revision 02: Typos in annex B only"
    )


def test_a_substantive_revision_cancels_the_round_and_the_product_goes_back(cast, in_consensus):
    deliverable, _zero, _one, round = in_consensus
    position_record(
        round=round, actor=cast.delegates["ESA"], agency=cast.agencies["ESA"], position="object",
        rationale="Section 3 misstates our plans",
    )  # fmt: skip
    revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.pdf", PDF_BYTES),
        note="Section 3 rewritten", kind="substantive", reason="Answers ESA's objection",
    )  # fmt: skip
    round.refresh_from_db()
    deliverable.refresh_from_db()
    assert round.state == ConsensusRound.State.CANCELLED
    assert "Substantive revision 02" in round.close_reason
    assert deliverable.state == "submitted"
    assert Position.objects.filter(round=round).count() == 1  # the positions stay


def test_a_revision_is_superseded_or_withdrawn_with_a_reason_never_the_one_decided_on(
    cast, in_consensus
):
    _deliverable, zero, one, _round = in_consensus
    with pytest.raises(ApplicationError) as refused:
        revision_status_set(revision=one, actor=cast.cochair_twg, status="withdrawn", reason="x")
    assert "a round is deciding on" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        revision_status_set(revision=zero, actor=cast.cochair_twg, status="superseded", reason="")
    assert "Say why revision 00 is superseded" in refused.value.message
    marked = revision_status_set(
        revision=zero, actor=cast.cochair_twg, status="superseded", reason="Replaced by 01"
    )
    assert (marked.status, marked.status_reason) == ("superseded", "Replaced by 01")
    assert marked.history.first().history_change_reason == "Revision 00 superseded: Replaced by 01"
    with pytest.raises(ApplicationError) as refused:
        revision_status_set(revision=zero, actor=cast.cochair_twg, status="withdrawn", reason="y")
    assert "already superseded" in refused.value.message
    with pytest.raises(ApplicationError) as refused:
        revision_status_set(revision=zero, actor=cast.reader, status="withdrawn", reason="y")
    assert refused.value.code == "forbidden"


# --- publication ------------------------------------------------------------------------------


def test_consensus_approves_the_rounds_revision_and_publishing_needs_it(cast, in_consensus):
    from apps.deliverables.services import deliverable_transition
    from apps.documents.selectors import approved_revision

    deliverable, _zero, one, round = in_consensus
    for acronym in ("ESA", "JAXA", "NASA"):
        position_record(
            round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
            position="concur",
        )  # fmt: skip
    deliverable.refresh_from_db()
    assert deliverable.state == "approved"
    assert approved_revision(deliverable) == one
    published = deliverable_transition(
        deliverable=deliverable, actor=cast.secretariat, to="published", reason="On the website",
        published_on=datetime.date(2026, 5, 4),
    )  # fmt: skip
    assert published.state == "published"
    assert approved_revision(published).sha256 == one.sha256 == round.revision_sha256


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("approved", "approved: the agencies agreed to its text"),
        ("sam_endorsement", "awaiting SAM endorsement"),
    ],
)
def test_an_agreed_text_takes_no_new_revision(cast, media, state, says):
    deliverable = cast.deliverable(state)
    with pytest.raises(ApplicationError) as refused:
        revision_upload(
            deliverable=deliverable, actor=cast.secretariat, file=upload("a.pdf", PDF_BYTES),
            note="late",
        )  # fmt: skip
    assert refused.value.code == "illegal_move" and says in refused.value.message
    assert Revision.objects.count() == 0 and stored(media) == []


def test_a_product_with_revisions_approved_on_no_revision_is_not_published(cast):
    """Only data loaded from elsewhere is in this state (an upload after approval is refused):
    the check holds whatever the data."""
    from apps.deliverables.services import deliverable_transition
    from tests.factories import RevisionFactory

    deliverable = cast.deliverable("submitted")
    round = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    assert round.revision is None  # no text in the tracker when it opened
    for acronym in ("ESA", "JAXA", "NASA"):
        position_record(
            round=round, actor=cast.delegates[acronym], agency=cast.agencies[acronym],
            position="no_objection",
        )  # fmt: skip
    RevisionFactory(deliverable=deliverable, number=0)
    with pytest.raises(ApplicationError) as refused:
        deliverable_transition(
            deliverable=deliverable, actor=cast.secretariat, to="published", reason="Out",
            published_on=datetime.date(2026, 5, 4), link="https://www.globalspaceexploration.org/x",
        )  # fmt: skip
    assert "open a new round on the text to publish" in refused.value.message
    deliverable.refresh_from_db()
    assert deliverable.state == "approved"


def test_the_round_mail_links_the_text_and_the_changes_since_the_last_round(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    from apps.plenary.services import consensus_round_cancel

    deliverable = cast.deliverable("submitted")
    zero = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.docx", docx_bytes("v0")),
        note="first",
    )  # fmt: skip
    first = consensus_round_open(
        unreachable_acknowledged=True,
        deliverable=deliverable,
        actor=cast.secretariat,
        channel="written_procedure",
    )
    consensus_round_cancel(round=first, actor=cast.secretariat, reason="wrong channel")
    one = revision_upload(
        deliverable=deliverable, actor=cast.cochair_twg, file=upload("a.docx", docx_bytes("v1")),
        note="second",
    )  # fmt: skip
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consensus_round_open(
            unreachable_acknowledged=True,
            deliverable=deliverable,
            actor=cast.secretariat,
            channel="written_procedure",
        )
    opened = [m for m in mailoutbox if "Consensus round opened" in m.subject]
    assert len(opened) == len(cast.agencies)  # one per agency, each with the same links
    for mail in opened:
        assert f"revision 01 (SHA-256 {one.sha256})" in mail.body
        assert f"/deliverables/{deliverable.pk}/revisions/1/file/" in mail.body
        assert f"/deliverables/{deliverable.pk}/revisions/diff/?from=0&to=1" in mail.body
    assert zero.label == "00"
