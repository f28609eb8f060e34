from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications and pipeline")

    def ready(self):
        from award_portal.navigation import register_nav

        from . import drafts, notifications, selectors, tasks, workflow
        from .enums import Action

        workflow.register_guard(Action.SUBMIT, drafts.application_complete)

        for hook in (notifications.notify_transition, tasks.enqueue_eligibility_after_recommendation):
            if hook not in workflow.AFTER_COMMIT_HOOKS:
                workflow.AFTER_COMMIT_HOOKS.append(hook)
        from award_portal.roles import Role

        register_nav(_("Awards"), "programs", order=10)
        register_nav(_("Rounds"), "round-list", roles={Role.OFFICE, Role.SUPERVISOR, Role.GUIDANCE, Role.COMMITTEE}, order=20)
        register_nav(_("My applications"), "application-list", roles={Role.APPLICANT}, order=21)
        register_nav(_("New application"), "application-start", roles={Role.APPLICANT}, order=22)
        register_nav(_("My organisation and invitations"), "organization-detail", roles={Role.APPLICANT},
                     order=23, href=selectors.own_organization_url)
        register_nav(_("Applications to recommend"), "application-list", roles={Role.RECOMMENDER}, order=24,
                     href=selectors.awaiting_recommendation_url)

        from award_portal.audit import register_audit_search

        from .audit_names import audit_entries_named

        register_audit_search(audit_entries_named)

        from award_portal.todo import register_todo

        register_todo(selectors.todo_items)
