"""What a deliverable's revisions answer to other apps: the text a round opens on."""

from apps.core.errors import ApplicationError

from .models import Revision


def revision_for_round(*, deliverable, revision: Revision | None) -> Revision | None:
    """The revision a round opens on: the one named, or the latest current one (None when the
    deliverable has no revision in the tracker)."""
    if revision is None:
        return (
            Revision.objects.filter(deliverable=deliverable, status=Revision.Status.CURRENT)
            .order_by("-number")
            .first()
        )
    if revision.deliverable_id != deliverable.pk:
        raise ApplicationError(
            f"Revision {revision.label} is not a revision of '{deliverable}'; name one of its own.",
            extra={"fields": {"revision": ["Name a revision of this deliverable."]}},
        )
    if revision.status != Revision.Status.CURRENT:
        raise ApplicationError(
            f"Revision {revision.label} is {revision.status}: a round opens on a current one.",
            extra={"fields": {"revision": ["Name a current revision."]}},
        )
    return revision


def approved_revision(deliverable) -> Revision | None:
    """The text the agencies approved: the revision of the deliverable's latest round closed
    with consensus (None when that round had no text in the tracker, or there is none)."""
    from apps.plenary.models import ConsensusRound  # plenary's models point here by name only

    round = (
        ConsensusRound.objects.filter(
            deliverable=deliverable,
            state=ConsensusRound.State.CLOSED,
            outcome=ConsensusRound.Outcome.CONSENSUS,
        )
        .select_related("revision")
        .first()
    )
    return round.revision if round else None
