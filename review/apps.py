from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from . import signals

        signals.connect()

        # The office's pages (views_office): the pool, for the office, supervisors and the guidance group.
        from award_portal import navigation

        from . import permissions

        navigation.register_nav(_("Expert pool"), "review-pool", visible=permissions.can_read_pool, order=35)
