"""Predicates shared by views, the API and templates."""

from award_portal.roles import Role, can_read_everything, has_role, is_office


def can_view_round_dashboard(user) -> bool:
    return can_read_everything(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE)


def can_manage_round(user) -> bool:
    return is_office(user)
