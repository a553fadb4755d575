"""Comments on a revision, during WG review and consensus rounds, by the people with a role:
co-chairs, delegates and the secretariat. A comment may quote a passage; replies thread."""

from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import NOTE_MAX_LENGTH, text_checked
from apps.core.transactions import atomic_retrying
from apps.deliverables.models import DeliverableState

from .models import Comment, Revision

OPEN_FOR_COMMENTS = {
    DeliverableState.WG_REVIEW: "WG review",
    DeliverableState.IN_CONSENSUS: "a consensus round",
}


def may_comment(user) -> bool:
    return bool(
        permissions.is_secretariat(user)
        or permissions.cochaired_group_ids(user)
        or permissions.delegate_agency_ids(user)
    )


@atomic_retrying
def comment_post(
    *, revision: Revision, actor, body: str, quote: str = "", parent: Comment | None = None
) -> Comment:
    if not may_comment(actor):
        raise ApplicationError(
            "Only co-chairs, delegates and the secretariat comment on a revision.",
            code="forbidden",
        )
    deliverable = revision.deliverable
    if deliverable.state not in OPEN_FOR_COMMENTS:
        raise ApplicationError(
            f"'{deliverable}' is {deliverable.get_state_display()}: revisions take comments "
            "during WG review and consensus rounds only.",
            code="illegal_move",
        )
    if parent is not None and parent.revision_id != revision.pk:
        raise ApplicationError(
            "A reply answers a comment on the same revision.",
            extra={"fields": {"parent": ["Reply to a comment on this revision."]}},
        )
    body = text_checked(
        body, field="body", limit=NOTE_MAX_LENGTH, required=True, ask="Write the comment."
    )
    quote = text_checked(quote, field="quote", limit=NOTE_MAX_LENGTH, required=False)
    if quote and revision.text_state == Revision.TextState.DONE and quote not in revision.text:
        raise ApplicationError(
            f"The quoted passage is not in revision {revision.label}'s text: copy it from the "
            "revision, or leave the quote out.",
            extra={"fields": {"quote": ["Quote the revision's own words."]}},
        )
    comment = Comment(
        revision=revision,
        parent=parent,
        author=actor,
        quote=quote,
        body=body,
        deliverable_state=deliverable.state,
        created_at=timezone.now(),
    )
    comment._history_user = actor
    comment._change_reason = f"Comment on revision {revision.label}"
    comment.save()
    return comment
