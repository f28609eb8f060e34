"""Schedules monitoring's daily tasks in the database scheduler (as notices 0003 does), so every
deployment has them and changing them in the admin is audited."""

from django.db import migrations
from django.utils import timezone

TASKS = [
    ("monitoring: re-screen winners against new records", "monitoring.monitor_winners", "30", "2",
     "Re-screens every winner inside its revocation window against the records imported since the last run."),
    ("monitoring: self-evaluation reports (schedule, remind, chase)", "monitoring.self_evaluation_reports", "0", "9",
     "Schedules the reports winners owe, reminds ahead of due dates and chases overdue reports."),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = False
    for name, task, minute, hour, description in TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(minute=minute, hour=hour, day_of_week="*",
                                                           day_of_month="*", month_of_year="*",
                                                           timezone="Asia/Shanghai")
        _task, created = PeriodicTask.objects.get_or_create(name=name, defaults={
            "task": task, "crontab": crontab, "enabled": True, "description": description})
        changed = changed or created
    if changed:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
