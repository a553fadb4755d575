from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.agencies.models import Agency
from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.documents.models import Revision
from apps.meetings.services import plenary_outcome_record
from apps.plenary import selectors as plenary_selectors
from apps.plenary.abilities import round_abilities
from apps.plenary.events import round_events
from apps.plenary.models import ConsensusRound, Objection, Position
from apps.plenary.notices import other_channel_record
from apps.plenary.services import (
    consensus_round_cancel,
    consensus_round_close,
    consensus_round_extend,
    consensus_round_open,
    position_record,
)

from ..forms.objections import ObjectionAnswerForm
from ..forms.rounds import (
    OutcomeForm,
    PositionForm,
    RoundDecisionForm,
    open_round_form,
)
from ..throttling import moves_throttled
from .common import refused
from .deliverables import deliverable_page
from .objection_rows import objection_rows, previous_objected_round
from .round_reach import other_channel_form, outcome_meetings, round_outcome, round_reach
from .seen import diff_url


@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a round from the deliverable's page; refused, the page again with what was typed
    (the unreachable agencies ticked) kept."""
    deliverable = get_object_or_404(Deliverable, pk=pk)
    revisions = list(deliverable.revisions.defer("text"))
    form = open_round_form(revisions=revisions, data=request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The round was not opened: "
            + "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return deliverable_page(request, pk, open_round_form=form, status=400)
    number = form.cleaned_data.get("revision")
    try:
        round = consensus_round_open(
            deliverable=deliverable,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            deadline=form.cleaned_data["deadline"],
            meeting=form.cleaned_data["meeting"],
            revision=next((r for r in revisions if r.number == number), None),
            unreachable_acknowledged=form.cleaned_data.get("acknowledge_unreachable", []),
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return refused(request, error, back=deliverable.get_absolute_url())
        messages.error(request, error.message)
        on_fields(form, error)
        return deliverable_page(request, pk, open_round_form=form, status=400)
    messages.success(request, f"Consensus round opened. {told_summary(round)}")
    return redirect("web:round", pk=round.pk)


def told_summary(round: ConsensusRound) -> str:
    """What the opening really did: how many agencies a mail is going to, how many nobody can
    be written to (never "the delegates have been told" when most were not)."""
    notices = list(round.notices.values_list("mail_id", flat=True))
    mailed = sum(1 for mail_id in notices if mail_id)
    said = f"A mail is on its way to {mailed} of {len(notices)} eligible agencies"
    if mailed < len(notices):
        said += (
            f"; {len(notices) - mailed} have nobody the tracker can write to: their silence "
            "counts only once you record how they were told (below)"
        )
    return said + "."


def on_fields(form, error: ApplicationError) -> None:
    """A service's refusal shown on the fields it names that the form has."""
    for name, problems in ((error.extra or {}).get("fields") or {}).items():
        if name in form.fields:
            form.add_error(name, problems)


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return round_page(request, pk)


def round_page(
    request: HttpRequest,
    pk: int,
    *,
    answer_form: ObjectionAnswerForm | None = None,
    outcome_form: OutcomeForm | None = None,
    told_form: tuple | None = None,
    status=200,
) -> HttpResponse:
    """The round's page; `answer_form`, `outcome_form`, `told_form` (agency id, form): a
    refused answer to an objection, plenary outcome or other channel, shown again."""
    round = get_object_or_404(
        ConsensusRound.objects.select_related(
            "deliverable__lead_group",
            "structural_change__into_group",
            "opened_by",
            "closed_by",
            "meeting",
            "revision",
        )
        .prefetch_related("structural_change__groups")
        .defer("revision__text"),
        pk=pk,
    )
    facts = plenary_selectors.round_facts(round=round)
    abilities = round_abilities(facts=facts, user=request.user)
    objections = objection_rows(round, request.user, answer_form)
    text = _round_text(round, facts, {row["item"].agency_id: row["item"] for row in objections})
    own = _own_agencies(request.user, abilities, text["ballot_rows"])
    position_form = (
        position_form_for(list(abilities.speaks_for)) if abilities.may("record_position") else None
    )
    context = {
        "round": round,
        "facts": facts,
        "abilities": abilities,
        "position_form": position_form,
        "own_rows": own,
        "is_secretariat": permissions.is_secretariat(request.user),
        "decision_form": RoundDecisionForm(),
        "events": round_events(round),
        **text,
        "objection_rows": objections,
        **previous_objected_round(round),
        **round_reach(round, facts, request.user, told_form),
        **round_outcome(
            round, facts, request.user, bound=outcome_form, shown=request.GET.get("meeting")
        ),
    }
    return render(request, "web/round_detail.html", context, status=status)


