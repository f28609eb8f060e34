"""Plain helpers that build the applications app's rows with boring defaults.

Every helper takes keyword arguments for the fields a test cares about and fills the rest.
Codes, numbers and editions come from one counter so that rows never collide within a test.
"""

import datetime
import itertools
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from applications import uscc
from applications.enums import ApplicationState, Cycle, RoundPhase
from applications.models import (
    Application,
    AwardProgram,
    Certification,
    CriteriaVersion,
    EligibilityRule,
    Membership,
    Organization,
    Recommender,
    Round,
    Tier,
)

_counter = itertools.count(1)
LOCAL = ZoneInfo("Asia/Shanghai")


def deadline_on(day: datetime.date, hour: int = 17) -> datetime.datetime:
    """An application deadline at `hour` o'clock Beijing time on `day`."""
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL)


def make_criteria(**fields) -> CriteriaVersion:
    """A criteria version without categories: the pipeline never reads the items."""
    n = next(_counter)
    return CriteriaVersion.objects.create(**{"code": f"criteria-{n}", "name_zh": f"评价准则{n}", **fields})


def make_program(*, criteria=None, rules=(), **fields) -> AwardProgram:
    """An annual program in Beijing that requires a recommendation.

    `rules` is a list of (kind, params) pairs or dicts of EligibilityRule fields.
    """
    n = next(_counter)
    program = AwardProgram.objects.create(**{
        "code": f"program-{n}", "name_zh": f"测试质量奖{n}", "issuing_government": "测试市人民政府",
        "region_code": "110000", "cycle": Cycle.ANNUAL, "criteria": criteria or make_criteria(), **fields})
    for rule in rules:
        if isinstance(rule, tuple):
            kind, params = rule
            rule = {"kind": kind, "params": params}
        make_rule(program, **rule)
    return program


def make_rule(program, kind, params=None, **fields) -> EligibilityRule:
    n = next(_counter)
    return EligibilityRule.objects.create(**{
        "program": program, "kind": kind, "params": params or {}, "order": n,
        "source_article": f"《测试质量奖管理办法》第{n}条", "description_zh": f"条件{n}", **fields})


def make_tier(program, *, quota=1, rank=None, **fields) -> Tier:
    n = next(_counter)
    return Tier.objects.create(**{"program": program, "code": f"tier-{n}", "name_zh": f"奖项{n}",
                                  "rank": rank or n, "quota": quota, **fields})


def make_recommender(program=None, *, members=(), **fields) -> Recommender:
    n = next(_counter)
    recommender = Recommender.objects.create(**{
        "code": f"recommender-{n}", "name_zh": f"推荐单位{n}", "kind": Recommender.Kind.DISTRICT_BUREAU,
        **fields})
    if program is not None:
        program.recommenders.add(recommender)
    recommender.members.add(*members)
    return recommender


def make_round(program, *, phase=RoundPhase.APPLICATIONS_OPEN, deadline=None, edition=None, year=None,
               **fields) -> Round:
    """A round of `program` already in `phase`, its deadline 30 days ahead unless given.

    Test setup: the phase is written at creation; tests of phase changes go through
    `round_advance_phase`.
    """
    # Default editions start at 1000 so that they never meet the small ones tests give.
    edition = edition or 1000 + next(_counter)
    deadline = deadline or timezone.now() + datetime.timedelta(days=30)
    return Round.objects.create(**{
        "program": program, "edition": edition, "year": year or timezone.localtime(deadline).year,
        "name_zh": f"第{edition}届", "phase": phase, "application_deadline": deadline, **fields})


def make_org(code=None, registered_on=datetime.date(2010, 1, 1), *, region="110108", prefix="91",
             members=(), **fields) -> Organization:
    """A manufacturing company with a valid credit code (seeded from the shared counter)."""
    n = next(_counter)
    code = code or uscc.generate(random.Random(n), region=region, prefix=prefix)
    org = Organization.objects.create(**{"credit_code": code, "name": f"测试企业{n}有限公司",
                                         "registered_on": registered_on, "address": f"测试路{n}号",
                                         "industry_section": "C", **fields})
    for user in members:
        Membership.objects.create(user=user, organization=org)
    return org


def make_certification(org, *, kind=Certification.Kind.ISO9001, valid_from=datetime.date(2020, 1, 1),
                       valid_until=None, **fields) -> Certification:
    return Certification.objects.create(**{"organization": org, "kind": kind, "number": f"CERT-{next(_counter)}",
                                           "valid_from": valid_from, "valid_until": valid_until, **fields})


def make_application(round, org, *, state=ApplicationState.DRAFT, **fields) -> Application:
    """An application of `org` in `round`, put straight into `state`."""
    application = Application.objects.create(**{"round": round, "organization": org,
                                                 "number": f"TEST-{next(_counter):06d}", **fields})
    if state != application.state:
        # Test setup only: production code changes state through
        # applications.workflow.application_transition, never like this.
        Application.objects.filter(pk=application.pk).update(state=state)
        application.refresh_from_db()
    return application


def make_submittable(application, applicant) -> Application:
    """Fill in every step the submit guard checks, through the web form's own services."""
    from applications.demo import fill_application

    return fill_application(application, applicant)
