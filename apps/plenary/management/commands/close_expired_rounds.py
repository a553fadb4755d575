from django.core.management.base import BaseCommand

from apps.plenary.services import consensus_rounds_close_expired


class Command(BaseCommand):
    help = (
        "Close every consensus round whose deadline has passed (the silence procedure). "
        "Celery beat runs the same every 15 minutes."
    )

    def handle(self, *args, **options) -> None:
        closed = consensus_rounds_close_expired()
        self.stdout.write(f"Closed {closed} expired consensus round(s).")
