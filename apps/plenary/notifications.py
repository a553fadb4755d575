"""Mails about consensus rounds: to the eligible delegates when a round opens and near its end."""

from django.conf import settings

from apps.accounts.selectors import delegate_emails
from apps.core.mail import mail_after_commit
from apps.core.models import OutboxMail

# The key of a round's reminder mail names the deadline it is for: a new deadline earns a new
# reminder, and the round is marked reminded once that mail went out.
REMINDER_MAIL = "round-reminder"


def reminder_mail_key(round) -> str:
    return f"{REMINDER_MAIL}:{round.pk}:{round.deadline.isoformat()}"


def _round_url(round) -> str:
    return f"{settings.SITE_URL}{round.get_absolute_url()}"


def _text_lines(round) -> str:
    """The text the round decides on, and what changed since the previous round's, as links."""
    from django.urls import reverse

    revision = round.revision
    if revision is None:
        return "The text: no revision of it is in the tracker.\n"
    deliverable_id = round.deliverable_id
    file_url = reverse("web:revision-file", args=[deliverable_id, revision.number])
    lines = [
        f"The text you decide on: revision {revision.label} (SHA-256 {revision.sha256}).",
        f"{settings.SITE_URL}{file_url}",
    ]
    before = (
        type(round)
        .objects.filter(deliverable_id=deliverable_id, revision__isnull=False)
        .exclude(pk=round.pk)
        .filter(opened_at__lte=round.opened_at)
        .select_related("revision")
        .first()
    )
    if before is not None and before.revision_id != revision.pk:
        diff = reverse("web:revision-diff", args=[deliverable_id])
        lines += [
            f"What changed since revision {before.revision.label}, the previous round's text:",
            f"{settings.SITE_URL}{diff}?from={before.revision.number}&to={revision.number}",
        ]
    return "\n".join(lines) + "\n"


def round_opened(*, round, eligible_ids: set[int]) -> None:
    deliverable = round.deliverable
    mail_after_commit(
        to=delegate_emails(agency_ids=eligible_ids),
        subject=f"Consensus round opened on {deliverable}",
        body=(
            f"The secretariat opened a consensus round on '{deliverable}' "
            f"({deliverable.lead_group.acronym}) by {round.get_channel_display()}.\n"
            f"By: {round.opened_by.get_full_name() or round.opened_by.username}\n"
            f"Deadline: {round.deadline:%d %B %Y} (end of day, UTC)\n\n"
            f"{_text_lines(round)}\n"
            "Next: record your agency's position: concur, no objection, abstain, or object "
            "with a rationale. If you say nothing, your agency is counted as raising no "
            "objection when the deadline passes.\n"
            f"{_round_url(round)}"
        ),
    )


def round_deadline_near(
    *, round, agency_ids: set[int], answered_ids: set[int]
) -> OutboxMail | None:
    """The reminder's outbox row (None when no delegate has an address)."""
    silent = agency_ids - answered_ids
    return mail_after_commit(
        to=delegate_emails(agency_ids=agency_ids),
        key=reminder_mail_key(round),
        subject=f"Three days left: consensus round on {round.deliverable}",
        body=(
            f"The consensus round on '{round.deliverable}' closes at the end of "
            f"{round.deadline:%d %B %Y} (UTC). {len(silent)} of {len(agency_ids)} eligible "
            "agencies have not yet recorded a position.\n\n"
            f"{_text_lines(round)}\n"
            "Next: record or confirm your agency's position. Silence counts as no objection.\n"
            f"{_round_url(round)}"
        ),
    )


def _revision_line(revision) -> str:
    return (
        f"Revision {revision.label} ({revision.original_name}, SHA-256 {revision.sha256[:16]}…): "
        f"{revision.note}"
    )


def round_text_changed(*, round, revision, kind: str, reason: str) -> None:
    """A new revision arrived while the round was open: every eligible delegate is told what it
    means for their position."""
    deliverable = round.deliverable
    if kind == "substantive":
        subject = f"Consensus round cancelled: new text of {deliverable}"
        meaning = (
            "The change is substantive, so the round was cancelled and the product went back "
            "to submitted; the positions given stay in the round's history. A new round will "
            "ask for your agency's position on the new text."
        )
    else:
        subject = f"Editorial revision in the consensus round on {deliverable}"
        meaning = (
            "The change is editorial, so the round goes on. Positions already given are shown as "
            "given on the earlier revision; your agency may change its position, or object, "
            "until the deadline."
        )
    mail_after_commit(
        to=delegate_emails(agency_ids=set(round.eligible_agencies.values_list("pk", flat=True))),
        subject=subject,
        body=(
            f"A new revision of '{deliverable}' was uploaded while its consensus round was open.\n"
            f"{_revision_line(revision)}\nWhy {kind}: {reason}\n\n{meaning}\n{_round_url(round)}"
        ),
    )