def position_form_for(agencies: list) -> PositionForm:
    """The position form for the agencies this user may speak for: a delegate of one agency
    is not asked to choose it from a list of one (it goes as a hidden field, named beside)."""
    form = PositionForm(agencies=agencies)
    if len(agencies) == 1:
        form.fields["agency"].widget = forms.HiddenInput()
        form.fields["agency"].initial = agencies[0].acronym
    return form


def _own_agencies(user, abilities, ballot_rows: list) -> list:
    """The ballot rows of the agencies this user is a delegate of, shown at the top of the
    page: the secretariat speaks for every agency, but only its own delegations are its own."""
    if not abilities.speaks_for:
        return []
    if permissions.is_secretariat(user):
        mine = permissions.delegate_agency_ids(user)
    else:
        mine = {agency.pk for agency in abilities.speaks_for}
    return [row for row in ballot_rows if row.agency.pk in mine]


@dataclass(frozen=True)
class BallotRow:
    """One eligible agency in the ballot grid: its latest position, every position it gave
    (newest first, each with the revision it was given on when that is not the round's
    text), and its objection item if it ever objected."""

    agency: object
    latest: Position | None
    given_on: str
    history: tuple[tuple[Position, str], ...]
    objection: Objection | None

    @property
    def earlier_count(self) -> int:
        return max(len(self.history) - 1, 0)


def _round_text(round: ConsensusRound, facts, objections: dict) -> dict:
    """The revision the round is on, the diff from the previous round's, and the ballot grid:
    each agency's positions with the revision each was given on when that is an earlier one."""
    given = {
        position.revision_id
        for row in facts.rows
        for position in (row.latest, *row.earlier)
        if position is not None and position.revision_id not in (None, round.revision_id)
    }
    labels = {
        pk: f"{number:02d}"
        for pk, number in (
            Revision.objects.filter(pk__in=given).values_list("pk", "number") if given else ()
        )
    }
    rows = []
    for row in facts.rows:
        history = tuple(
            (position, labels.get(position.revision_id, ""))
            for position in ((row.latest, *row.earlier) if row.latest else ())
        )
        rows.append(
            BallotRow(
                agency=row.agency,
                latest=row.latest,
                given_on=history[0][1] if history else "",
                history=history,
                objection=objections.get(row.agency.pk),
            )
        )
    previous = None
    if round.revision_id is not None:
        previous = (
            ConsensusRound.objects.filter(deliverable=round.deliverable_id, revision__isnull=False)
            .filter(
                Q(opened_at__lt=round.opened_at) | Q(opened_at=round.opened_at, pk__lt=round.pk)
            )
            .select_related("revision")
            .defer("revision__text")
            .order_by("-opened_at", "-pk")
            .first()
        )
    return {
        "ballot_rows": rows,
        "previous_round": previous,
        "previous_diff_url": diff_url(
            round.deliverable_id, previous.revision.number, round.revision.number
        )
        if previous and previous.revision_id != round.revision_id
        else None,
    }


