"""Schedules the daily overdue-objection alert in the database scheduler (as award_portal 0005 does
for the audit anchor), so every deployment has it and changing it in the admin is audited."""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "notices: alert the office of overdue objections"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    morning, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="8", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="Asia/Shanghai")
    _task, created = PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "notices.alert_overdue_objections", "crontab": morning, "enabled": True,
        "description": "Tells the office once about each objection past its verification limit.",
    })
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_objection_overdue_alerted_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
