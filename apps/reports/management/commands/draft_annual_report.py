import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import ApplicationError
from apps.reports.files import draft_storage_location
from apps.reports.models import ReportDraft
from apps.reports.services import DONE, draft_steps, report_draft_request
from apps.reports.signals import draft_progressed
from apps.reports.tasks import draft_annual_report

POLL_SECONDS = 0.25
TEMPORARY_FAILURE = 75  # EX_TEMPFAIL: the request is kept, try again later


class Command(BaseCommand):
    help = (
        "Draft the ISECG annual report for YEAR (the year's next version): queues the task, "
        "prints a line per section as it goes, then the paths of the DOCX, the HTML preview and "
        "the PDF. --no-wait prints the draft's id at once. With no broker configured the task "
        "runs here. Exits 75 when the task queue is unreachable: the draft is kept and drafted "
        "once it is back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int, help="The year the report is about, e.g. 2025.")
        parser.add_argument(
            "--no-wait", action="store_true", help="Print the draft's id and return at once."
        )
        parser.add_argument(
            "--user",
            help="Username of the secretariat member asking (recorded on the draft and checked "
            "for permission). Default: the operator, recorded as the command line.",
        )
        parser.add_argument(
            "--timeout", type=int, default=600, help="Seconds to wait for a worker (default 600)."
        )

    def handle(self, *args, **options) -> None:
        actor = self._actor(options["user"])
        in_process = draft_annual_report.app.conf.task_always_eager
        printer = _Progress(self.stdout, draft_steps(options["year"]))
        watch = in_process and not options["no_wait"]
        if watch:
            draft_progressed.connect(printer.on_progress, weak=False)
        try:
            draft = report_draft_request(
                year=options["year"], actor=actor, origin=ReportDraft.Origin.COMMAND
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if watch:
                draft_progressed.disconnect(printer.on_progress)
        if options["no_wait"]:
            self.stdout.write(str(draft.pk))
            if draft.waiting_reason:
                self.stderr.write(draft.waiting_reason)
            return
        if draft.waiting_reason:
            # Kept, but no worker can have it: waiting here would only hide the outage.
            raise CommandError(
                f"Draft #{draft.pk} of {draft.year} (version {draft.version}) is kept queued. "
                f"{draft.waiting_reason}",
                returncode=TEMPORARY_FAILURE,
            )
        if not in_process:
            self.stdout.write(f"Queued draft #{draft.pk}; waiting for a worker...")
            draft = self._wait(draft, printer, timeout=options["timeout"])
        draft.refresh_from_db()
        self._report(draft, printer)

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named '{username}'.")
        return user

    def _wait(self, draft: ReportDraft, printer: "_Progress", *, timeout: int) -> ReportDraft:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            draft.refresh_from_db(fields=["state", "current_section", "percent"])
            if draft.current_section:
                printer.reached(draft.current_section)
            if draft.state in (ReportDraft.State.DONE, ReportDraft.State.FAILED):
                break
            time.sleep(POLL_SECONDS)
        return draft

    def _report(self, draft: ReportDraft, printer: "_Progress") -> None:
        label = f"Draft #{draft.pk} of the {draft.year} Annual Report, version {draft.version}"
        if draft.state == ReportDraft.State.FAILED:
            raise CommandError(f"{label} failed: {draft.error}")
        if draft.state != ReportDraft.State.DONE:
            raise CommandError(
                f"{label} is still {draft.state} ({draft.percent}% done"
                + (f", at '{draft.current_section}'" if draft.current_section else "")
                + "). Is a Celery worker running (make worker)? Watch it in the admin, or wait "
                "longer with --timeout."
            )
        printer.reached(DONE)
        self.stdout.write(
            self.style.SUCCESS(f"{label}: done, {draft.checklist_items} checklist items.")
        )
        self.stdout.write(f"DOCX: {draft_storage_location(draft.docx.name)}")
        self.stdout.write(f"HTML: {draft_storage_location(draft.html.name)}")
        if draft.pdf:
            self.stdout.write(f"PDF: {draft_storage_location(draft.pdf.name)}")
        self.stdout.write(f"SHA-256 of the DOCX: {draft.checksum}")


class _Progress:
    """Prints each step once, in order, even when polling saw only every other one."""

    def __init__(self, out, steps: list[tuple[str, int]]) -> None:
        self.out = out
        self.steps = steps
        self.printed = 0

    def on_progress(self, sender, *, section: str, **kwargs) -> None:
        self.reached(section)

    def reached(self, section: str) -> None:
        titles = [title for title, _ in self.steps]
        if section == DONE:
            upto = len(self.steps)
        elif section in titles:
            upto = titles.index(section) + 1
        else:
            return
        for title, percent in self.steps[self.printed : upto]:
            self.out.write(f"[{percent:3d}%] {title}")
        self.printed = max(self.printed, upto)
