"""Who may do what in the cultivation app: the predicates pages, API, menus and to-dos all ask.

The office runs campaigns and courses and records attendance and grants; supervisors read all of
it. An organisation's members see their own enrolments and tracking, enrol their people in
courses still to come and report the quality methods they adopted (the office sees who recorded
what). A campaign's progress figures are public when the office says so: 廊坊's 百争创、千导入
was a city-wide publicised drive (004 §二), and the figures name no organisation.
"""

from django.utils import timezone

from applications.models import Membership
from award_portal.roles import Role, can_read_everything, has_role, is_office


def can_manage_cultivation(user) -> bool:
    return is_office(user)


def can_read_cultivation(user) -> bool:
    return can_read_everything(user)


def organization_ids_of(user) -> list[int]:
    """Cached on the user for the request (the menu asks on every page)."""
    if not has_role(user, Role.APPLICANT):
        return []
    cached = getattr(user, "_cultivation_org_ids", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        user._cultivation_org_ids = cached
    return cached


def has_own_cultivation(user) -> bool:
    """Anyone acting for an organisation (only applicants hold memberships: others cost no query)."""
    return bool(organization_ids_of(user))


def acts_for(user, organization_id) -> bool:
    return organization_id in organization_ids_of(user)


def can_see_progress(user, campaign) -> bool:
    return campaign.is_public or can_read_cultivation(user)


def can_view_tracked(user, tracked) -> bool:
    return can_read_cultivation(user) or acts_for(user, tracked.organization_id)


def can_record_method(user, tracked) -> bool:
    return can_manage_cultivation(user) or acts_for(user, tracked.organization_id)


def can_enrol(user, course, organization_id) -> bool:
    """The office at any time; a member for its own organisation while the course is to come."""
    if can_manage_cultivation(user):
        return True
    return acts_for(user, organization_id) and course.held_on >= timezone.localdate()
