"""Who may do what with notices and objections. The public pages need no login; the office
publishes notices and verifies objections; supervisors read along (read-only role)."""

from award_portal.roles import Role, has_role, is_office


def can_manage_notices(user) -> bool:
    """Publish notices, read objections with the objector's contact and files, record findings."""
    return getattr(user, "is_authenticated", False) and is_office(user)


def can_read_objections(user) -> bool:
    return getattr(user, "is_authenticated", False) and (is_office(user) or has_role(user, Role.SUPERVISOR))
