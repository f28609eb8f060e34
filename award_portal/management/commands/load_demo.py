from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from importlib import import_module


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent) and print one login per role."

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.load()
        from award_portal.demo import logins

        self.stdout.write("\nDemo logins (http://127.0.0.1:8000/accounts/login/):")
        for username, role, password in logins():
            self.stdout.write(f"  {username:<14} {password:<16} {role}")
