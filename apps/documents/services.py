"""Revisions: uploaded by the lead group's co-chairs or the secretariat, numbered 00, 01, … per
deliverable, never overwritten or deleted (superseded or withdrawn, with a reason).

A revision uploaded while a round is open says what it is, with a reason: substantive (the
round is cancelled, the product goes back to submitted) or editorial (the round goes on, on the
new text). Every write locks the deliverable first, as every other write on it does.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, text_checked
from apps.core.transactions import atomic_retrying
from apps.deliverables.models import Deliverable, DeliverableState
from apps.deliverables.services import lock_deliverable
from apps.plenary.models import ConsensusRound
from apps.plenary.revisions import open_round_of, round_meets_revision

from .files import checked_upload, storage_name
from .models import Revision

# Approved (or awaiting SAM endorsement): the agencies agreed to a text, so it takes no other.
CLOSED_STATES = {
    DeliverableState.APPROVED: "approved: the agencies agreed to its text",
    DeliverableState.SAM_ENDORSEMENT: "awaiting SAM endorsement of the text the agencies agreed",
    DeliverableState.PUBLISHED: "published: its text is final",
    DeliverableState.WITHDRAWN: "withdrawn",
}
ROUND_KINDS = (Revision.Kind.SUBSTANTIVE, Revision.Kind.EDITORIAL)


def _require_editor(actor, deliverable: Deliverable, doing: str) -> None:
    if not permissions.may_edit_deliverable(actor, deliverable):
        raise ApplicationError(
            f"You may not {doing} of '{deliverable}': only the co-chairs of "
            f"{deliverable.lead_group.acronym}, which leads it, and the secretariat may.",
            code="forbidden",
        )


def _kind_checked(kind: str, reason: str, round: ConsensusRound | None) -> tuple[str, str]:
    if round is None:
        if kind and kind != Revision.Kind.DRAFT:
            raise ApplicationError(
                f"No consensus round is open on this deliverable, so a revision is not "
                f"'{kind}': leave the kind out (substantive and editorial are for a revision "
                "uploaded during a round).",
                extra={"fields": {"kind": ["Leave it out: no round is open."]}},
            )
        return Revision.Kind.DRAFT, ""
    if kind not in ROUND_KINDS:
        raise ApplicationError(
            f"A consensus round is open (deadline {round.deadline:%d %B %Y}): say whether this "
            "revision is 'substantive' (the round is cancelled and the agencies are asked "
            "again) or 'editorial' (the round goes on, on the new text), and why.",
            extra={"fields": {"kind": ["Give substantive or editorial."]}},
        )
    reason = text_checked(
        reason,
        field="reason",
        limit=REASON_MAX_LENGTH,
        required=True,
        ask=f"Say why this revision is {kind}: the delegates read it in their mail.",
    )
    return kind, reason


@atomic_retrying
def revision_upload(
    *,
    deliverable: Deliverable,
    actor,
    file,
    note: str,
    kind: str = "",
    reason: str = "",
    is_sample: bool = False,
    now: datetime.datetime | None = None,
) -> Revision:
    """Store `file` as the deliverable's next revision; `note` says what changed."""
    _require_editor(actor, deliverable, "upload a revision")
    note = text_checked(
        note,
        field="note",
        limit=NOTE_MAX_LENGTH,
        required=True,
        ask="Say what changed in this revision (for 00: what the text is).",
    )
    checked = checked_upload(file)
    locked = lock_deliverable(deliverable)
    if locked.state in CLOSED_STATES:
        raise ApplicationError(
            f"'{locked}' is {CLOSED_STATES[locked.state]}, so it takes no new revision. A new "
            "edition is a new deliverable.",
            code="illegal_move",
        )
    round = open_round_of(locked)
    kind, reason = _kind_checked(kind, reason, round)
    last = Revision.objects.filter(deliverable=locked).aggregate(n=Max("number"))["n"]
    number = 0 if last is None else last + 1
    revision = Revision(
        deliverable=locked,
        number=number,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
        kind=kind,
        kind_reason=reason,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
        is_sample=is_sample,
    )
    # Our name, never the uploader's; streamed from the upload's chunks into the storage.
    revision.file.save(
        storage_name(deliverable_id=locked.pk, number=number, checked=checked),
        checked.file,
        save=False,
    )
    revision._history_user = actor
    revision._change_reason = f"Revision {revision.label} uploaded: {note}"[:2000]
    revision.save()
    if round is not None:
        round_meets_revision(round=round, revision=revision, kind=kind, actor=actor, reason=reason)
    transaction.on_commit(lambda: _text_requested(revision.pk))
    return revision


def _text_requested(revision_id: int) -> None:
    from .tasks import revision_text_extract  # the task module imports these services

    revision_text_extract.delay(revision_id)


@atomic_retrying
def revision_status_set(*, revision: Revision, actor, status: str, reason: str) -> Revision:
    """Mark a revision superseded or withdrawn, with the reason; the text a round decides on, or
    decided on, keeps its status."""
    if status not in (Revision.Status.SUPERSEDED, Revision.Status.WITHDRAWN):
        raise ApplicationError(
            f"Unknown status '{status}'; a revision is marked 'superseded' or 'withdrawn'.",
            extra={"fields": {"status": ["Give superseded or withdrawn."]}},
        )
    _require_editor(actor, revision.deliverable, "mark a revision")
    reason = text_checked(
        reason,
        field="reason",
        limit=REASON_MAX_LENGTH,
        required=True,
        ask=f"Say why revision {revision.label} is {status}.",
    )
    lock_deliverable(revision.deliverable)
    locked = Revision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != Revision.Status.CURRENT:
        raise ApplicationError(
            f"Revision {locked.label} is already {locked.status}.", code="illegal_move"
        )
    deciding = locked.rounds.filter(state=ConsensusRound.State.OPEN).exists()
    decided = locked.rounds.filter(outcome=ConsensusRound.Outcome.CONSENSUS).exists()
    if deciding or decided:
        raise ApplicationError(
            f"Revision {locked.label} is the text "
            f"{'a round is deciding on' if deciding else 'the agencies approved'}: it stays "
            "current.",
            code="illegal_move",
        )
    locked.status = status
    locked.status_reason = reason
    locked._history_user = actor
    locked._change_reason = f"Revision {locked.label} {status}: {reason}"
    locked.save(update_fields=["status", "status_reason"])
    return locked


@transaction.atomic
def revision_text_retry(*, revision: Revision, actor) -> Revision:
    """Ask again for a failed extraction (e.g. after the worker was down)."""
    _require_editor(actor, revision.deliverable, "retry the text extraction")
    if revision.text_state != Revision.TextState.FAILED:
        raise ApplicationError(
            f"Revision {revision.label}'s text is {revision.get_text_state_display()}: only a "
            "failed extraction is retried.",
            code="illegal_move",
        )
    Revision.objects.filter(pk=revision.pk).update(text_state=Revision.TextState.PENDING)
    transaction.on_commit(lambda: _text_requested(revision.pk))
    revision.refresh_from_db()
    return revision
