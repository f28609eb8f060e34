"""The object permission an assignment grants (django-guardian): read an application as its reviewer."""

from django.db import migrations


def create_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ct, _ = ContentType.objects.get_or_create(app_label="applications", model="application")
    Permission.objects.get_or_create(codename="review_application", content_type=ct,
                                     defaults={"name": "Can review an assigned application"})


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_permission, migrations.RunPython.noop)]
