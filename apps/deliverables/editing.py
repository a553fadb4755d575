"""Which of a deliverable's fields a person may change by editing, in its current state.

The one answer for the services, the admin's read-only fields and the pages. Fields the workflow
owns change only with a move: the state; the publication facts (publish); the lead group and
the SAM flag once the product is submitted (the plenary decides on what was submitted); the
title, edition, kind and summary from the consensus round on (the text the agencies agree to).
"""

from apps.accounts import permissions
from apps.core import history

from .models import Deliverable
from .models import DeliverableState as S
from .workflow import TERMINAL_STATES

# A target date and its precision change together (services: a day typed makes it a day).
PROGRESS_FIELDS = (
    "percent_complete",
    "rag",
    "next_milestone",
    "target_date",
    "target_precision",
    "status_note",
)
# Set by moves only, whoever asks.
WORKFLOW_FIELDS = ("state", "published_on", "published_precision", "link", "version")
# What the plenary is asked to agree to: frozen once a round opens.
AGREED_TEXT_FIELDS = ("title", "edition", "kind", "summary")
# How the product is set up for the plenary: frozen once it is submitted.
SETUP_FIELDS = ("lead_group", "needs_sam_endorsement")
# The secretariat's record-keeping, open in every state.
RECORD_FIELDS = ("contributing_groups", "notes", "source", "part_of", "listed_as_publication")

BEFORE_SUBMISSION = frozenset({S.PLANNED, S.DRAFTING, S.WG_REVIEW, S.DEFERRED})
BEFORE_CONSENSUS = BEFORE_SUBMISSION | {S.SUBMITTED}


def editable_fields(user, deliverable) -> frozenset[str]:
    """The fields `user` may change on `deliverable` now, by editing (not by a move)."""
    fields: set[str] = set()
    state = deliverable.state
    if permissions.may_edit_deliverable(user, deliverable) and state not in TERMINAL_STATES:
        fields |= set(PROGRESS_FIELDS)
    if permissions.may_manage_record(user):
        fields |= set(RECORD_FIELDS)
        if state in BEFORE_CONSENSUS:
            fields |= set(AGREED_TEXT_FIELDS)
        if state in BEFORE_SUBMISSION:
            fields |= set(SETUP_FIELDS)
    return frozenset(fields)


def field_label(name: str) -> str:
    """A deliverable's field as people read it (core.history.field_label): its verbose name."""
    return history.field_label(Deliverable, name)


def why_not_editable(user, deliverable, field: str) -> str:
    """Why `field` is not open to `user` now: the message a refused edit carries, in words."""
    state = deliverable.get_state_display()
    label = field_label(field)
    if field in WORKFLOW_FIELDS:
        return f"the {label} changes only with a workflow move (e.g. 'Mark published')"
    if not permissions.may_edit_deliverable(user, deliverable):
        return f"only the co-chairs of {deliverable.lead_group.acronym} and the secretariat edit it"
    if field in PROGRESS_FIELDS and deliverable.state in TERMINAL_STATES:
        return f"it is {state}: its progress is final"
    if not permissions.may_manage_record(user):
        # A target's precision goes with its date: one field, as the form shows it.
        progress = ", ".join(field_label(f) for f in PROGRESS_FIELDS if f != "target_precision")
        return f"co-chairs change the progress ({progress}); the {label} is the secretariat's"
    if field in AGREED_TEXT_FIELDS:
        return f"it is {state}: the text the plenary agrees to is frozen once a round opens"
    if field in SETUP_FIELDS:
        return f"it is {state}: the lead group and SAM flag are fixed once it is submitted"
    return f"the {label} is not editable"
