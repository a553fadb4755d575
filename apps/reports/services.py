"""Annual report drafts: request one, draft it (the Celery task's work), write the narrative.

A request is one ReportDraft row with the year's next version. The task drafts it from the
database alone, records its progress on the row, writes the DOCX, the HTML preview and its PDF
under temporary names and renames them into place only when all are complete, and records either
the files and their checksum or a failure a person can act on. Running the task again for the
same draft never makes a second draft or a half-written file.
"""

import datetime
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from functools import partial

import jinja2
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.limits import FIRST_YEAR

from .content import Report, report_build, section_plan
from .files import StagedFile, draft_storage_location
from .models import ReportDraft
from .pdf import PdfRenderingError
from .render import TemplateMissing, docx_template_path, render_docx, render_html, render_pdf
from .selectors import report_facts
from .signals import draft_progressed

logger = logging.getLogger(__name__)

# Two requests for the same year at the same moment both compute the same next version; the
# unique constraint refuses the second, which then takes the version after.
VERSION_ATTEMPTS = 5

READING = "Reading the record"
RENDERING_DOCX = "Writing the DOCX"
RENDERING_HTML = "Writing the HTML preview"
RENDERING_PDF = "Writing the PDF"
DONE = "Done"


def draft_steps(year: int) -> list[tuple[str, int]]:
    """(step, percent when it starts) of a draft of `year`: what a watcher sees, in order."""
    titles = [
        READING,
        *(title for _, title in section_plan(year)),
        RENDERING_DOCX,
        RENDERING_HTML,
        RENDERING_PDF,
    ]
    return [(title, index * 100 // len(titles)) for index, title in enumerate(titles)]


def draft_file_names(*, year: int, version: int) -> tuple[str, str, str]:
    """The DOCX, HTML and PDF names in the storage: fixed per draft, so a rerun replaces."""
    stem = f"reports/{year}/isecg-annual-report-{year}-v{version}"
    return f"{stem}.docx", f"{stem}.html", f"{stem}.pdf"


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool):
        raise ApplicationError(f"Give the year as a number, e.g. {this_year - 1}.")
    if year < FIRST_YEAR:
        raise ApplicationError(
            f"ISECG began in {FIRST_YEAR}: there is no annual report for {year}. "
            f"Give a year from {FIRST_YEAR} to {this_year}."
        )
    if year > this_year:
        raise ApplicationError(
            f"{year} has not begun: its report cannot be drafted yet. Give a year from "
            f"{FIRST_YEAR} to {this_year} (usually last year, {this_year - 1})."
        )


def report_draft_request(*, year: int, actor, origin: str | None = None) -> ReportDraft:
    """Queue a new draft of the annual report for `year`: the year's next version.

    Who: the secretariat (accounts.permissions.may_draft_report). `actor` None is the system:
    the January beat job, or an operator's draft_annual_report command (`origin` says which).
    The task is queued once the request is committed; with no broker it runs in-process.
    """
    if actor is not None and not permissions.may_draft_report(actor):
        raise ApplicationError(
            "Only the secretariat may draft the annual report.", code="forbidden"
        )
    _check_year(year)
    origin = origin or (ReportDraft.Origin.APP if actor is not None else ReportDraft.Origin.BEAT)
    who = str(actor) if actor is not None else ReportDraft.Origin(origin).label
    for attempt in range(VERSION_ATTEMPTS):
        try:
            with transaction.atomic():
                draft = ReportDraft(
                    year=year,
                    version=_latest_version(year) + 1,
                    requested_by=actor,
                    origin=origin,
                )
                draft._history_user = actor
                draft._change_reason = f"Requested by {who}"
                draft.save()
                transaction.on_commit(partial(_queue, draft.pk, draft))
            return draft
        except IntegrityError:
            if attempt == VERSION_ATTEMPTS - 1:
                raise ApplicationError(
                    f"Several drafts of {year} were requested at the same moment and this one "
                    "could not get a version number. Ask again in a moment.",
                    code="stale",
                ) from None
    raise AssertionError("unreachable")


def _latest_version(year: int) -> int:
    return ReportDraft.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0


QUEUE_UNREACHABLE = (
    "The task queue (Redis) cannot be reached right now, so no worker has this draft yet. "
    "The request is kept: it is queued automatically as soon as the queue is back (checked "
    "every {minutes} minutes), and drafted then. If this lasts, check that Redis is running "
    "at REDIS_URL."
)

# What a broker outage raises: kombu's error when publishing, redis-py's when the result
# backend subscribes, a socket error when neither wrapped it.
_BROKER_ERRORS = (BrokerError, RedisError, ConnectionError, TimeoutError)


def _queue(draft_id: int, requested: ReportDraft | None = None) -> bool:
    """Hand the draft to the broker; when it is unreachable, keep the draft queued and say so.

    `requested` (the caller's copy) gets the waiting reason too, so the web page, the API and
    the command can tell the person at once. True when the broker took the task.
    """
    from .tasks import draft_annual_report

    try:
        try:
            draft_annual_report.delay(draft_id)
        except RuntimeError as exc:  # celery's "retry limit exceeded" around a Redis error
            if isinstance(exc.__cause__, _BROKER_ERRORS):
                raise exc.__cause__ from exc
            raise
    except _BROKER_ERRORS:
        logger.exception("Could not queue report draft #%s; the sweeper will retry", draft_id)
        reason = QUEUE_UNREACHABLE.format(minutes=settings.REPORT_DRAFT_SWEEP_MINUTES)
        with transaction.atomic():
            draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
            if draft.state == ReportDraft.State.QUEUED and draft.waiting_reason != reason:
                draft.waiting_reason = reason
                draft._change_reason = "Waiting: the task queue could not be reached"
                draft.save()
        if requested is not None:
            requested.waiting_reason = reason
        return False
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        draft.queued_at = timezone.now()
        if draft.waiting_reason:
            draft.waiting_reason = ""
            draft._change_reason = "Queued: the task queue is reachable again"
            draft.save()
        else:
            # Bookkeeping of the queue, not a change anyone made: no history row.
            ReportDraft.objects.filter(pk=draft_id).update(queued_at=draft.queued_at)
    if requested is not None:
        requested.waiting_reason = ""
    return True


@dataclass
class SweepResult:
    queued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    still_waiting: list[int] = field(default_factory=list)


def report_drafts_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Nothing stays queued or running forever: hand stalled drafts to the queue again, or
    fail them with the reason once they have waited or been interrupted too long.

    Who: the beat job (tasks.sweep_report_drafts) and operators (manage.py sweep_report_drafts).
    A queued draft the broker never took is handed over at once; one the broker took but no
    worker started within REPORT_DRAFT_STALE_SECONDS (its message was lost, e.g. Redis
    restarted without persistence) is queued again; so is a running one whose worker died
    without the broker redelivering it. The drafting task's takeover rule makes a duplicate
    message harmless: a draft is still finished exactly once.
    """
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.REPORT_DRAFT_STALE_SECONDS)
    too_old = now - datetime.timedelta(seconds=settings.REPORT_DRAFT_GIVE_UP_SECONDS)
    result = SweepResult()
    pending = ReportDraft.objects.filter(
        state__in=[ReportDraft.State.QUEUED, ReportDraft.State.RUNNING]
    ).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            # A draft a worker is saving right now is skipped: the next sweep sees its outcome.
            draft = ReportDraft.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if draft is None or draft.state not in (
                ReportDraft.State.QUEUED,
                ReportDraft.State.RUNNING,
            ):
                continue
            why = _give_up_reason(draft, too_old=too_old)
            if why:
                draft.state = ReportDraft.State.FAILED
                draft.error = why
                draft.waiting_reason = ""
                draft.finished_at = now
                draft._change_reason = f"Failed: {why}"
                draft.save()
                result.failed.append(pk)
                continue
            if draft.state == ReportDraft.State.QUEUED:
                due = draft.queued_at is None or draft.queued_at < stale
            else:
                # Last sign of life: the run's start, or the sweeper's own last hand-over.
                signs = [sign for sign in (draft.started_at, draft.queued_at) if sign]
                due = max(signs, default=draft.created_at) < stale
            if not due:
                continue
            if draft.queued_at is not None:
                draft.requeues += 1
                draft._change_reason = f"Queued again by the sweeper ({draft.requeues}): " + (
                    "no worker had started it"
                    if draft.state == ReportDraft.State.QUEUED
                    else "its worker stopped mid-draft"
                )
                draft.save()
        if _queue(pk):
            result.queued.append(pk)
        else:
            result.still_waiting.append(pk)
    return result


def _give_up_reason(draft: ReportDraft, *, too_old: datetime.datetime) -> str:
    hours = settings.REPORT_DRAFT_GIVE_UP_SECONDS / 3600
    again = f"Draft {draft.year} again once the cause is fixed."
    if draft.attempts >= settings.REPORT_DRAFT_MAX_ATTEMPTS:
        return (
            f"Drafting was interrupted {draft.attempts} times (the worker stopped each time, "
            "e.g. killed for lack of memory or restarted mid-draft). Check the worker's log "
            f"and its memory limit. {again}"
        )
    if draft.created_at < too_old:
        waited = "never reached the task queue" if draft.queued_at is None else "was not drafted"
        return (
            f"The request {waited} within {hours:g} hours: Redis or the Celery workers were "
            f"unavailable all that time. Check REDIS_URL and that a worker runs (make worker). "
            f"{again}"
        )
    return ""


def annual_report_draft_scheduled(*, today: datetime.date | None = None) -> ReportDraft:
    """Queue last year's draft; a redelivered schedule task within a day queues nothing more.

    Who: the January beat job only (tasks.draft_previous_year_report); acts as the system.
    """
    year = (today or timezone.localdate()).year - 1
    already = ReportDraft.objects.filter(
        year=year,
        origin=ReportDraft.Origin.BEAT,
        created_at__gte=timezone.now() - datetime.timedelta(days=1),
    ).first()
    if already is not None:
        return already
    return report_draft_request(year=year, actor=None, origin=ReportDraft.Origin.BEAT)


def annual_report_draft(*, draft_id: int) -> ReportDraft:
    """Draft the report of a queued ReportDraft: the work of the Celery task, safe to rerun.

    Who: tasks.draft_annual_report only (the request was checked by report_draft_request).
    A done or failed draft is returned untouched, so a redelivered or retried task never
    drafts twice. A draft left running by a lost worker is taken over; the older run, should
    it still be alive, is superseded and writes nothing. Database outages propagate (the task
    retries); any other failure is recorded on the draft with what to do about it.
    """
    draft, attempt = _claim(draft_id)
    if attempt is None:
        return draft
    run = _Run(draft=draft, attempt=attempt)
    try:
        return run.work()
    except _Superseded:
        run.discard()
        return ReportDraft.objects.get(pk=draft_id)
    except (OperationalError, InterfaceError):
        run.discard()
        raise
    except Exception as exc:
        logger.exception("Report draft #%s failed at %r", draft_id, run.step_title)
        run.discard()
        return _fail(draft_id, attempt=attempt, message=run.explain(exc))


# --- the task's work ------------------------------------------------------------------------


class _Superseded(Exception):
    """A newer attempt took this draft over: this run stops and writes nothing."""


def _claim(draft_id: int) -> tuple[ReportDraft, int | None]:
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().filter(pk=draft_id).first()
        if draft is None:
            raise ApplicationError(f"There is no report draft #{draft_id}.", code="not_found")
        if draft.state in (ReportDraft.State.DONE, ReportDraft.State.FAILED):
            return draft, None
        resumed = draft.state == ReportDraft.State.RUNNING
        draft.attempts += 1
        draft.state = ReportDraft.State.RUNNING
        draft.percent = 0
        draft.current_section = ""
        draft.waiting_reason = ""
        draft.started_at = timezone.now()
        draft._change_reason = (
            f"Drafting restarted (attempt {draft.attempts}): the previous run was interrupted"
            if resumed
            else "Drafting started"
        )
        draft.save()
    return draft, draft.attempts


def _fail(draft_id: int, *, attempt: int | None, message: str) -> ReportDraft:
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft_id)
        mine = attempt is None or draft.attempts == attempt
        if mine and draft.state in (ReportDraft.State.QUEUED, ReportDraft.State.RUNNING):
            draft.state = ReportDraft.State.FAILED
            draft.error = message
            draft.finished_at = timezone.now()
            draft._change_reason = f"Failed: {message}"[:100]
            draft.save()
    return draft


@dataclass
class _Run:
    draft: ReportDraft
    attempt: int
    step_title: str = ""
    staged: list[StagedFile] = field(default_factory=list)

    def work(self) -> ReportDraft:
        draft = self.draft
        steps = dict(draft_steps(draft.year))
        today = timezone.localdate()

        self.step(READING, steps)
        facts = report_facts(year=draft.year, today=today)
        report = report_build(
            facts=facts,
            version=draft.version,
            drafted_on=today,
            on_section=lambda key, title: self.step(title, steps),
        )
        self.step(RENDERING_DOCX, steps)
        docx = render_docx(report, drafted_at=draft.created_at)
        self.step(RENDERING_HTML, steps)
        page = render_html(report)
        html = page.encode("utf-8")
        self.step(RENDERING_PDF, steps)
        pdf = render_pdf(report, html=page)

        docx_name, html_name, pdf_name = draft_file_names(year=draft.year, version=draft.version)
        self.step_title = "Saving the files"
        ready = [
            self._write_temporary(docx_name, docx),
            self._write_temporary(html_name, html),
            self._write_temporary(pdf_name, pdf),
        ]
        return self._finish(ready, checksum=hashlib.sha256(docx).hexdigest(), report=report)

    def step(self, title: str, steps: dict[str, int]) -> None:
        self.step_title = title
        percent = steps[title]
        # A plain UPDATE, outside any transaction, so watchers see it at once; progress ticks
        # are not business changes and write no history row.
        still_mine = ReportDraft.objects.filter(
            pk=self.draft.pk, attempts=self.attempt, state=ReportDraft.State.RUNNING
        ).update(current_section=title, percent=percent)
        if not still_mine:
            raise _Superseded
        draft_progressed.send(
            sender=ReportDraft, draft_id=self.draft.pk, section=title, percent=percent
        )

    def _write_temporary(self, name: str, data: bytes) -> StagedFile:
        staged = StagedFile.beside(name, data, tag=f"{self.attempt}-{uuid.uuid4().hex[:8]}")
        self.staged.append(staged)
        staged.write()
        return staged

    def _finish(self, ready: list[StagedFile], *, checksum: str, report: Report):
        with transaction.atomic():
            draft = ReportDraft.objects.select_for_update().get(pk=self.draft.pk)
            if draft.attempts != self.attempt or draft.state != ReportDraft.State.RUNNING:
                raise _Superseded
            # Only the run that still owns the draft puts its files in place (files.StagedFile:
            # a reader never sees half of one).
            draft.docx.name, draft.html.name, draft.pdf.name = [s.publish() for s in ready]
            draft.checksum = checksum
            draft.checklist_items = len(report.checklist)
            draft.state = ReportDraft.State.DONE
            draft.percent = 100
            draft.current_section = DONE
            draft.error = ""
            draft.finished_at = timezone.now()
            draft._change_reason = (
                f"Drafted: {len(report.sections)} sections, {len(report.checklist)} checklist items"
            )
            draft.save()
        return draft

    def discard(self) -> None:
        for staged in self.staged:
            staged.discard()

    def explain(self, exc: Exception) -> str:
        """What went wrong, in words a person can act on."""
        year = self.draft.year
        template = docx_template_path()
        if isinstance(exc, TemplateMissing):
            return (
                f"The Word template {template} is missing. Restore it from the repository "
                "(git checkout -- apps/reports/templates/reports/annual_report.docx), then "
                f"draft {year} again."
            )
        if isinstance(exc, jinja2.TemplateError):
            return (
                f"The Word template {template} could not be filled ({exc}). A {{{{ }}}} or "
                "{% %} tag was probably changed while restyling it: compare it with the "
                f"committed template, then draft {year} again."
            )
        if isinstance(exc, PdfRenderingError):
            return f"The PDF could not be made: {exc} Then draft {year} again."
        if self.step_title == "Saving the files":
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            return (
                f"The draft files could not be written to {draft_storage_location()} ({why}), "
                "the storage that MEDIA_ROOT or AWS_STORAGE_BUCKET_NAME names. Check that it "
                f"exists and that the worker may write to it, then draft {year} again."
            )
        return (
            f"Drafting stopped at '{self.step_title}': {type(exc).__name__}: {exc}. The "
            "record may hold something the report cannot show; tell the developers, quoting "
            f"draft #{self.draft.pk} ({year}, version {self.draft.version})."
        )
