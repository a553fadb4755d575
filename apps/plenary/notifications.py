"""Mails about consensus rounds: to each eligible agency's people when a round opens, when its
text changes, and to the agencies still silent near its end. Each is one logged notice per
agency (notices.py), so the round page can say who was really told."""

from django.conf import settings

from .models import AgencyNotice
from .notices import agencies_tell

# The key of a round's reminder mail names the deadline it is for: a new deadline earns a new
# reminder, and the round is marked reminded once that mail went out.
REMINDER_MAIL = "round-reminder"


def reminder_mail_key(round) -> str:
    return f"{REMINDER_MAIL}:{round.pk}:{round.deadline.isoformat()}"


def _round_url(round) -> str:
    return f"{settings.SITE_URL}{round.get_absolute_url()}"


def _subject_named(round) -> str:
    """What the round decides, as a mail names it."""
    if round.structural_change_id:
        change = round.structural_change
        return f"the proposed {change.get_kind_display()} ({change.effective_display})"
    return f"'{round.deliverable}' ({round.deliverable.lead_group.acronym})"


def _text_lines(round) -> str:
    """The text the round decides on, and what changed since the previous round's, as links."""
    from django.urls import reverse

    if round.structural_change_id:
        change = round.structural_change
        lines = [f"The proposal you decide on: {change.summary}"]
        if change.new_mandate:
            lines.append(f"The new mandate: {change.new_mandate}")
        lines += [
            f"New group: {g['acronym']}, {g['name']}: {g['mandate']}" for g in change.new_groups
        ]
        return "\n".join(lines) + "\n"
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
    agencies_tell(
        round=round,
        kind=AgencyNotice.Kind.OPENED,
        agency_ids=eligible_ids,
        now=round.opened_at,  # the time, and the day whose reachability, the opening checked
        subject=f"Consensus round opened on {round.subject}",
        body=(
            f"The secretariat opened a consensus round on {_subject_named(round)} "
            f"by {round.get_channel_display()}.\n"
            f"By: {round.opened_by.get_full_name() or round.opened_by.username}\n"
            f"Deadline: {round.deadline:%d %B %Y} (end of day, UTC)\n\n"
            f"{_text_lines(round)}\n"
            "Next: record your agency's position: concur, no objection, abstain, or object "
            "with a rationale. If you say nothing, your agency is counted as raising no "
            "objection when the deadline passes.\n"
            f"{_round_url(round)}"
        ),
    )


def _time_left(days_left: int) -> str:
    if days_left <= 0:
        return "Last day"
    return f"{days_left} day{'' if days_left == 1 else 's'} left"


def round_deadline_near(
    *, round, agency_ids: set[int], answered_ids: set[int], days_left: int, now=None
) -> list[AgencyNotice]:
    """The reminder, to the agencies that have not answered only: one notice each."""
    silent = agency_ids - answered_ids
    return agencies_tell(
        round=round,
        kind=AgencyNotice.Kind.REMINDER,
        agency_ids=silent,
        key=reminder_mail_key(round),
        now=now,
        subject=f"{_time_left(days_left)}: consensus round on {round.subject}",
        body=(
            f"The consensus round on {_subject_named(round)} closes at the end of "
            f"{round.deadline:%d %B %Y} (UTC). Your agency has not yet recorded a position "
            f"({len(silent)} of {len(agency_ids)} eligible agencies have not).\n\n"
            f"{_text_lines(round)}\n"
            "Next: record your agency's position. Silence counts as no objection.\n"
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
    agencies_tell(
        round=round,
        kind=AgencyNotice.Kind.TEXT_CHANGED,
        agency_ids=set(round.eligible_agencies.values_list("pk", flat=True)),
        subject=subject,
        body=(
            f"A new revision of '{deliverable}' was uploaded while its consensus round was open.\n"
            f"{_revision_line(revision)}\nWhy {kind}: {reason}\n\n{meaning}\n{_round_url(round)}"
        ),
    )
