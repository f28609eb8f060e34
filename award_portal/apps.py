from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardPortalConfig(AppConfig):
    name = "award_portal"
    verbose_name = _("Portal foundation")

    def ready(self):
        from . import audit  # noqa: F401  (connects the PostgreSQL trigger installer)
