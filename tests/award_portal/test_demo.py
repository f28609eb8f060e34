"""`make run` loads the demo data: it must load on a fresh database, twice without change, and show
every role something (the README promises it)."""

import pytest
from django.core.management import call_command

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, Round
from award_portal.audit import audit_verify_chain
from award_portal.models import User
from bigdata.models import Flag, Run

pytestmark = pytest.mark.django_db

WINNERS = {"首都航天机械有限公司", "北京银行股份有限公司", "拜耳医药保健有限公司", "北京中关村软件园发展有限责任公司",
           "华润双鹤药业股份有限公司"}


def test_demo_loads_idempotently_and_gives_every_role_something(capsys):
    call_command("load_demo")
    counts = (Application.objects.count(), Run.objects.count(), Flag.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Application.objects.count(), Run.objects.count(), Flag.objects.count(), User.objects.count()) == counts

    second = Round.objects.get(program__code="beijing", edition=2)
    assert second.phase == RoundPhase.CLOSED and second.year == 2016
    awarded = Application.objects.filter(round=second, state=ApplicationState.AWARDED)
    assert awarded.count() == 10
    assert WINNERS <= set(awarded.filter(tier__rank=1).values_list("organization__name", flat=True))

    applicant = User.objects.get(username="applicant")
    assert Application.objects.filter(organization__memberships__user=applicant, state=ApplicationState.DRAFT).exists()
    recommender = User.objects.get(username="recommender")
    assert Application.objects.filter(recommender__members=recommender, state=ApplicationState.SUBMITTED).exists()
    assert Application.objects.filter(state=ApplicationState.RECOMMENDED, round__phase=RoundPhase.ELIGIBILITY).exists()
    assert Flag.objects.filter(outcome="disqualifying", decision="pending").exists()
    for username in ("office", "applicant", "recommender", "expert", "guidance", "committee", "supervisor", "admin"):
        assert User.objects.get(username=username).check_password("demo-pass-2026")
    assert "demo-pass-2026" in capsys.readouterr().out
    assert audit_verify_chain()[1] is None  # the replayed history is a valid chain
