"""The portal's roles (README.md, Roles and demo logins) and the predicates every layer shares.

A role is a Django group; the data migration creates them. Views, API permission classes and
templates ask these predicates, never the group names directly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RECOMMENDER = "recommender", _("Recommending authority")
    OFFICE = "office", _("Review office")
    EXPERT = "expert", _("Expert")
    GUIDANCE = "guidance", _("Expert technical guidance group")
    COMMITTEE = "committee", _("Award committee")
    SUPERVISOR = "supervisor", _("Supervisor")


#: Roles that may read everything but change nothing.
READ_ONLY_ROLES = frozenset({Role.SUPERVISOR})


def user_roles(user) -> frozenset[str]:
    """The role codes a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        valid = set(Role.values)
        cached = frozenset(n for n in user.groups.values_list("name", flat=True) if n in valid)
        user._role_cache = cached
    return cached


def has_role(user, *roles) -> bool:
    held = user_roles(user)
    return any(str(r) in held for r in roles)


def primary_role(user) -> str | None:
    """The role named in the audit trail: the most powerful one the user holds."""
    held = user_roles(user)
    for role in (Role.OFFICE, Role.SUPERVISOR, Role.COMMITTEE, Role.GUIDANCE, Role.EXPERT,
                 Role.RECOMMENDER, Role.APPLICANT):
        if role in held:
            return str(role)
    if getattr(user, "is_superuser", False):
        return "admin"
    return None


def is_office(user) -> bool:
    return has_role(user, Role.OFFICE) or getattr(user, "is_superuser", False)


def can_read_everything(user) -> bool:
    """Office staff and supervisors see all applications and the audit trail."""
    return is_office(user) or has_role(user, Role.SUPERVISOR)
