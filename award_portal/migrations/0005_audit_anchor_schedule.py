"""Schedules the audit anchor: Celery beat writes the chain head outside the database every 10 minutes.

A data migration rather than CELERY_BEAT_SCHEDULE: the database scheduler reads its tasks from
the database, every deployment migrates, and an office admin sees (and, audited, may change)
the schedule in the admin. Idempotent: an existing task of that name is left as it is.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "audit: anchor the chain head"


def schedule_anchor(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "award_portal.anchor_audit", "interval": every_ten, "enabled": True,
        "description": "Writes the audit chain head to AUDIT_ANCHOR_DIR (docs/architecture.md, The audit trail).",
    })
    if created:  # a running beat re-reads its schedule when this row changes
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule_anchor(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("award_portal", "0004_auditevent_mac"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_anchor, unschedule_anchor)]
