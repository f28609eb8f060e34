import logging
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="the portal's address to print with the logins (make run passes the port it serves on)")

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        # The demo replays rounds in seconds: eligibility tasks queued by its recommendations run
        # after the demo has moved those applications on, and say so at INFO. Not news here.
        logging.getLogger("applications.tasks").setLevel(logging.WARNING)
        # The demo's notifications are stored in the portal; their e-mails are not printed.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            for app_config in apps.get_app_configs():
                try:
                    module = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.load()
        from award_portal.demo import logins

        url = options["url"].rstrip("/")
        self.stdout.write(f"\nDemo logins ({url}/accounts/login/):")
        for username, role, password in logins():
            self.stdout.write(f"  {username:<14} {password:<16} {role}")
