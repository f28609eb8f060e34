"""Who hears of which decision. Runs after a transition commits (workflow.AFTER_COMMIT_HOOKS)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from award_portal.notifications import notify
from award_portal.roles import Role

from .enums import Action

A = Action

#: action -> the audiences told about it
AUDIENCES = {
    A.SUBMIT: ("applicant", "recommender"),
    A.RETURN: ("applicant",),
    A.RECOMMEND: ("applicant", "office"),
    A.MARK_ELIGIBLE: ("applicant",),
    A.MARK_INELIGIBLE: ("applicant",),
    A.ADVANCE_TO_SITE_REVIEW: ("applicant",),
    A.NOT_ADVANCE: ("applicant",),
    A.NOT_SHORTLIST: ("applicant",),
    A.PROPOSE: ("applicant",),
    A.NOT_PROPOSE: ("applicant",),
    A.AWARD: ("applicant",),
    A.REVOKE: ("applicant",),
    A.WITHDRAW: ("recommender",),
}


def _recipients(application, audience):
    User = get_user_model()
    if audience == "applicant":
        return User.objects.filter(memberships__organization_id=application.organization_id, is_active=True)
    if audience == "recommender":
        if application.recommender_id is None:
            return User.objects.filter(groups__name=Role.OFFICE, is_active=True)
        return application.recommender.members.filter(is_active=True)
    if audience == "office":
        return User.objects.filter(groups__name=Role.OFFICE, is_active=True)
    return User.objects.none()


def notify_transition(application, change):
    audiences = AUDIENCES.get(change.action, ())
    link = reverse("application-detail", args=[application.pk])  # e-mailed absolute (notifications.absolute_url)
    seen = set()
    for audience in audiences:
        for user in _recipients(application, audience).distinct():
            if user.pk in seen or user.pk == change.actor_id:
                continue
            seen.add(user.pk)

            def compose(change=change):
                subject = _("%(number)s %(org)s: %(state)s") % {
                    "number": application.number, "org": application.organization.name,
                    "state": application.get_state_display()}
                body = _("The application %(number)s of %(org)s to %(round)s is now “%(state)s”.") % {
                    "number": application.number, "org": application.organization.name,
                    "round": application.round.name, "state": application.get_state_display()}
                if change.reason:
                    body += "\n" + _("Reason: %(reason)s") % {"reason": change.reason}
                return subject, body

            notify(user, compose, link=link)
