"""The objections part of the round page: each item of a round with the answer forms this user
may send, and the resolution log of the previous objected round (rounds.py and objections.py
both build the page with it)."""

from django.urls import reverse

from apps.accounts import permissions
from apps.documents.models import Revision
from apps.groups.changes import may_propose
from apps.plenary import objections
from apps.plenary.models import ConsensusRound, Objection

from ..forms.objections import ObjectionAnswerForm

ITEMS_SHOWN = Objection.objects.select_related(
    "agency", "resolved_in", "decided_by", "round__revision"
).defer("resolved_in__text", "round__revision__text")

ANSWERS = (Objection.Status.RESOLVED, Objection.Status.NOT_ACCEPTED, Objection.Status.WITHDRAWN)


def objections_url(round_id: int) -> str:
    return reverse("web:round", args=[round_id]) + "#objections"


def later_revisions(round: ConsensusRound) -> list[Revision]:
    """The revisions an objection of this round may be resolved in, newest first."""
    later = Revision.objects.filter(deliverable=round.deliverable_id).defer("text")
    if round.revision_id is not None:
        later = later.filter(number__gt=round.revision.number)
    return list(later.order_by("-number"))


def objection_rows(round: ConsensusRound, user, bound: ObjectionAnswerForm | None = None):
    """Each item with the answer forms this user may send (`bound`: one refused, with its
    errors, in place of the empty one)."""
    items = list(ITEMS_SHOWN.filter(round=round))
    open_items = [i for i in items if i.status == Objection.Status.OPEN]
    may_decide = bool(open_items) and _may_decide(user, round)
    speaks_for = permissions.agencies_user_may_speak_for(user, {i.agency_id for i in open_items})
    later = later_revisions(round) if may_decide else []
    rows = []
    # A proposal has no revisions: its objections are not accepted, or withdrawn.
    decisions = [Objection.Status.NOT_ACCEPTED]
    if not round.structural_change_id:
        decisions.insert(0, Objection.Status.RESOLVED)
    for item in items:
        allowed = []
        if item.status == Objection.Status.OPEN:
            if may_decide:
                allowed += decisions
            if item.agency_id in speaks_for:
                allowed.append(Objection.Status.WITHDRAWN)
        forms = []
        for status in allowed:
            if bound is not None and bound.objection_id == item.pk and bound.answer == status:
                forms.append(bound)
            else:
                forms.append(
                    ObjectionAnswerForm(objection_id=item.pk, status=status, revisions=later)
                )
        rows.append({"item": item, "forms": forms, "may_resolve": bool(later)})
    return rows


def _may_decide(user, round: ConsensusRound) -> bool:
    """As objections.objection_answer: the lead group's co-chairs or the secretariat for a
    deliverable; for a structural change, those who may propose it."""
    if round.structural_change_id:
        return may_propose(user, list(round.structural_change.groups.all()))
    return permissions.may_edit_deliverable(user, round.deliverable)


def previous_objected_round(round: ConsensusRound) -> dict:
    """The round decided before this one, when it was objected, with its items: the log of how
    its objections were answered before this round opened."""
    before = objections.previous_objected_round(round)
    if before is None:
        return {"objected_round": None, "resolution_log": []}
    return {"objected_round": before, "resolution_log": list(ITEMS_SHOWN.filter(round=before))}
