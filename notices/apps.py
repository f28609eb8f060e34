from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Public notices with their working-day periods, objections, and the public pages."""

    name = "notices"
    verbose_name = _("Public notices")
