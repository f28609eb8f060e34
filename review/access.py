"""Who may read which application as a reviewer: one predicate, one queryset, the grants behind them.

Assignment grants the object permission `applications.review_application` (django-guardian) to
the expert's account in the same transaction; leaving the group, a conflict or a suspension
revokes it. On top of the grant an expert reads an application only while

- their group reviews it in the stage the round is in (material review or site review),
- they have signed the round's reviewer commitment letter, and
- no active conflict ties them to the organisation.

`can_review` and `reviewable_applications` say the same thing for one object and for a list;
pages, files and API endpoints ask them and answer 404 otherwise.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from guardian.models import UserObjectPermission

from applications.enums import RoundPhase
from applications.models import Application
from award_portal.compiled import CompiledQuery
from award_portal.notifications import Notification

from .models import Conflict, Expert, GroupApplication, GroupMember, ReviewerCommitment, Scorecard, Stage

PERM_CODENAME = "review_application"
PERM = f"applications.{PERM_CODENAME}"

STAGE_OF_PHASE = {RoundPhase.MATERIAL_REVIEW: Stage.MATERIAL, RoundPhase.SITE_REVIEW: Stage.SITE}


def _permission() -> Permission:
    ct = ContentType.objects.get_for_model(Application)
    perm, _created = Permission.objects.get_or_create(
        codename=PERM_CODENAME, content_type=ct, defaults={"name": "Can review an assigned application"})
    return perm


def sync_access(expert_ids=None, application_ids=None) -> None:
    """Make the guardian grants match the group memberships for these experts/applications.

    A grant exists exactly for (expert account, application) pairs where the expert is in the
    pool, sits in a group reviewing the application, and has no active conflict with its
    organisation. Call inside the transaction that changed groups, conflicts or status.
    """
    perm = _permission()
    ct_id = perm.content_type_id
    members = GroupMember.objects.filter(expert__user__isnull=False)
    if expert_ids is not None:
        members = members.filter(expert_id__in=list(expert_ids))
    links = GroupApplication.objects.all()
    if application_ids is not None:
        links = links.filter(application_id__in=list(application_ids))
    wanted = set()
    rows = (links.filter(group__members__in=members)
            .values_list("group__members__expert_id", "group__members__expert__user_id",
                         "group__members__expert__status", "application_id", "application__organization_id"))
    rows = list(rows)
    if expert_ids is not None:
        allowed = set(expert_ids)
        rows = [r for r in rows if r[0] in allowed]
    conflicts = set(Conflict.objects.filter(dismissed_at__isnull=True, expert_id__in={r[0] for r in rows})
                    .values_list("expert_id", "organization_id"))
    for expert_id, user_id, status, app_id, org_id in rows:
        if status == Expert.Status.ACTIVE and (expert_id, org_id) not in conflicts:
            wanted.add((user_id, str(app_id)))
    existing = UserObjectPermission.objects.filter(permission=perm, content_type_id=ct_id)
    if expert_ids is not None:
        users = list(Expert.objects.filter(pk__in=list(expert_ids), user__isnull=False)
                     .values_list("user_id", flat=True))
        existing = existing.filter(user_id__in=users)
    if application_ids is not None:
        existing = existing.filter(object_pk__in=[str(a) for a in application_ids])
    have = {(u, o): pk for pk, u, o in existing.values_list("pk", "user_id", "object_pk")}
    stale = [pk for key, pk in have.items() if key not in wanted]
    if stale:
        UserObjectPermission.objects.filter(pk__in=stale).delete()
    UserObjectPermission.objects.bulk_create(
        [UserObjectPermission(user_id=u, object_pk=o, content_type_id=ct_id, permission=perm)
         for u, o in wanted - set(have)], batch_size=2000)


def _reviewable(user_id):
    """The one statement of the rule, for a user id (see the module docstring)."""
    expert = Expert.objects.filter(user_id=user_id, status=Expert.Status.ACTIVE)
    granted = UserObjectPermission.objects.filter(
        user_id=user_id, permission__codename=PERM_CODENAME, permission__content_type__app_label="applications",
        permission__content_type__model="application", object_pk=Cast(OuterRef("pk"), CharField()))
    member_of = GroupMember.objects.filter(expert__in=expert).values("group_id")
    current = GroupApplication.objects.filter(
        application=OuterRef("pk"), group_id__in=member_of).filter(
        Q(stage=Stage.MATERIAL, application__round__phase=RoundPhase.MATERIAL_REVIEW)
        | Q(stage=Stage.SITE, application__round__phase=RoundPhase.SITE_REVIEW))
    signed = ReviewerCommitment.objects.filter(expert__in=expert, round=OuterRef("round"))
    conflicted = Conflict.objects.filter(expert__in=expert, organization=OuterRef("organization"),
                                         dismissed_at__isnull=True)
    return Application.objects.filter(Exists(granted), Exists(current), Exists(signed), ~Exists(conflicted))


def reviewable_applications(user):
    """The applications this user may read as a reviewer now (empty for anyone else).

    One query: the grant, the group of the current stage, the signature and the absence of a
    conflict are all subqueries."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return _reviewable(user.pk).select_related("round__program", "organization")


