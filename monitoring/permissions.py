"""Who may do what in monitoring. Pages, API and admin ask these; the services enforce them."""

from applications.models import Membership
from award_portal.roles import Role, has_role, is_office


def _authenticated(user) -> bool:
    return getattr(user, "is_authenticated", False)


def can_manage_monitoring(user) -> bool:
    """Run monitoring, close incidents, propose and carry out revocations, draw spot checks."""
    return _authenticated(user) and is_office(user)


def can_read_monitoring(user) -> bool:
    """The office's lists: office, supervisors and the committee read them."""
    return _authenticated(user) and (is_office(user) or has_role(user, Role.SUPERVISOR, Role.COMMITTEE))


def can_record_committee_decision(user) -> bool:
    """The committee's decision on a proposed revocation is recorded by the committee or the office."""
    return _authenticated(user) and (is_office(user) or has_role(user, Role.COMMITTEE))


def organization_ids_of(user) -> list[int]:
    """Only applicants hold memberships: the menu asks on every page, nobody else costs a query."""
    if not _authenticated(user) or not has_role(user, Role.APPLICANT):
        return []
    cached = getattr(user, "_monitoring_org_ids", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        user._monitoring_org_ids = cached
    return cached


def has_awards(user) -> bool:
    """The user acts for an organisation holding (or having held) an award: the winner's pages."""
    if not _authenticated(user):
        return False
    cached = getattr(user, "_monitoring_has_awards", None)
    if cached is None:
        from applications.enums import ApplicationState
        from applications.models import Application

        ids = organization_ids_of(user)
        cached = bool(ids) and Application.objects.filter(
            organization_id__in=ids, state__in=[ApplicationState.AWARDED, ApplicationState.REVOKED]).exists()
        user._monitoring_has_awards = cached
    return cached


def is_winner_member(user, application) -> bool:
    """A member of the winning organisation (explains incidents, reports them, files reports)."""
    return _authenticated(user) and application.organization_id in organization_ids_of(user)


def can_view_incident(user, incident) -> bool:
    return can_read_monitoring(user) or is_winner_member(user, incident.application)
