import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core.errors import ApplicationError
from apps.record.scale import DELIVERABLES_PER_SCALE, scale_data_generate


class Command(BaseCommand):
    help = (
        "Add synthetic data on top of the ISECG record, reproducibly from --seed: "
        f"{DELIVERABLES_PER_SCALE} deliverables per unit of --scale, with their workflow "
        "histories, consensus rounds and positions, groups, outlook items and activities. "
        "For benchmarks; never on a production database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, required=True, help="e.g. 1, 10 or 100")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same rows")

    def handle(self, *args, scale: float, seed: int, **options) -> None:
        started = time.perf_counter()
        try:
            result = scale_data_generate(
                scale=scale,
                seed=seed,
                progress=lambda line: (
                    self.stdout.write(f"  {line}") if options["verbosity"] else None
                ),
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum would do after a bulk load, at once: fresh planner statistics and
            # a visibility map, so the first reads are planned and served as they will be.
            # (VACUUM cannot run inside a transaction: a caller's atomic block goes without.)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.deliverables} deliverables, {result.history_rows} history rows, "
                f"{result.rounds} consensus rounds with {result.positions} positions, "
                f"{result.groups} working groups in use, {result.outlook_items} outlook items, "
                f"{result.activities} activities and {result.meetings} meetings "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
