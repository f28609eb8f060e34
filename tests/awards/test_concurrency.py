"""Races at the round's end, on PostgreSQL (SQLite ignores select_for_update): two payment decisions
for one organisation at once both read the line's history only one after the other, so 就高不重复
holds (the total never exceeds the highest entitlement); two conferrals of one round issue one set
of certificates."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from applications.models import AwardProgram
from applications.program_fixtures import load_all_programs
from award_portal.roles import Role
from awards import funding
from awards.approval import approval_record, award_confer
from awards.decisions import decision_publish
from awards.errors import AwardsError
from awards.models import Certificate, HonourKind
from tests.applications.factories import make_org
from tests.awards.support import approval_round

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks need PostgreSQL: SQLite ignores select_for_update")


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        except AwardsError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_grants_to_one_organisation_at_once_are_not_repeated(make_user):
    load_all_programs()
    funding.incentives_load()
    hangzhou = AwardProgram.objects.get(code="hangzhou")
    office_id = make_user(Role.OFFICE).pk
    org = make_org(region="330106")
    honours = [funding.honour_record(organization_id=org.pk, kind=kind, year=2025,
                                     actor=get_user_model().objects.get(pk=office_id)).pk
               for kind in (HonourKind.ZHEJIANG_AWARD, HonourKind.ZHEJIANG_INNOVATION)]

    def approve(honour_id):
        return lambda: funding.payment_approve(program_id=hangzhou.pk, honour_id=honour_id,
                                               actor=get_user_model().objects.get(pk=office_id)).amount

    amounts = _race(*(approve(h) for h in honours))

    assert sorted(amounts) in ([Decimal("0"), Decimal("2000000")], [Decimal("600000"), Decimal("1400000")])
    assert funding.line_total(hangzhou, org, "excellence_model") == Decimal("2000000")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_conferrals_of_one_round_issue_one_set_of_certificates(make_user):
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=2, n_nomination=0)
    day = timezone.localdate() - datetime.timedelta(days=1)
    approval_record(round_id=o.round.pk, actor=office, approving_body="北京市人民政府", approved_on=day,
                    application_ids=[a.pk for a in o.apps])
    decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕88号", issued_on=day)

    def confer():
        return len(award_confer(round_id=o.round.pk, actor=get_user_model().objects.get(pk=office.pk),
                                conferred_on=day))

    outcomes = _race(confer, confer)

    assert sorted(outcomes, key=str) == [2, "exists"]
    assert Certificate.objects.filter(decision__round=o.round).count() == 2
