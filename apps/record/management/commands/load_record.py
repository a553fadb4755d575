from django.core.management.base import BaseCommand

from apps.record.services import record_load


class Command(BaseCommand):
    help = (
        "Load the ISECG record (fixtures/isecg.yaml) with a first history row for every record. "
        "Does nothing if the record is already loaded, so nobody's edits are overwritten."
    )

    def handle(self, *args, **options) -> None:
        result = record_load()
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the ISECG record: {result.histories_written} records, "
                    "each with its first history row."
                )
            )
        else:
            self.stdout.write("The ISECG record is already loaded; nothing changed.")
