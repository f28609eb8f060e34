from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Public notices with their working-day periods, objections, and the public pages."""

    name = "notices"
    verbose_name = _("Public notices")

    def ready(self):
        from applications.phase_guards import register_notice_blockers
        from applications.selectors import DETAIL_PANELS
        from applications.workflow import register_guard
        from award_portal.audit import register_action_labels
        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from . import guards, panels, selectors, signals
        from .audit_labels import ACTION_LABELS
        from .permissions import can_read_objections

        # A listed application moves past its notice only once the period has ended and its
        # objections are verified; APPROVE (the awards app's service) included.
        for action, guard in guards.GUARDS.items():
            register_guard(action, guard)
        register_notice_blockers(guards.notice_blockers)
        register_action_labels(ACTION_LABELS)
        register_todo(selectors.todo_items)
        if panels.notices_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(panels.notices_panel)
        signals.connect()
        if not getattr(NoticesConfig, "_nav_registered", False):
            NoticesConfig._nav_registered = True
            register_nav(_("Calls for applications"), "notices-calls", order=9)
            register_nav(_("Public notices"), "notices-list", order=10)
            register_nav(_("Results"), "notices-results", order=11)
            register_nav(_("Notices and objections"), "notices-office", order=62, visible=can_read_objections)

        # The round dashboard links to the page that runs the transitions this app owns.
        from django.urls import reverse

        from applications.enums import Action
        from applications.workflow import register_owner_page

        register_owner_page(Action.START_NOTICE, lambda rnd: reverse("notices-publish", args=[rnd.pk]))
        register_owner_page(Action.WITHDRAW_AFTER_OBJECTION, lambda rnd: reverse("notices-office"))

        # The rules register: notices, objections and the public call.
        from applications.rules_register import register_provider

        from .rules_register import notices_measures

        register_provider(notices_measures)
