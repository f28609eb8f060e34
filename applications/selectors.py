"""Reads that need care: what each user may see, and the round dashboard's figures."""

from collections import Counter

from django.db.models import Count, Q

from award_portal.roles import Role, can_read_everything, has_role, is_office

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


# --- The home page: what each role has to do next -------------------------------------------

#: Which deadline of a round the current phase works towards (the office's "due" date).
PHASE_DEADLINE_FIELDS = {
    RoundPhase.APPLICATIONS_OPEN: "application_deadline",
    RoundPhase.RECOMMENDATION: "recommendation_deadline",
    RoundPhase.ELIGIBILITY: "eligibility_deadline",
    RoundPhase.MATERIAL_REVIEW: "material_review_deadline",
    RoundPhase.SITE_REVIEW: "site_review_deadline",
    RoundPhase.DELIBERATION: "deliberation_on",
    RoundPhase.APPROVAL: "award_ceremony_on",
}

#: States the office has to move on, per phase (the round's work still open in that phase).
OFFICE_OPEN_STATES = {
    RoundPhase.ELIGIBILITY: (S.RECOMMENDED,),
    RoundPhase.MATERIAL_REVIEW: (S.ELIGIBLE, S.IN_MATERIAL_REVIEW),
    RoundPhase.SITE_REVIEW: (S.IN_SITE_REVIEW,),
    RoundPhase.DELIBERATION: (S.IN_DELIBERATION,),
    RoundPhase.PUBLIC_NOTICE: (S.PROPOSED,),
    RoundPhase.APPROVAL: (S.IN_PUBLIC_NOTICE, S.APPROVED),
}


def as_date(value):
    """A round deadline as a local date (the application deadline is a datetime)."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def applications_awaiting_recommendation(user):
    """Submitted applications routed to an authority the user acts for: what the recommender
    still has to endorse or return (not every application it ever saw)."""
    if not has_role(user, Role.RECOMMENDER):
        return Application.objects.none()
    return (applications_visible_to(user).filter(state=S.SUBMITTED, recommender__members=user)
            .order_by("round__recommendation_deadline", "submitted_at", "pk"))


def applications_of_member(user):
    """The applications of the organisations the user acts for, still in play (not finished)."""
    from .enums import TERMINAL_STATES

    return (Application.objects.select_related("round__program", "organization")
            .filter(organization__memberships__user=user).exclude(state__in=TERMINAL_STATES)
            .exclude(state__in=[S.AWARDED]).distinct().order_by("round__application_deadline", "pk"))


def open_rounds_without_application(user):
    """Rounds taking applications in which none of the user's organisations has applied yet."""
    applied = Application.objects.filter(organization__memberships__user=user).values("round_id")
    return open_rounds().exclude(pk__in=applied).order_by("application_deadline")


def office_rounds(user):
    """Rounds in progress with the number of applications the office still has to move in the
    current phase: two queries whatever the number of rounds."""
    rounds = list(rounds_visible_to(user).exclude(phase__in=[RoundPhase.CLOSED]).order_by("-year", "pk"))
    counts = Counter()
    states = {s for group in OFFICE_OPEN_STATES.values() for s in group}
    if rounds:
        rows = (Application.objects.filter(round__in=rounds, state__in=states).order_by()
                .values_list("round_id", "state").annotate(n=Count("id")))
        counts = Counter({(round_id, state): n for round_id, state, n in rows})
    for rnd in rounds:
        rnd.due = as_date(getattr(rnd, PHASE_DEADLINE_FIELDS[rnd.phase])) if rnd.phase in PHASE_DEADLINE_FIELDS else None
        rnd.open_count = sum(counts[(rnd.pk, s)] for s in OFFICE_OPEN_STATES.get(rnd.phase, ()))
    return rounds


def todo_items(user) -> list:
    """The applications app's to-do provider (registered in `apps.py`): the applicant's
    applications and open rounds, the recommender's applications awaiting it, the office's rounds."""
    items = []
    if has_role(user, Role.APPLICANT):
        items += _applicant_items(user)
    if has_role(user, Role.RECOMMENDER):
        items += _recommender_items(user)
    if is_office(user):
        items += _office_items(user)
    return items


def _applicant_items(user):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from award_portal.todo import TodoItem

    from .enums import EDITABLE_STATES

    today = _today()
    items = []
    for a in applications_of_member(user):
        due = None
        if a.state == S.DRAFT:
            due = as_date(a.round.application_deadline)
        elif a.state == S.RETURNED:
            due = as_date(a.round.recommendation_deadline or a.round.application_deadline)
        detail = a.get_state_display()
        if a.state == S.RETURNED and a.feedback:
            detail = _("Returned with this feedback: %(feedback)s") % {"feedback": a.feedback[:300]}
        items.append(TodoItem(
            title=f"{a.round.name} · {a.organization.name}", url=reverse("application-detail", args=[a.pk]),
            section=_("Your applications"), detail=detail, due=due,
            overdue=bool(due and due < today and a.state in EDITABLE_STATES), order=10))
    for rnd in open_rounds_without_application(user):
        due = as_date(rnd.application_deadline)
        items.append(TodoItem(
            title=rnd.name, url=reverse("application-start"), section=_("Rounds open for applications"),
            detail=_("Start an application"), due=due, overdue=bool(due and due < today), order=11))
    return items


def _recommender_items(user):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from award_portal.todo import TodoItem

    today = _today()
    items = []
    for a in applications_awaiting_recommendation(user):
        due = as_date(a.round.recommendation_deadline)
        items.append(TodoItem(
            title=f"{a.number} · {a.organization.name}", url=reverse("application-detail", args=[a.pk]),
            section=_("Applications awaiting your recommendation"),
            detail=a.round.name, due=due, overdue=bool(due and due < today), order=20))
    return items


def _office_items(user):
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from award_portal.todo import TodoItem

    today = _today()
    items = []
    for rnd in office_rounds(user):
        detail = rnd.get_phase_display()
        if rnd.open_count:
            detail += " · " + ngettext("%(n)s application to decide in this phase",
                                       "%(n)s applications to decide in this phase", rnd.open_count) % {
                "n": rnd.open_count}
        items.append(TodoItem(
            title=rnd.name, url=reverse("round-dashboard", args=[rnd.pk]), section=_("Rounds in progress"),
            detail=detail, due=rnd.due, overdue=bool(rnd.due and rnd.due < today), order=30))
    return items


def _today():
    from django.utils import timezone

    return timezone.localdate()


def own_organization_url(user):
    """The menu's link to the user's organisation (its members and invitations), or None."""
    from django.urls import reverse

    from .models import Membership

    org_id = (Membership.objects.filter(user=user).order_by("organization_id")
              .values_list("organization_id", flat=True).first())
    return reverse("organization-detail", args=[org_id]) if org_id else None


def awaiting_recommendation_url(user):
    from django.urls import reverse

    return reverse("application-list") + "?awaiting=recommendation"
