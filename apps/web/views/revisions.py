"""A deliverable's text on the web: upload a revision, mark one superseded or withdrawn, retry
its text extraction, download it, and compare two revisions."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.documents.diff import diff_html, paragraph_diff
from apps.documents.files import revision_file_response
from apps.documents.models import Revision, text_paragraphs
from apps.documents.services import revision_status_set, revision_text_retry, revision_upload
from apps.plenary.models import ConsensusRound

from ..forms.revisions import RevisionDiffForm, RevisionStatusForm, RevisionUploadForm
from ..throttling import moves_throttled
from .common import refused
from .deliverables import deliverable_page
from .seen import revision_seen_record


def _revision(pk: int, number: int) -> Revision:
    return get_object_or_404(
        Revision.objects.select_related("deliverable__lead_group").defer("text"),
        deliverable_id=pk,
        number=number,
    )


def _text_url(deliverable: Deliverable) -> str:
    return deliverable.get_absolute_url() + "#text"


def _field_of(form, error: ApplicationError) -> str | None:
    """The form's field the service's message is about (the file, the note, the kind)."""
    extra = error.extra or {}
    named = extra.get("field") or next(iter(extra.get("fields") or {}), None)
    return named if named in form.fields else None


@require_POST
@moves_throttled
def revision_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable.objects.select_related("lead_group"), pk=pk)
    if not permissions.may_edit_deliverable(request.user, deliverable):
        return render(
            request,
            "web/refused.html",
            {"message": f"Only the co-chairs of {deliverable.lead_group.acronym} and the "
                        "secretariat may upload a revision of this deliverable."},
            status=403,
        )  # fmt: skip
    round_open = deliverable.consensus_rounds.filter(state=ConsensusRound.State.OPEN).exists()
    form = RevisionUploadForm(request.POST, request.FILES, round_open=round_open)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revision = revision_upload(
                deliverable=deliverable,
                actor=request.user,
                file=data["file"],
                note=data["note"],
                kind=data.get("kind", ""),
                reason=data.get("reason", ""),
            )
        except ApplicationError as error:
            field = _field_of(form, error)
            if field is None:  # not about what was sent (who, or the deliverable's state)
                return refused(request, error, back=_text_url(deliverable))
            form.add_error(field, error.message)
        else:
            messages.success(request, _uploaded_message(revision))
            return redirect(_text_url(deliverable))
    # Kept as sent (but the file, which no browser lets a page fill in), with what is wrong.
    return deliverable_page(request, pk, upload_form=form, status=400)


def _uploaded_message(revision: Revision) -> str:
    said = f"Revision {revision.label} uploaded; its text is being extracted for comparison."
    if revision.kind == Revision.Kind.SUBSTANTIVE:
        return said + " The round was cancelled and the deliverable is back to submitted."
    if revision.kind == Revision.Kind.EDITORIAL:
        return said + (
            " The round goes on, on this revision; a mail tells each eligible agency the "
            "tracker can write to (see who was told on the round's page)."
        )
    return said


@require_POST
@moves_throttled
def revision_status(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision = _revision(pk, number)
    back = _text_url(revision.deliverable)
    form = RevisionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, f"Revision {revision.label} was not marked: give the new status and a reason."
        )
        return redirect(back)
    try:
        revision_status_set(
            revision=revision,
            actor=request.user,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as error:
        return refused(request, error, back=back)
    messages.success(request, f"Revision {revision.label} marked {form.cleaned_data['status']}.")
    return redirect(back)


@require_POST
@moves_throttled
def revision_retry(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision = _revision(pk, number)
    back = _text_url(revision.deliverable)
    try:
        revision_text_retry(revision=revision, actor=request.user)
    except ApplicationError as error:
        return refused(request, error, back=back)
    messages.success(request, f"Revision {revision.label}'s text is being extracted again.")
    return redirect(back)


@require_safe
def revision_file(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    revision = _revision(pk, number)
    response = revision_file_response(revision)
    revision_seen_record(request, pk, revision.number)
    return response


def _not_comparable(revision: Revision) -> str:
    if revision.text_state == Revision.TextState.FAILED:
        return (
            f"Revision {revision.label}'s text could not be extracted ({revision.text_error}); "
            "the lead group's co-chairs or the secretariat may retry it on the deliverable's "
            "page. Download the files to compare them meanwhile."
        )
    return (
        f"Revision {revision.label}'s text is not extracted yet "
        f"({revision.get_text_state_display()}): the comparison appears once it is. "
        "Reload this page in a moment, or download the file."
    )


@require_safe
def revision_diff(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(Deliverable.objects.select_related("lead_group"), pk=pk)
    # Newest first; the texts are read below for the two compared only.
    revisions = list(deliverable.revisions.select_related("uploaded_by").defer("text"))
    by_number = {r.number: r for r in revisions}
    form = RevisionDiffForm(request.GET)
    context = {"deliverable": deliverable, "revisions": revisions, "form": form}
    if not form.is_valid():
        context["problem"] = "Give the revisions to compare by their numbers, e.g. from=0&to=1."
        return render(request, "web/revision_diff.html", context, status=400)
    new = form.cleaned_data["to"]
    if new is None and revisions:
        new = revisions[0].number
    old = form.cleaned_data["from"]
    if old is None and new is not None and new - 1 in by_number:
        old = new - 1
    context |= {"old": by_number.get(old), "new": by_number.get(new)}
    unknown = [n for n in (old, new) if n is not None and n not in by_number]
    if unknown:
        have = f"its revisions are 00 to {revisions[0].label}" if revisions else "it has none yet"
        context["problem"] = f"'{deliverable}' has no revision {unknown[0]:02d}: {have}."
        return render(request, "web/revision_diff.html", context, status=404)
    if not revisions:
        context["problem"] = "No revision of this deliverable has been uploaded yet."
    elif old is None:
        context["problem"] = "There is only one revision so far: nothing to compare it with."
    elif old == new:
        context["problem"] = "Pick two different revisions to compare."
    else:
        context |= _compared(request, deliverable, by_number[old], by_number[new])
    return render(request, "web/revision_diff.html", context)


def _compared(request: HttpRequest, deliverable: Deliverable, old: Revision, new: Revision):
    waiting = [r for r in (old, new) if r.text_state != Revision.TextState.DONE]
    if waiting:
        return {"problem": " ".join(_not_comparable(r) for r in waiting)}
    texts = dict(Revision.objects.filter(pk__in=[old.pk, new.pk]).values_list("pk", "text"))
    try:
        ops = paragraph_diff(text_paragraphs(texts[old.pk]), text_paragraphs(texts[new.pk]))
    except ApplicationError as error:
        return {"problem": error.message}
    revision_seen_record(request, deliverable.pk, max(old.number, new.number))
    changed = [op["op"] for op in ops if op["op"] != "equal"]
    return {
        # diff_html escapes every text itself: the one piece of markup shown as it is.
        "diff": diff_html(ops),
        "counts": {kind: changed.count(kind) for kind in ("replace", "insert", "delete")},
    }
