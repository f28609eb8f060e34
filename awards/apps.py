from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    """Government approval, the commendation decision, certificates and funding."""

    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from applications.selectors import DETAIL_PANELS
        from award_portal.audit import register_action_labels
        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from . import permissions
        from .audit_labels import ACTION_LABELS
        from .panels import awards_panel
        from .selectors import office_todo

        register_action_labels(ACTION_LABELS)
        register_nav(_("Awards and funding"), "awards-home", order=60, visible=permissions.can_read_awards)
        register_nav(_("My certificates and funding"), "awards-mine", order=61, visible=permissions.has_own_awards)
        register_todo(office_todo)

        from applications.rules_register import register_provider

        from .rules_register import awards_measures

        register_provider(awards_measures)
        if awards_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(awards_panel)

        # The incentive tables are program data: loaded with the programs (manage.py load_programs).
        from applications.program_fixtures import register_after_load

        from .funding import incentives_load

        register_after_load(incentives_load)

        # The round dashboard links to the page that runs the transitions this app owns.
        from django.urls import reverse

        from applications.enums import Action
        from applications.workflow import register_owner_page

        for action in (Action.APPROVE, Action.AWARD):
            register_owner_page(action, lambda rnd: reverse("awards-round", args=[rnd.pk]))
