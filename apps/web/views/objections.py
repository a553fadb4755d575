"""Objections on the round page: each item of a round with its answer, the forms for those
who may answer it, and the resolution log of the previous objected round."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.documents.models import Revision
from apps.plenary.models import Objection
from apps.plenary.objections import objection_answer

from ..forms.objections import ObjectionAnswerForm
from ..throttling import moves_throttled
from .common import refused
from .objection_rows import ANSWERS, later_revisions, objections_url
from .rounds import round_page


@require_POST
@moves_throttled
def objection_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Objection.objects.select_related("round__deliverable__lead_group", "round__revision")
        .defer("round__revision__text"),
        pk=pk,
    )  # fmt: skip
    round = item.round
    back = objections_url(round.pk)
    status = request.POST.get("status", "")
    if status not in ANSWERS:
        messages.error(request, "Say how the objection is answered: resolved, not accepted or "
                                "withdrawn.")  # fmt: skip
        return redirect(back)
    later = later_revisions(round)
    form = ObjectionAnswerForm(request.POST, objection_id=item.pk, status=status, revisions=later)
    if form.is_valid():
        data = form.cleaned_data
        number = data.get("revision")
        revision = None
        if number is not None:
            revision = Revision.objects.filter(
                deliverable=round.deliverable_id, number=number
            ).defer("text").first()  # fmt: skip
        try:
            objection_answer(
                objection=item,
                actor=request.user,
                status=status,
                response=data["response"],
                revision=revision,
            )
        except ApplicationError as error:
            fields = (error.extra or {}).get("fields") or {}
            shown = [f for f in fields if f in form.fields and not form.fields[f].widget.is_hidden]
            field = next(iter(shown), None)
            # Not about a field shown (who, the item's state, or the answer asked for itself).
            if field is None:
                return refused(request, error, back=back)
            form.add_error(field, error.message)
        else:
            messages.success(request, _answered(item, status, revision))
            return redirect(back)
    return round_page(request, round.pk, answer_form=form, status=400)


def _answered(item: Objection, status: str, revision: Revision | None) -> str:
    said = {
        Objection.Status.RESOLVED: f"marked resolved in revision {getattr(revision, 'label', '')}",
        Objection.Status.NOT_ACCEPTED: "marked not accepted",
        Objection.Status.WITHDRAWN: "withdrawn",
    }[status]
    return f"{item.agency.acronym}'s objection {said}."
