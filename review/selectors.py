"""What an expert's own pages list: invitations, rounds, commitment letters, assigned applications.

Application access itself is only ever decided by `access.reviewable_applications` /
`access.can_review`; the lists here name no material.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.enums import ApplicationState, RoundPhase
from applications.models import Organization, Round
from award_portal.todo import TodoItem

from . import access
from .models import Availability, DrawnExpert, Expert, ExpertDraw, ReviewerCommitment
from .permissions import expert_profile

#: Rounds in these phases may still draw experts or use them: availability and commitments matter.
ACTIVE_PHASES = [RoundPhase.SETUP, RoundPhase.APPLICATIONS_OPEN, RoundPhase.RECOMMENDATION, RoundPhase.ELIGIBILITY,
                 RoundPhase.MATERIAL_REVIEW, RoundPhase.SITE_REVIEW, RoundPhase.DELIBERATION]


def pending_invitations(expert: Expert):
    return (DrawnExpert.objects.filter(expert=expert, response=DrawnExpert.Response.PENDING,
                                       draw__status=ExpertDraw.Status.DRAWN)
            .select_related("draw__round__program"))


def expert_rounds(expert: Expert):
    """The rounds an expert takes part in: drawn for (not declined), in one of its groups, or signed for."""
    drawn = DrawnExpert.objects.filter(expert=expert).exclude(response=DrawnExpert.Response.DECLINED)
    return (Round.objects.filter(Q(pk__in=drawn.values("draw__round_id"))
                                 | Q(expert_groups__members__expert=expert)
                                 | Q(pk__in=ReviewerCommitment.objects.filter(expert=expert).values("round_id")))
            .distinct().select_related("program").order_by("-pk"))


def open_rounds_for(expert: Expert):
    """Rounds whose draws this expert may be a candidate of (their province, or a partner region
    when shared), not yet over: where availability can be given."""
    rounds = Round.objects.filter(phase__in=ACTIVE_PHASES).select_related("program__review_settings")
    out = []
    for rnd in rounds.order_by("-pk")[:50]:
        home = rnd.program.region_code[:2]
        partners = getattr(getattr(rnd.program, "review_settings", None), "partner_prefixes", [])
        if expert.province == home or (expert.shared and expert.province in partners):
            out.append(rnd)
    return out


def round_of_expert(expert: Expert, round_id: int):
    """The round if the expert takes part in it or may be drawn for it, else None."""
    rnd = expert_rounds(expert).filter(pk=round_id).first()
    if rnd is None:
        rnd = next((r for r in open_rounds_for(expert) if r.pk == round_id), None)
    return rnd


def rounds_overview(expert: Expert) -> list[dict]:
    """Per round: whether the letter is signed, the availability given, the round's phase."""
    rounds = {r.pk: r for r in open_rounds_for(expert)}
    rounds.update({r.pk: r for r in expert_rounds(expert)})
    signed = dict(ReviewerCommitment.objects.filter(expert=expert, round_id__in=list(rounds))
                  .values_list("round_id", "signed_at"))
    availability = {a.round_id: a for a in Availability.objects.filter(expert=expert, round_id__in=list(rounds))}
    taking_part = set(expert_rounds(expert).values_list("pk", flat=True))
    return [{"round": rnd, "signed_at": signed.get(pk), "availability": availability.get(pk),
             "taking_part": pk in taking_part}
            for pk, rnd in sorted(rounds.items(), reverse=True)]


def conflict_organizations(round_id: int):
    """The organisations of a round's applications in review stages (names only, no material)."""
    return (Organization.objects.filter(applications__round_id=round_id,
                                        applications__state__in=[ApplicationState.IN_MATERIAL_REVIEW,
                                                                 ApplicationState.IN_SITE_REVIEW])
            .distinct().order_by("name"))


def expert_todo(user) -> list[TodoItem]:
    """The home page's to-do items of an expert: invitations to answer, letters to sign,
    applications to review."""
    expert = expert_profile(user)
    if expert is None or expert.status != Expert.Status.ACTIVE:
        return []
    home = reverse("review-expert-home")
    items = []
    for row in pending_invitations(expert):
        items.append(TodoItem(title=str(row.draw.round), url=home + "#invitations",
                              section=_("Review invitations to answer"),
                              detail=row.draw.get_stage_display(), order=20))
    awaiting = access.assigned_awaiting_commitment(user).values_list("round_id", flat=True).distinct()
    for rnd in Round.objects.filter(pk__in=list(awaiting)).order_by("pk"):
        items.append(TodoItem(title=str(rnd), url=reverse("review-commitment", args=[rnd.pk]),
                              section=_("Reviewer commitment letters to sign"), order=21))
    for application in access.reviewable_applications(user).order_by("pk"):
        items.append(TodoItem(title=f"{application.number} · {application.organization.name}",
                              url=reverse("review-application-read", args=[application.pk]),
                              section=_("Applications to review"), order=22))
    return items


def office_todo(user) -> list[TodoItem]:
    """The review work of the office and of supervisors on their home page: groups short of
    members or a leader (a conflict or a suspension took someone out), declined invitations not
    yet replaced, experts awaiting approval; for supervisors, draws awaiting their number."""
    from django.utils.translation import ngettext

    from .assignment import groups_needing_attention
    from .draws import declined_needing_replacement
    from .permissions import can_manage_pool, can_run_draw

    items = []
    if can_manage_pool(user):
        for group in groups_needing_attention():
            items.append(TodoItem(
                title=_("%(round)s · %(stage)s · %(group)s") % {
                    "round": group.round.name, "stage": group.get_stage_display(), "group": group},
                url=reverse("review-groups", args=[group.round_id, group.stage]),
                section=_("Expert groups needing a replacement"),
                detail=ngettext("%(n)s member", "%(n)s members", group.n) % {"n": group.n}, order=25))
        for draw in ExpertDraw.objects.filter(status=ExpertDraw.Status.DRAWN).exclude(
                round__phase=RoundPhase.CLOSED).select_related("round"):
            missing = len(declined_needing_replacement(draw))
            if missing:
                items.append(TodoItem(
                    title=str(draw.round.name), url=reverse("review-draw", args=[draw.pk]),
                    section=_("Declined invitations to replace"),
                    detail=ngettext("%(n)s expert declined", "%(n)s experts declined", missing) % {"n": missing},
                    order=26))
        waiting = Expert.objects.filter(status=Expert.Status.APPLIED).count()
        if waiting:
            items.append(TodoItem(
                title=ngettext("%(n)s application to the expert pool", "%(n)s applications to the expert pool",
                               waiting) % {"n": waiting},
                url=reverse("review-pool") + "?status=applied", section=_("Expert pool"), order=27))
    if can_run_draw(user):
        for draw in ExpertDraw.objects.filter(status=ExpertDraw.Status.FROZEN).select_related("round"):
            items.append(TodoItem(
                title=str(draw.round.name), url=reverse("review-draw", args=[draw.pk]),
                section=_("Draws awaiting your number"), detail=draw.get_stage_display(), order=20))
    return items
