import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.services import demo_accounts_ensure
from apps.record.demo import (
    demo_agenda_build,
    demo_delegations_ensure,
    demo_plenary_ensure,
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

    def handle(self, *args, **options) -> None:
        call_command("load_record", stdout=self.stdout)
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        accounts = demo_accounts_ensure(password=password)
        self.stdout.write(
            "\nDemo accounts (sign in at http://127.0.0.1:8000/; the admin is at /admin/):"
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<14} {account.role}")
        shown = "$DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else DEFAULT_DEMO_PASSWORD
        self.stdout.write(f"Password for each: {shown}")
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