@require_POST
@moves_throttled
def round_position(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_object_or_404(ConsensusRound, pk=pk)
    eligible = list(round.eligible_agencies.all())
    form = PositionForm(request.POST, agencies=eligible)
    if not form.is_valid():
        messages.error(
            request,
            "Your position was not recorded: "
            + "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect("web:round", pk=pk)
    agency = next(a for a in eligible if a.acronym == form.cleaned_data["agency"])
    try:
        position_record(
            round=round,
            actor=request.user,
            agency=agency,
            position=form.cleaned_data["position"],
            rationale=form.cleaned_data["rationale"],
        )
    except ApplicationError as error:
        return refused(request, error, back=round_url(round))
    messages.success(request, f"{agency.acronym}'s position is recorded.")
    return redirect("web:round", pk=pk)


def round_url(round: ConsensusRound) -> str:
    from django.urls import reverse

    return reverse("web:round", args=[round.pk])


@require_POST
def round_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome of the round at a meeting, every agency present in one post."""
    round = get_object_or_404(ConsensusRound, pk=pk)
    meetings = outcome_meetings(round)
    agencies = list(round.eligible_agencies.order_by("country", "name"))
    form = OutcomeForm(request.POST, meetings=meetings, agencies=agencies)
    if not form.is_valid():
        messages.error(request, "The outcome was not recorded: see the form below.")
        return round_page(request, pk, outcome_form=form, status=400)
    meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
    try:
        decision = plenary_outcome_record(
            round=round,
            meeting=meeting,
            actor=request.user,
            default=form.cleaned_data["default"],
            exceptions=form.exceptions(),
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return refused(request, error, back=round_url(round))
        messages.error(request, f"The outcome was not recorded: {error.message}")
        return round_page(request, pk, outcome_form=form, status=400)
    messages.success(request, f"Outcome recorded at {meeting.title}. {decision.statement}")
    return redirect("web:round", pk=pk)


@require_POST
def round_other_channel(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat told an agency another way: its silence counts."""
    round = get_object_or_404(ConsensusRound, pk=pk)
    acronym = str(request.POST.get("agency", ""))[:30]
    agency = Agency.objects.filter(acronym=acronym).first()
    if agency is None:
        messages.error(request, "Nothing recorded: no agency has that acronym.")
        return redirect(round_url(round) + "#told")
    form = other_channel_form(agency, request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing recorded for {agency.acronym}: see the form below.")
        return round_page(request, pk, told_form=(agency.pk, form), status=400)
    try:
        other_channel_record(
            round=round, agency=agency, actor=request.user, note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        if error.code == "forbidden":
            return refused(request, error, back=round_url(round))
        messages.error(request, f"Nothing recorded for {agency.acronym}: {error.message}")
        on_fields(form, error)
        return round_page(request, pk, told_form=(agency.pk, form), status=400)
    messages.success(
        request, f"Recorded how {agency.acronym} was told: its silence now counts as no objection."
    )
    return redirect(round_url(round) + "#told")


ROUND_DECISIONS = {"close", "cancel", "extend"}


@require_POST
def round_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ROUND_DECISIONS:
        raise Http404("No such decision on a round.")
    round = get_object_or_404(ConsensusRound, pk=pk)
    form = RoundDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why: every decision on a round records a reason.")
        return redirect("web:round", pk=pk)
    reason, deadline = form.cleaned_data["reason"], form.cleaned_data["deadline"]
    try:
        if action == "close":
            consensus_round_close(round=round, actor=request.user, reason=reason)
        elif action == "cancel":
            consensus_round_cancel(round=round, actor=request.user, reason=reason)
        elif action == "extend":
            if deadline is None:
                raise ApplicationError("Give the new deadline to extend the round.")
            consensus_round_extend(
                round=round, actor=request.user, deadline=deadline, reason=reason
            )
    except ApplicationError as error:
        return refused(request, error, back=round_url(round))
    done = {"close": "closed", "cancel": "cancelled", "extend": "extended"}[action]
    messages.success(request, f"Round {done}.")
    return redirect("web:round", pk=pk)
