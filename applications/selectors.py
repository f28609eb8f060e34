"""Reads that need care: what each user may see, and the round dashboard's figures."""

from collections import Counter

from django.db.models import Q

from award_portal.roles import Role, can_read_everything, has_role

from .enums import ApplicationState, RoundPhase
from .models import Application, Round

S = ApplicationState

#: States from material review on: what the guidance group and the committee may read.
REVIEW_STAGE_STATES = frozenset({
    S.IN_MATERIAL_REVIEW, S.NOT_ADVANCED, S.IN_SITE_REVIEW, S.NOT_SHORTLISTED, S.IN_DELIBERATION,
    S.NOT_PROPOSED, S.PROPOSED, S.IN_PUBLIC_NOTICE, S.WITHDRAWN_AFTER_OBJECTION, S.APPROVED, S.AWARDED,
    S.REVOKED,
})

#: Extra visibility contributed by other apps (the review app lets an expert see assignments).
VISIBILITY_PROVIDERS = []

#: Panels other apps add to the application page: fn(application, user) -> (template, context) or None.
DETAIL_PANELS = []


def detail_panels(application, user) -> list[tuple[str, dict]]:
    panels = []
    for panel in DETAIL_PANELS:
        result = panel(application, user)
        if result is not None:
            panels.append(result)
    return panels


def applications_visible_to(user):
    """Every list and detail of applications goes through here."""
    base = Application.objects.select_related("round__program", "organization", "recommender", "tier")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if can_read_everything(user):
        return base
    condition = Q(pk__in=[])
    if has_role(user, Role.APPLICANT):
        condition |= Q(organization__memberships__user=user)
    if has_role(user, Role.RECOMMENDER):
        condition |= Q(recommender__members=user) & ~Q(state=S.DRAFT)
    if has_role(user, Role.GUIDANCE, Role.COMMITTEE):
        condition |= Q(state__in=REVIEW_STAGE_STATES)
    for provider in VISIBILITY_PROVIDERS:
        condition |= provider(user)
    return base.filter(condition).distinct()


def rounds_visible_to(user):
    qs = Round.objects.select_related("program")
    if can_read_everything(user) or has_role(user, Role.GUIDANCE, Role.COMMITTEE):
        return qs
    return qs.none()


def round_funnel(rnd: Round) -> list[dict]:
    """Counts per state in pipeline order (states with no application included, as zeros)."""
    counts = Counter(rnd.applications.values_list("state", flat=True))
    return [{"state": s, "label": s.label, "count": counts.get(s, 0)} for s in ApplicationState]


def open_rounds():
    return Round.objects.select_related("program").filter(phase=RoundPhase.APPLICATIONS_OPEN)


def public_results():
    """Closed and approval-stage rounds with their winners, for the public results page."""
    return (Application.objects.filter(state__in=[S.AWARDED, S.REVOKED])
            .select_related("round__program", "organization", "tier")
            .order_by("-round__year", "round__program__code", "tier__rank", "organization__name"))
