"""Builders for review tests: experts in the pool, a round in material review with applications."""

import datetime
import itertools

from django.contrib.auth.models import Group

from applications.enums import ApplicationState, RoundPhase
from award_portal.roles import Role
from review import experts as expert_services
from review.models import Expert, ReviewSettings, TrainingRecord
from tests.applications.support import advance, complete_application, make_org, make_rep, open_round, put_in_state

_seq = itertools.count(1)


def make_expert(make_user=None, *, sections="C", region="110105", examined=True, status=Expert.Status.ACTIVE,
                shared=False, can_lead=False, name=None, with_user=True) -> Expert:
    """An expert in the pool (examined unless told otherwise), with a login when `make_user` is given."""
    n = next(_seq)
    user = None
    if with_user and make_user is not None:
        user = make_user(Role.EXPERT, username=f"pool-expert-{n}")
    expert = Expert.objects.create(user=user, name=name or f"专家{n}", email=f"expert{n}@example.cn",
                                   expertise=sections, region_code=region, status=status, shared=shared,
                                   can_lead=can_lead)
    if examined:
        TrainingRecord.objects.create(expert=expert, kind=TrainingRecord.Kind.EXAMINATION,
                                      held_on=datetime.date(2026, 3, 1), title="评审员考试", passed=True, score=85)
    return expert


def review_round(make_user, *, n_applications=4, code="beijing", sections=None, phase=RoundPhase.MATERIAL_REVIEW):
    """A round in material review holding `n_applications` applications in material review.
    Returns (round, [applications])."""
    Group.objects.get_or_create(name=str(Role.EXPERT))
    rnd = open_round(code)
    apps = []
    for i in range(n_applications):
        section = (sections or "C")[i % len(sections or "C")]
        org = make_org(industry_section=section, industry_division="" if section != "C" else "3742")
        rep = make_rep(make_user, org)
        application = complete_application(rnd, org, rep)
        apps.append(put_in_state(application, ApplicationState.IN_MATERIAL_REVIEW))
    advance(rnd, phase)
    ReviewSettings.objects.get_or_create(program=rnd.program, defaults={
        "min_group_size": 3, "max_group_size": 5, "applications_per_group": 2, "partner_regions": "12,13"})
    rnd.refresh_from_db()
    return rnd, apps


def sign(expert, rnd):
    return expert_services.commitment_sign(expert=expert, round_id=rnd.pk)
