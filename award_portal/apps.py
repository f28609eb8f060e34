from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardPortalConfig(AppConfig):
    name = "award_portal"
    verbose_name = _("Portal foundation")

    def ready(self):
        # audit connects the PostgreSQL trigger installer; accounts the auth signals to the trail.
        from . import accounts, audit  # noqa: F401

        accounts.connect_axes_signals()
