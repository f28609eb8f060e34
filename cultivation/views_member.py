"""An organisation's own page: its enrolments, the courses it may still enrol in, the campaigns
tracking it (with a link to record methods adopted) and its cultivation grants."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from applications.models import Organization

from . import grants, permissions, selectors


def render_mine(request, *, status=200, typed=None):
    if not permissions.has_own_cultivation(request.user):
        raise PermissionDenied
    ids = permissions.organization_ids_of(request.user)
    return render(request, "cultivation/mine.html", {
        "enrolments": list(selectors.own_enrolments(request.user)), "tracks": list(selectors.own_tracks(request.user)),
        "upcoming": list(selectors.upcoming_courses()[:30]),
        "organizations": list(Organization.objects.filter(pk__in=ids)),
        "grants": list(grants.grants(ids)), "typed": typed or {},
    }, status=status)


@login_required
def mine(request):
    return render_mine(request)
