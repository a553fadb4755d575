import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.services import demo_accounts_ensure, demo_email
from apps.record.demo import (
    demo_agenda_build,
    demo_delegations_ensure,
    demo_plenary_ensure,
    demo_report_draft_of,
    demo_revisions_ensure,
)

# Documented in the README; only ever for a local demo.
DEFAULT_DEMO_PASSWORD = "isecg-demo"  # noqa: S105 -- demo-only, printed to the operator


class Command(BaseCommand):
    help = (
        "Load the ISECG record and create one demo account per role (idempotent). "
        "The password is $DEMO_PASSWORD, or the demo-only default 'isecg-demo'."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--sample-round",
            action="store_true",
            help="Also walk the LSS Gap Report to a consensus round on its sample revision 01 "
            "(changes that product's state from the record's).",
        )
        parser.add_argument(
            "--annual-report",
            type=int,
            metavar="YEAR",
            help="Also draft the annual report of YEAR, unless it has a draft already (queued, "
            "running or done), so a second run drafts nothing.",
        )

    def handle(self, *args, **options) -> None:
        call_command("load_record", stdout=self.stdout)
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        accounts = demo_accounts_ensure(password=password)
        self.stdout.write(
            f"\nDemo accounts (sign in at {settings.SITE_URL}/; the admin is at /admin/):"
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<14} {account.name:<18} {account.role}")
        shown = "$DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else DEFAULT_DEMO_PASSWORD
        self.stdout.write(f"Password for each: {shown}; e-mail: {demo_email('<username>')}")
        if not settings.EMAIL_HOST:
            self.stdout.write(
                "Mail (password resets, round notices) is printed on the server's console: "
                "EMAIL_HOST is unset."
            )
        delegations = demo_delegations_ensure()
        self.stdout.write(
            "\nDemo delegations with addresses (round mails to them are printed on this "
            "console; the other agencies show as unreachable):"
        )
        for username, acronym, role, email in delegations:
            self.stdout.write(f"  {acronym:<5} {role:<18} {username:<15} {email}")
        meeting = demo_plenary_ensure()
        samples = demo_revisions_ensure(sample_round=options["sample_round"], meeting=meeting)
        if samples:
            titles = sorted({str(revision.deliverable) for revision in samples})
            self.stdout.write(f"Sample revisions (generated texts) on: {'; '.join(titles)}")
        if meeting is not None:
            added = demo_agenda_build(meeting)
            self.stdout.write(
                f"Next plenary (a sample meeting): {meeting.title}, {meeting.starts_on}; "
                f"{added} agenda items built from the tracker; /meetings/{meeting.pk}/"
            )
        if options["annual_report"] is not None:
            self._annual_report(options["annual_report"])

    def _annual_report(self, year: int) -> None:
        draft = demo_report_draft_of(year)
        if draft is None:
            call_command("draft_annual_report", str(year), stdout=self.stdout, stderr=self.stderr)
            return
        self.stdout.write(
            f"The {year} annual report has a draft already (version {draft.version}, "
            f"{draft.get_state_display()}): not drafted again. Ask for a new version on "
            f"{settings.SITE_URL}/reports/."
        )
