from django.core.management.base import BaseCommand

from apps.groups.changes import structural_changes_take_effect


class Command(BaseCommand):
    help = (
        "Make the effect of every decided structural change whose effective date has come "
        "(groups ended, set up, renamed; mandates in force). Celery beat runs the same daily."
    )

    def handle(self, *args, **options) -> None:
        made = structural_changes_take_effect()
        self.stdout.write(f"{made} structural change(s) took effect.")
