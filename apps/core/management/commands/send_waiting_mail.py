from django.core.management.base import BaseCommand

from apps.core.outbox import outbox_send_waiting


class Command(BaseCommand):
    help = (
        "Send the outgoing mails due for a first or another attempt. Celery beat runs the same "
        "every minute; --now tries every waiting mail at once, e.g. once the mail server is "
        "fixed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Try every waiting mail now, without waiting for its next attempt time.",
        )

    def handle(self, *args, **options) -> None:
        run = outbox_send_waiting(ignore_backoff=options["now"])
        self.stdout.write(
            f"Sent {run.sent}, to try again {run.retry}, failed {run.failed}, "
            f"taken by another sender {run.skipped}."
        )
        if run.left:
            self.stdout.write(
                f"Stopped early: the mail server could not be reached, so {run.left} more "
                "mail(s) wait for the next run. Check EMAIL_HOST and EMAIL_PORT."
            )
        if run.released:
            self.stdout.write(f"Released {run.released} mail(s) whose sender stopped mid-send.")
