"""Predicates shared by views, the API, services and templates."""

from award_portal.roles import Role, can_read_everything, has_role, is_office

from .enums import ApplicationState
from .models import Membership, Organization
from .selectors import applications_visible_to

S = ApplicationState

#: States before the office has decided eligibility: the applicant does not see rule results yet.
BEFORE_ELIGIBILITY_DECISION = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.WITHDRAWN})


def can_view_round_dashboard(user) -> bool:
    return can_read_everything(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE)


def can_manage_round(user) -> bool:
    return is_office(user)


def organizations_visible_to(user):
    """Organisation profiles: their own members, and the office and supervisors (read-only)."""
    if can_read_everything(user):
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


def can_start_application(user) -> bool:
    """Applications are started by the people who act for organisations."""
    return has_role(user, Role.APPLICANT)


def is_member(user, application) -> bool:
    """The user acts for the application's organisation."""
    return Membership.objects.filter(user=user, organization_id=application.organization_id).exists()


def can_download(user, attachment) -> bool:
    return applications_visible_to(user).filter(pk=attachment.application_id).exists()


def in_eligibility_review(application) -> bool:
    """Rule results belong to the eligibility review: they are evaluated and decided while the
    application awaits its eligibility decision, and are history once it is found (in)eligible."""
    return application.state == S.RECOMMENDED


def can_decide_rule_results(user, application) -> bool:
    """The office decides failing or doubtful rules (and re-evaluates them) during the review."""
    return is_office(user) and in_eligibility_review(application)


def can_view_rule_results(user, application) -> bool:
    """Office and supervisors always; the applicant once the office has decided eligibility."""
    if can_read_everything(user):
        return True
    return is_member(user, application) and application.state not in BEFORE_ELIGIBILITY_DECISION
