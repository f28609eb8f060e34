"""Who may do what in the awards app: the predicates pages, API, menus and to-dos all ask.

The office records approvals, decisions, conferrals, recommendations, honours and payments;
supervisors read all of it. An organisation's members read their own certificates and payments.
The certificate check and a published decision are public.
"""

from applications.enums import ApplicationState
from applications.models import Membership
from award_portal.roles import Role, can_read_everything, has_role, is_office


def can_manage_awards(user) -> bool:
    return is_office(user)


def can_read_awards(user) -> bool:
    return can_read_everything(user)


def organization_ids_of(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))


def has_own_awards(user) -> bool:
    """The applicant's page: anyone acting for an organisation (asked by the menu on every page:
    only applicants hold memberships, so nobody else costs a query)."""
    return has_role(user, Role.APPLICANT) and bool(organization_ids_of(user))


def can_download_certificate(user, certificate) -> bool:
    """The office and supervisors always; the winner's members while the award stands (a revoked
    award's certificate is withdrawn: Hangzhou 2025 六(三) 收回奖牌、证书)."""
    if can_read_awards(user):
        return True
    return (certificate.application.organization_id in organization_ids_of(user)
            and certificate.application.state == ApplicationState.AWARDED)
