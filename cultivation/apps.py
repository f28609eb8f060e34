from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    """Cultivating future applicants: courses, coaching, campaigns and their progress."""

    name = "cultivation"
    verbose_name = _("Cultivation")
