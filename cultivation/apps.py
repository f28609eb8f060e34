from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    """Cultivating future applicants: courses, coaching, campaigns and their progress."""

    name = "cultivation"
    verbose_name = _("Cultivation")

    def ready(self):
        from award_portal.audit import register_action_labels
        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from . import permissions
        from .audit_labels import ACTION_LABELS
        from .selectors import office_todo

        register_action_labels(ACTION_LABELS)
        register_nav(_("Cultivation"), "cultivation-home", order=65, visible=permissions.can_read_cultivation)
        register_nav(_("My cultivation"), "cultivation-mine", order=66, visible=permissions.has_own_cultivation)
        # The published campaigns' progress, for everyone the office's page is not for (the public included).
        register_nav(_("Quality cultivation"), "cultivation-public", order=12,
                     visible=lambda user: not permissions.can_read_cultivation(user))
        register_todo(office_todo)

        from applications.rules_register import register_provider
        from applications.selectors import DETAIL_PANELS

        from .rules_register import cultivation_measures

        register_provider(cultivation_measures)

        from .panels import cultivation_panel

        if cultivation_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(cultivation_panel)
