from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    """The committee's deliberation: meetings, quorum, recusal, votes per tier and their tally."""

    name = "deliberation"
    verbose_name = _("Deliberation")
