"""Who hears about a deliverable's move, and what the mail says: what, to what, by whom, next."""

from django.conf import settings

from apps.accounts.selectors import cochair_emails, secretariat_emails
from apps.core.mail import mail_after_commit

# A move's `mail` (workflow.MOVES) -> (who to tell, what happened, what to do next).
MOVE_MAILS = {
    "submitted": (
        "secretariat",
        "was submitted to the plenary",
        "Open a consensus round on it, or return it to drafting with comments.",
    ),
    "returned": (
        "cochairs",
        "was returned to drafting by the secretariat",
        "Address the comments below and submit it again after WG review.",
    ),
    "objected": (
        "cochairs",
        "was objected to in its consensus round and is back in drafting",
        "Revise it to answer the objections below, then submit it again.",
    ),
    "approved": (
        "cochairs",
        "was approved by the plenary",
        "The secretariat will publish it; send them the final file and link.",
    ),
    "awaiting_sam": (
        "cochairs",
        "reached consensus and now awaits the senior agency managers' endorsement",
        "No action needed unless the SAMs ask for changes.",
    ),
    "not_endorsed": (
        "cochairs",
        "was not endorsed by the senior agency managers and is back in drafting",
        "Address the SAMs' comments below and submit it again.",
    ),
    "published": (
        "cochairs",
        "was published",
        "Promote it: plan webnews and conference activities with SCWG.",
    ),
}


def deliverable_moved(*, deliverable, move, actor, reason: str) -> None:
    if not move.mail:
        return
    audience, happened, next_step = MOVE_MAILS[move.mail]
    to = (
        secretariat_emails()
        if audience == "secretariat"
        else cochair_emails(group_id=deliverable.lead_group_id)
    )
    who = actor.get_full_name() or actor.username if actor else "the consensus procedure"
    mail_after_commit(
        to=to,
        subject=f"{deliverable} {happened}",
        body=(
            f"'{deliverable}' ({deliverable.lead_group.acronym}) {happened}.\n"
            f"By: {who}\n"
            f"Reason: {reason}\n\n"
            f"Next: {next_step}\n"
            f"{settings.SITE_URL}{deliverable.get_absolute_url()}"
        ),
    )
