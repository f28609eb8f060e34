"""Who may do what in the review app: the predicates pages, API and menus all ask.

Object access to applications (an expert reads only what their groups review, in the current
stage, after signing, without conflict) lives in `access.py`.
"""

from award_portal.middleware import current_request
from award_portal.roles import Role, can_read_everything, has_role, is_office

from .models import Expert


def can_manage_pool(user) -> bool:
    """Approve, train, examine, suspend, strike; set and dismiss conflicts; freeze draws; form groups."""
    return is_office(user)


def can_read_pool(user) -> bool:
    """The pool, draws and groups: the office, supervisors, and the expert technical guidance group
    (Beijing 2020 draft art. 18–19: it selects the experts the office groups)."""
    return can_read_everything(user) or has_role(user, Role.GUIDANCE)


def can_run_draw(user) -> bool:
    """The number that seeds a draw is entered by a supervisor, never by the office."""
    return has_role(user, Role.SUPERVISOR)


def expert_profile(user) -> Expert | None:
    """The user's expert profile when they hold the expert role (else None)."""
    if not has_role(user, Role.EXPERT):
        return None
    # Asked by the menu, the to-dos and the page: read once per request.
    request = current_request()
    memo = getattr(request, "_review_expert_profile", None)
    if memo is not None and memo[0] == user.pk:
        return memo[1]
    expert = Expert.objects.filter(user=user).first()
    if request is not None:
        request._review_expert_profile = (user.pk, expert)
    return expert


def is_pool_expert(user) -> bool:
    profile = expert_profile(user)
    return profile is not None and profile.status == Expert.Status.ACTIVE


def can_read_ranking(user) -> bool:
    """A stage's ranking and per-application aggregates: the office, supervisors, the guidance
    group and the award committee (read only)."""
    return can_read_everything(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE)


def can_read_statistics(user) -> bool:
    """Inter-rater statistics and expert leniency: the office, supervisors, the guidance group."""
    return can_read_everything(user) or has_role(user, Role.GUIDANCE)


def can_see_expert_names(user) -> bool:
    """Which expert gave which score: the office and the guidance group only."""
    return is_office(user) or has_role(user, Role.GUIDANCE)
