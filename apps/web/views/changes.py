"""Structural changes: the list by state, proposing one, and its page (summary, lineage, rounds,
history, and what this user may do: amend, withdraw, put it to a round, record the SAMs'
endorsement). Every write is a service of apps/groups/changes.py or apps/plenary/opening.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.history import HIDDEN_HISTORY_FIELDS, history_entries, history_records
from apps.groups.change_selectors import (
    change_lineage,
    changes_by_state,
    structural_changes,
    takes_effect_label,
)
from apps.groups.changes import (
    structural_change_amend,
    structural_change_endorse,
    structural_change_propose,
    structural_change_withdraw,
)
from apps.groups.models import StructuralChange
from apps.plenary.abilities import change_abilities, may_propose_some_change
from apps.plenary.services import structural_change_round_open

from ..forms.changes import (
    AmendChangeForm,
    EndorseChangeForm,
    ProposeChangeForm,
    WithdrawChangeForm,
    fields_refused,
)
from ..forms.rounds import OpenRoundForm, open_round_form
from .common import refused
from .rounds import told_summary

HISTORY_PAGE_SIZE = 25


def change_url(change: StructuralChange) -> str:
    return reverse("web:change", args=[change.pk])


def change_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/change_list.html",
        {"sections": changes_by_state(), "may_propose": may_propose_some_change(request.user)},
    )


def change_new(request: HttpRequest) -> HttpResponse:
    """The proposal form: the secretariat's, or a co-chair's for a change to their group (the
    service refuses one for another's group, however the form is posted)."""
    if not may_propose_some_change(request.user):
        message = "Only the secretariat, or a co-chair of a group a change affects, may propose it."
        return render(request, "web/refused.html", {"message": message}, status=403)
    secretariat = permissions.may_manage_record(request.user)
    if request.method != "POST":
        form = ProposeChangeForm(secretariat=secretariat)
        return render(request, "web/change_new.html", {"form": form})
    form = ProposeChangeForm(request.POST, secretariat=secretariat)
    if form.is_valid():
        try:
            change = structural_change_propose(actor=request.user, **form.proposal())
        except ApplicationError as error:
            if error.code == "forbidden":
                return refused(request, error, back=reverse("web:changes"))
            if not fields_refused(form, error):
                form.add_error(None, error.message)
        else:
            messages.success(
                request, "Proposed. Nothing changes in the record until it is decided."
            )
            return redirect(change_url(change))
    messages.error(request, "Not proposed: see what to fix below.")
    return render(request, "web/change_new.html", {"form": form}, status=400)


def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return change_page(request, pk)


def change_page(
    request: HttpRequest,
    pk: int,
    *,
    amend_form: AmendChangeForm | None = None,
    withdraw_form: WithdrawChangeForm | None = None,
    endorse_form: EndorseChangeForm | None = None,
    round_form: OpenRoundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The change's page; a refused form (bound, with its errors) is shown in place of the
    empty one."""
    change = get_object_or_404(structural_changes(), pk=pk)
    user = request.user
    secretariat = permissions.may_manage_record(user)
    abilities = change_abilities(change=change, user=user)
    context = {
        "change": change,
        "lineage": change_lineage(change),
        "abilities": abilities,
        "is_secretariat": secretariat,
        "rounds": change.consensus_rounds.select_related("opened_by").order_by("-opened_at", "-pk"),
        **_timeline(request, change, secretariat=secretariat),
    }
    if abilities.may("amend"):
        context["amend_form"] = amend_form or AmendChangeForm.for_change(
            change, secretariat=secretariat
        )
    if abilities.may("withdraw"):
        context["withdraw_form"] = withdraw_form or WithdrawChangeForm(prefix="withdraw")
    if abilities.may("open_round"):
        context["open_round_form"] = round_form or open_round_form(revisions=())
    if abilities.may("endorse"):
        context["endorse_form"] = endorse_form or EndorseChangeForm(prefix="endorse")
    return render(request, "web/change_detail.html", context, status=status)


def _timeline(request: HttpRequest, change: StructuralChange, *, secretariat: bool) -> dict:
    """A page of the change's history, newest first; the secretariat's notes only for it."""
    page = Paginator(history_records(change), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("history_page")
    )
    hidden = HIDDEN_HISTORY_FIELDS | {"version"} | (set() if secretariat else {"notes"})
    timeline = history_entries(change, page, hidden=hidden, show_notes=secretariat)
    return {"history_page": page, "timeline": timeline}


@require_POST
def change_amend(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(StructuralChange, pk=pk)
    secretariat = permissions.may_manage_record(request.user)
    form = AmendChangeForm(request.POST, secretariat=secretariat, prefix="amend")
    if not form.is_valid():
        messages.error(request, "Not amended: see what to fix below.")
        return change_page(request, pk, amend_form=form, status=400)
    try:
        structural_change_amend(
            change=change,
            actor=request.user,
            expected_version=form.cleaned_data["seen_version"],
            reason=form.cleaned_data["reason"],
            **form.texts(),
        )
    except ApplicationError as error:
        if error.code == "stale":
            # Someone amended it meanwhile: the page shows their text, this user's stays in
            # the form, and amending again is a choice made knowing what it replaces.
            form.carry_version(error.extra["version"])
            messages.error(request, error.message)
            return change_page(request, pk, amend_form=form, status=409)
        if error.code in ("forbidden", "illegal_move"):
            return refused(request, error, back=change_url(change))
        if not fields_refused(form, error):
            form.add_error(None, error.message)
        messages.error(request, "Not amended: see what to fix below.")
        return change_page(request, pk, amend_form=form, status=400)
    messages.success(request, "Proposal amended.")
    return redirect(change_url(change))


@require_POST
def change_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(StructuralChange, pk=pk)
    form = WithdrawChangeForm(request.POST, prefix="withdraw")
    if not form.is_valid():
        messages.error(request, "Not withdrawn: say why.")
        return change_page(request, pk, withdraw_form=form, status=400)
    try:
        structural_change_withdraw(
            change=change, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        return refused(request, error, back=change_url(change))
    messages.success(request, "Proposal withdrawn; it stays in the record, with its history.")
    return redirect(change_url(change))


@require_POST
def change_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(StructuralChange, pk=pk)
    form = EndorseChangeForm(request.POST, prefix="endorse")
    if not form.is_valid():
        messages.error(request, "The endorsement was not recorded: see what to fix below.")
        return change_page(request, pk, endorse_form=form, status=400)
    try:
        endorsed = structural_change_endorse(
            change=change,
            actor=request.user,
            endorsed_on=form.cleaned_data["endorsed_on"],
            decision=form.cleaned_data["decision"],
        )
    except ApplicationError as error:
        if error.code in ("forbidden", "illegal_move") or not fields_refused(form, error):
            return refused(request, error, back=change_url(change))
        messages.error(request, "The endorsement was not recorded: see what to fix below.")
        return change_page(request, pk, endorse_form=form, status=400)
    when = takes_effect_label(endorsed)
    messages.success(request, f"Endorsement recorded: the change is decided, {when}.")
    return redirect(change_url(change))


@require_POST
def change_round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the proposal to a consensus round; refused, the page again with what was typed (the
    unreachable agencies ticked) kept."""
    change = get_object_or_404(StructuralChange, pk=pk)
    form = open_round_form(revisions=(), data=request.POST)
    if not form.is_valid():
        messages.error(request, "The round was not opened: see what to fix below.")
        return change_page(request, pk, round_form=form, status=400)
    try:
        round = structural_change_round_open(
            change=change,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            deadline=form.cleaned_data["deadline"],
            meeting=form.cleaned_data["meeting"],
            unreachable_acknowledged=form.cleaned_data.get("acknowledge_unreachable", []),
        )
    except ApplicationError as error:
        if error.code in ("forbidden", "illegal_move"):
            return refused(request, error, back=change_url(change))
        messages.error(request, error.message)
        fields_refused(form, error)
        return change_page(request, pk, round_form=form, status=400)
    messages.success(request, f"Consensus round opened on the proposal. {told_summary(round)}")
    return redirect("web:round", pk=round.pk)