def _one_reviewable(user, application):
    return _reviewable(user).filter(pk=application).values_list("pk")[:1]


# `_reviewable` for one application, compiled once: building this ORM statement costs more than
# running it, and the scoring page asks it on every request (issue 13's throughput).
_CAN_REVIEW = CompiledQuery(Application, _one_reviewable, user=-730_001, application=-730_002)


def _can_review_ids(user_id, application_id) -> bool:
    return _CAN_REVIEW.first(user=user_id, application=application_id) is not None


def _scoring_page_state(user, application):
    """One row per scorecard of the application in the stage its round is in now, each carrying
    the page's other facts (uncorrelated subqueries: PostgreSQL runs each once)."""
    stage_now = Case(*[When(application__round__phase=phase, then=Value(str(stage)))
                       for phase, stage in STAGE_OF_PHASE.items()], default=Value(""), output_field=CharField())
    leader = GroupMember.objects.filter(
        is_leader=True, expert__user_id=user, expert__status=Expert.Status.ACTIVE, group__stage=OuterRef("stage"),
        group__assignments__application_id=application, group__assignments__stage=OuterRef("stage"))
    unread = (Notification.objects.filter(user_id=user, read_at__isnull=True).values("user_id")
              .annotate(n=Count("pk")).values("n")[:1])
    return (Scorecard.objects.filter(application_id=application).annotate(stage_now=stage_now)
            .filter(stage=F("stage_now"))
            .annotate(allowed=Exists(_one_reviewable(user, application)),
                      me=Subquery(Expert.objects.filter(user_id=user).values("pk")[:1]),
                      unread=Coalesce(Subquery(unread), 0), leader=Exists(leader))
            .values_list("pk", "expert_id", "version", "status", "stage", "application__state", "allowed", "me",
                         "unread", "leader")
            .order_by("pk"))


_SCORING_PAGE_STATE = CompiledQuery(Scorecard, _scoring_page_state, user=-730_001, application=-730_002)


def scoring_page_state(user, application_id) -> dict | None:
    """What the scoring page of `application_id` depends on, in one statement compiled once:
    whether `can_review` lets the user in, the application's state and stage, the user's
    scorecard of that stage (id, version, status), whether they lead the group and, if so, the
    group's scorecards, and the user's unread notifications. None when the page would not show
    a stored scorecard (no access, no expert, not in a review stage, no scorecard yet)."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = _SCORING_PAGE_STATE.rows(user=user.pk, application=application_id)
    if not rows:
        return None
    _pk, _expert, _version, _status, stage, state, allowed, me, unread, leader = rows[0]
    own = next((r for r in rows if r[1] == me), None)
    if not allowed or me is None or own is None:
        return None
    return {"state": state, "stage": stage, "card": own[:4], "leader": bool(leader), "unread": unread,
            "group": [r[:4] for r in rows] if leader else []}


def can_review(user, application) -> bool:
    """Whether `user` may read `application` (an instance or a primary key) as a reviewer now:
    `reviewable_applications(user)` for one object, run from its compiled statement."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _can_review_ids(user.pk, getattr(application, "pk", application))


def expert_can_review(expert, application) -> bool:
    """`can_review` for the expert's account (without loading the account)."""
    return expert.user_id is not None and _can_review_ids(expert.user_id, getattr(application, "pk", application))


def assigned_awaiting_commitment(user):
    """Applications the user is assigned to in a round whose commitment letter they have not
    signed: listed (without material) so the expert knows to sign."""
    expert = Expert.objects.filter(user=user, status=Expert.Status.ACTIVE).first()
    if expert is None:
        return Application.objects.none()
    member_of = GroupMember.objects.filter(expert=expert).values("group_id")
    signed = ReviewerCommitment.objects.filter(expert=expert, round=OuterRef("round"))
    return (Application.objects.filter(review_assignments__group_id__in=member_of)
            .filter(~Exists(signed)).distinct())
