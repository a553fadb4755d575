"""A finished draft joins the path of every product: filed as the next revision of that year's
"ISECG Annual Report <year>" deliverable (added to the record if missing, led by the group that
led the previous year's report, as SCWG does in the record). The secretariat then edits the
DOCX, uploads it as the next revision, and takes it through consensus to publication."""

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.transactions import atomic_retrying
from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_create
from apps.documents.models import Revision
from apps.documents.services import revision_upload
from apps.groups.models import WorkingGroup

from .models import ReportDraft

REPORT_LEAD_GROUP = "SCWG"  # the record's annual reports are the communications group's


def annual_report_title(year: int) -> str:
    return f"ISECG Annual Report {year}"


def _report_deliverable(*, year: int, actor) -> Deliverable:
    reports = Deliverable.objects.filter(kind=Deliverable.Kind.ANNUAL_REPORT)
    found = reports.filter(title=annual_report_title(year)).first()
    if found is not None:
        return found
    previous = reports.filter(title=annual_report_title(year - 1)).first()
    lead = (
        previous.lead_group
        if previous
        else WorkingGroup.objects.filter(acronym=REPORT_LEAD_GROUP).first()
    )
    if lead is None:
        raise ApplicationError(
            f"There is no '{annual_report_title(year)}' deliverable, and no group to lead one "
            f"(neither last year's report nor {REPORT_LEAD_GROUP} is in the record): add the "
            "deliverable first.",
            code="illegal_move",
        )
    return deliverable_create(
        actor=actor,
        reason=f"For draft of the {year} annual report filed as its text",
        title=annual_report_title(year),
        kind=Deliverable.Kind.ANNUAL_REPORT,
        lead_group=lead,
    )


@atomic_retrying
def report_draft_file_as_revision(*, draft: ReportDraft, actor) -> Revision:
    """Who: the secretariat. The draft must be done; its DOCX becomes the next revision."""
    if not permissions.is_secretariat(actor):
        raise ApplicationError(
            "Only the secretariat files a report draft as a revision.", code="forbidden"
        )
    if draft.state != ReportDraft.State.DONE:
        raise ApplicationError(
            f"Draft v{draft.version} of {draft.year} is {draft.state}: only a finished draft "
            "is filed.",
            code="illegal_move",
        )
    deliverable = _report_deliverable(year=draft.year, actor=actor)
    with draft.docx.open("rb") as docx:
        return revision_upload(
            deliverable=deliverable,
            actor=actor,
            file=docx,
            note=f"Draft v{draft.version} of the {draft.year} annual report, as the tracker "
            "drafted it from the record",
        )
