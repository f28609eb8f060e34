from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    """The committee's deliberation: meetings, quorum, recusal, votes per tier and their tally."""

    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        # The floor and the signed vote guard the pipeline's `propose` (applications/workflow.py).
        from applications.enums import Action
        from applications.workflow import register_guard

        from .guards import carried_by_signed_vote, score_floor_met

        register_guard(Action.PROPOSE, score_floor_met)
        register_guard(Action.PROPOSE, carried_by_signed_vote)

        from award_portal.audit import register_action_labels

        from .audit_labels import ACTION_LABELS

        register_action_labels(ACTION_LABELS)

        from applications.rules_register import register_provider

        from .rules_register import deliberation_measures

        register_provider(deliberation_measures)

        # The committee's votes on the application page, for those who may read the meeting.
        from applications.selectors import DETAIL_PANELS

        from .panels import deliberation_panel

        if deliberation_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(deliberation_panel)

        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from . import permissions
        from .selectors import todo_items

        register_nav(_("Deliberation"), "deliberation-rounds", visible=permissions.can_use_deliberation, order=40)
        register_todo(todo_items)

        # The round dashboard links to the page that runs the transitions this app owns.
        from django.urls import reverse

        from applications.enums import Action
        from applications.workflow import register_owner_page

        for action in (Action.PROPOSE, Action.NOT_PROPOSE):
            register_owner_page(action, lambda rnd: reverse("deliberation-meeting", args=[rnd.pk]))
