"""PostgreSQL: source record ids compare byte-wise (COLLATE "C"): they are identifiers, not text to
sort for people, and the unique index over them builds and probes faster that way."""

from django.db import migrations


def collate_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE bigdata_publicrecord ALTER COLUMN source_record_id TYPE varchar(80) COLLATE "C"',
            params=None)


class Migration(migrations.Migration):
    dependencies = [("bigdata", "0004_lean_flag_indexes")]

    operations = [migrations.RunPython(collate_c, migrations.RunPython.noop)]
