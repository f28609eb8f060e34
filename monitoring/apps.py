from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Post-award monitoring, incidents, revocation and self-evaluation reports."""

    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from applications.enums import Action
        from applications.rules_register import register_provider
        from applications.selectors import DETAIL_PANELS
        from applications.workflow import register_owner_page
        from award_portal.audit import register_action_labels
        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from . import panels, rules_register, selectors
        from .audit_labels import ACTION_LABELS
        from .permissions import can_read_monitoring, has_awards

        register_action_labels(ACTION_LABELS)
        if panels.monitoring_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(panels.monitoring_panel)
        register_todo(selectors.todo_items)
        register_provider(rules_register.monitoring_measures)
        register_owner_page(Action.REVOKE, lambda rnd: reverse("monitoring-revocations"))
        if not getattr(MonitoringConfig, "_nav_registered", False):
            MonitoringConfig._nav_registered = True
            register_nav(_("Monitoring"), "monitoring-office", order=64, visible=can_read_monitoring)
            register_nav(_("Award obligations"), "monitoring-mine", order=34, visible=has_awards)


def reverse(name, *args):
    from django.urls import reverse as _reverse

    return _reverse(name, *args)
