from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from . import signals

        signals.connect()

        # Scorecards (scoring.py): criteria frozen once scoring began; unsubmitted scorecards as to-dos.
        from .scoring import connect_criteria_freeze, scoring_todo

        connect_criteria_freeze()

        # The expert's pages (views_expert): menu entry and home-page to-do items.
        from award_portal.navigation import register_nav
        from award_portal.todo import register_todo

        from .permissions import expert_profile
        from .selectors import expert_todo

        register_nav(_("My reviews"), "review-expert-home", order=30,
                     visible=lambda user: expert_profile(user) is not None)
        register_todo(expert_todo)
        register_todo(scoring_todo)
        from .selectors import office_todo

        register_todo(office_todo)

        # The office's pages (views_office): the pool, for the office, supervisors and the guidance group.
        from award_portal import navigation

        from . import permissions

        navigation.register_nav(_("Expert pool"), "review-pool", visible=permissions.can_read_pool, order=35)

        # The audit trail's labels and the rules register's measures.
        from applications.rules_register import register_provider
        from award_portal.audit import register_action_labels

        from .audit_labels import ACTION_LABELS
        from .rules_register import review_measures

        register_action_labels(ACTION_LABELS)
        register_provider(review_measures)

        # Feedback letters on the application page (views_selection): released ones for its members, all for the office.
        from applications.selectors import DETAIL_PANELS

        from .views_selection import feedback_panel

        DETAIL_PANELS.append(feedback_panel)

        # The big-data panel beside the scorecard (issue 13): experts see it for what they review now.
        from bigdata.permissions import register_reviewer_check

        from .access import can_review

        register_reviewer_check(can_review)
