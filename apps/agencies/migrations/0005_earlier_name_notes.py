from django.db import migrations


class Migration(migrations.Migration):
    """An earlier name's 'note' is its notes, as on every record of the record."""

    dependencies = [("agencies", "0004_delegation_roles")]

    operations = [
        migrations.RenameField("agencyname", "note", "notes"),
        migrations.RenameField("historicalagencyname", "note", "notes"),
    ]
