"""Creates the role groups and, in PostgreSQL, the trigger that keeps the audit trail append-only."""

from django.db import migrations

from award_portal.audit import POSTGRES_TRIGGER_DROP_SQL, POSTGRES_TRIGGER_SQL

ROLES = ["applicant", "recommender", "office", "expert", "guidance", "committee", "supervisor"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the PL/pgSQL body contains "%", which must not be read as a placeholder.
        schema_editor.execute(POSTGRES_TRIGGER_SQL, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER_DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("award_portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
