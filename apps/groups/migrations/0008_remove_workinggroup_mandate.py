"""WorkingGroup.mandate is gone: a group's mandate is its dated versions (MandateVersion), each
kept by 0007. A separate migration from 0007's copy, so that no table is altered in the
transaction that wrote rows pointing at it (PostgreSQL refuses with pending trigger events)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0007_mandates_into_versions"),
    ]

    operations = [
        # Blank first, so that going back adds the column to existing rows as "" before 0007's
        # way back copies the versions' texts into it.
        migrations.AlterField(
            model_name="workinggroup",
            name="mandate",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="historicalworkinggroup",
            name="mandate",
            field=models.TextField(blank=True),
        ),
        migrations.RemoveField(model_name="historicalworkinggroup", name="mandate"),
        migrations.RemoveField(model_name="workinggroup", name="mandate"),
    ]
