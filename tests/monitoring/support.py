"""Building blocks for the monitoring tests: the shipped Beijing program (3-year window, its
screening rules and record sources), winners awarded on a given day, accident records imported
through the importer."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationState, RoundPhase
from applications.models import AwardProgram, Membership
from award_portal.roles import Role
from tests.applications.factories import make_application, make_org, make_round
from tests.bigdata.support import import_rows, load_programs, row_for

S = ApplicationState


def beijing() -> AwardProgram:
    load_programs()
    return AwardProgram.objects.get(code="beijing")


def days_ago(n) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def winner(program, awarded_on: datetime.date, *, rnd=None):
    """An awarded application of a fresh organisation, awarded on `awarded_on` (test setup)."""
    rnd = rnd or make_round(program, phase=RoundPhase.CLOSED, year=awarded_on.year,
                            deadline=timezone.now() - datetime.timedelta(days=900))
    moment = timezone.make_aware(datetime.datetime.combine(awarded_on, datetime.time(10)))
    return make_application(rnd, make_org(), state=S.AWARDED, state_changed_at=moment)


def accident(application, occurred_on, grade="重大"):
    return import_rows("accident", [row_for(application.organization, occurred_on=occurred_on, grade=grade,
                                            deaths="0", title="生产安全事故", authority="应急管理局")])


def member_of(make_user, application):
    user = make_user(Role.APPLICANT)
    Membership.objects.create(user=user, organization=application.organization, role=Membership.Role.ADMIN)
    return user
