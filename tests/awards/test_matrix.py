"""The awards app's permission matrix: every "awards-" and "api-awards-" URL, for every role, an
organisation's member ("member") and the anonymous visitor. A URL without a row fails the test.

Refused means 401/403/404, or the login page for the anonymous visitor; a refused request writes
no audit entry. Allowed means anything below 500 that is not a refusal (a POST without data gets
400 with its reason)."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver, reverse
from django.utils import timezone

from award_portal.audit import AuditEvent
from award_portal.roles import Role
from awards import cqa, funding
from awards.approval import approval_record, award_confer
from awards.decisions import decision_publish
from awards.models import HonourKind
from tests.applications.factories import make_org
from tests.applications.support import pdf_upload
from tests.award_portal.test_permission_matrix import url_names
from tests.awards.support import approval_round, member

pytestmark = pytest.mark.django_db
PUBLIC = "public"
READERS = {Role.OFFICE, Role.SUPERVISOR}
OFFICE = {Role.OFFICE}
MEMBER = {"member"}
EVERY_USER = [*Role, "member", None]

MATRIX = {
    "awards-home": ("get", None, READERS),
    "awards-round": ("get", lambda o: [o.round.pk], READERS),
    "awards-approval-record": ("post", lambda o: [o.round.pk], OFFICE),
    "awards-approval-scan": ("get", lambda o: [o.round.pk], READERS),
    "awards-decision-publish": ("post", lambda o: [o.round.pk], OFFICE),
    "awards-confer": ("post", lambda o: [o.round.pk], OFFICE),
    "awards-cqa-record": ("post", lambda o: [o.round.pk], OFFICE),
    "awards-certificates": ("get", lambda o: [o.round.pk], READERS),
    "awards-certificates-pdf": ("get", lambda o: [o.round.pk], READERS),
    "awards-certificate-pdf": ("get", lambda o: [o.certificate.pk], READERS | MEMBER),
    "awards-decision-pdf": ("get", lambda o: [o.decision.pk], PUBLIC),
    "awards-cqa-pdf": ("get", lambda o: [o.recommendation.pk], READERS),
    "awards-funding": ("get", None, READERS),
    "awards-payment-approve": ("post", None, OFFICE),
    "awards-payment-status": ("post", lambda o: [o.payment.pk], OFFICE),
    "awards-honours": ("get", None, READERS),
    "awards-mine": ("get", None, MEMBER),
    "awards-verify": ("get", None, PUBLIC),
    "awards-certificate-verify": ("get", lambda o: [o.certificate.code], PUBLIC),
    "api-awards-round": ("get", lambda o: [o.round.pk], READERS),
    "api-awards-certificate-verify": ("get", lambda o: [o.certificate.code], PUBLIC),
    "api-awards-payments": ("get", None, READERS),
    "api-awards-payment-status": ("post", lambda o: [o.payment.pk], OFFICE),
    "api-awards-mine": ("get", None, MEMBER),
}


def test_every_awards_url_has_a_row():
    names = {n for n in url_names(get_resolver()) if n.startswith(("awards-", "api-awards-"))}
    assert sorted(names - set(MATRIX)) == []
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def objects(make_user):
    office = make_user(Role.OFFICE)
    o = approval_round(n_award=1, n_nomination=0)
    day = timezone.localdate() - datetime.timedelta(days=1)
    approval_record(round_id=o.round.pk, actor=office, approving_body="北京市人民政府", approved_on=day,
                    application_ids=[o.apps[0].pk], scan=pdf_upload("批复.pdf"))
    o.decision = decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕77号", issued_on=day)
    [o.certificate] = award_confer(round_id=o.round.pk, actor=office, conferred_on=day)
    o.recommendation = cqa.cqa_recommend(round_id=o.round.pk, actor=office, document_number="京质函〔2026〕1号",
                                         sent_on=day, application_ids=[o.apps[0].pk])
    funding.incentives_load()
    org = make_org(region="110108")
    honour = funding.honour_record(organization_id=org.pk, kind=HonourKind.CQA, year=2025, actor=office)
    o.payment = funding.payment_approve(program_id=o.program.pk, actor=office, application_id=o.apps[0].pk)
    o.honour = honour
    o.users = {role: make_user(role) for role in Role}
    o.users[Role.OFFICE] = office
    o.users["member"] = member(make_user, o.apps[0])
    return o


def refused(response, anonymous) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return anonymous and response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, objects, name):
    cache.clear()
    method, args, who = MATRIX[name]
    url = reverse(name, args=args(objects) if args else None)
    for key in EVERY_USER:
        client.logout()
        if key is not None:
            client.force_login(objects.users[key])
        before = AuditEvent.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code < 500, (name, key, response.status_code)
        if who == PUBLIC or key in who:
            assert not refused(response, key is None), (name, key, response.status_code)
        else:
            assert refused(response, key is None), (name, key, response.status_code)
            assert AuditEvent.objects.count() == before, (name, key)
