"""Approval, decision and conferral: the owners of `approve` and `award` move the applications, all
or nothing, after the proposed winners' notice; the decision carries the audit trail's head."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import Action, ApplicationState
from applications.models import Application, StateChange
from applications.workflow import TransitionError, application_transition
from award_portal.audit import AuditEvent, audit_verify_chain
from award_portal.roles import Role
from awards.approval import approval_record, award_confer
from awards.decisions import decision_publish
from awards.errors import AwardsError
from awards.models import Approval, ApprovedEntry, Certificate, CommendationDecision
from tests.awards.support import approval_round, conferred

pytestmark = pytest.mark.django_db
S = ApplicationState
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE)


def _approve(office, o, ids=None, **kw):
    return approval_record(round_id=o.round.pk, actor=office, approving_body="北京市人民政府", approved_on=YESTERDAY,
                           application_ids=ids if ids is not None else [a.pk for a in o.apps], **kw)


def test_approval_moves_the_listed_applications_with_their_tiers(office):
    o = approval_round(n_award=2, n_nomination=1)
    approval = _approve(office, o, ids=[a.pk for a in o.apps[:2]], document_number="京政字〔2026〕7号")

    states = dict(Application.objects.filter(round=o.round).values_list("pk", "state"))
    assert [states[a.pk] for a in o.apps] == [S.APPROVED, S.APPROVED, S.IN_PUBLIC_NOTICE]
    assert list(ApprovedEntry.objects.filter(approval=approval).values_list("tier__code", flat=True)) == ["award"] * 2
    change = StateChange.objects.get(application=o.apps[0], action=Action.APPROVE)
    assert change.actor == office and change.to_state == S.APPROVED
    event = AuditEvent.objects.get(action="awards.approval_recorded")
    assert event.after["document_number"] == "京政字〔2026〕7号" and len(event.after["approved"]) == 2


def test_approval_before_the_notice_ended_is_refused_and_records_nothing(office):
    o = approval_round(notice_days_ago=None)  # the notice starts today: 5 working days to run

    with pytest.raises(AwardsError) as refused:
        _approve(office, o)

    assert "runs until" in refused.value.message or "公示" in refused.value.message
    assert not Approval.objects.exists()
    assert set(Application.objects.filter(round=o.round).values_list("state", flat=True)) == {S.IN_PUBLIC_NOTICE}


def test_approve_and_award_are_refused_to_every_other_caller(office):
    o = approval_round()
    with pytest.raises(TransitionError) as refused:
        application_transition(application_id=o.apps[0].pk, action=Action.APPROVE, actor=office)
    assert refused.value.code == "owned"


def test_the_generic_endpoint_refuses_approve(client, office):
    o = approval_round()
    client.force_login(office)
    client.post(reverse("application-transition", args=[o.apps[0].pk]), {"action": Action.APPROVE})
    assert Application.objects.get(pk=o.apps[0].pk).state == S.IN_PUBLIC_NOTICE


@pytest.mark.parametrize("change, code", [
    ({"approving_body": " "}, "input"),
    ({"approved_on": timezone.localdate() + datetime.timedelta(days=3)}, "input"),
    ({"application_ids": []}, "input"),
])
def test_bad_approval_input_is_refused_with_a_reason(office, change, code):
    o = approval_round()
    kwargs = {"round_id": o.round.pk, "actor": office, "approving_body": "北京市人民政府", "approved_on": YESTERDAY,
              "application_ids": [a.pk for a in o.apps], **change}
    with pytest.raises(AwardsError) as refused:
        approval_record(**kwargs)
    assert refused.value.code == code and refused.value.message
    assert not Approval.objects.exists()


def test_only_the_office_approves(make_user):
    o = approval_round()
    with pytest.raises(AwardsError) as refused:
        _approve(make_user(Role.SUPERVISOR), o)
    assert refused.value.code == "role"


def test_a_second_approval_is_refused(office):
    o = approval_round()
    _approve(office, o)
    with pytest.raises(AwardsError) as refused:
        _approve(office, o)
    assert refused.value.code == "exists"


def test_decision_carries_the_audit_head_at_publication(office):
    o = approval_round()
    _approve(office, o)
    decision = decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕45号",
                                issued_on=YESTERDAY)

    event = AuditEvent.objects.get(pk=decision.audit_event_id)
    assert event.action == "awards.decision_published" and event.hash == decision.audit_hash
    assert event.object_id == str(decision.pk)
    assert AuditEvent.objects.order_by("-id").first().pk == event.pk  # it was the head
    assert decision.title == f"北京市人民政府关于表彰第{o.round.edition}届获奖组织的决定"
    assert audit_verify_chain()[1] is None


def test_decision_number_must_be_given_and_unique(office):
    o = approval_round()
    _approve(office, o)
    with pytest.raises(AwardsError):
        decision_publish(round_id=o.round.pk, actor=office, document_number="  ", issued_on=YESTERDAY)
    other = approval_round()
    _approve(office, other)
    decision_publish(round_id=other.round.pk, actor=office, document_number="京政发〔2026〕1号", issued_on=YESTERDAY)
    with pytest.raises(AwardsError) as refused:
        decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕1号", issued_on=YESTERDAY)
    assert "1号" in refused.value.message
    assert not CommendationDecision.objects.filter(round=o.round).exists()


def test_conferral_needs_the_decision_then_awards_and_issues_one_certificate_each(office):
    o = approval_round(n_award=2, n_nomination=1)
    _approve(office, o)
    with pytest.raises(AwardsError):
        award_confer(round_id=o.round.pk, actor=office, conferred_on=YESTERDAY)
    decision = decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕9号",
                                issued_on=YESTERDAY)

    certificates = award_confer(round_id=o.round.pk, actor=office, conferred_on=YESTERDAY)

    assert set(Application.objects.filter(round=o.round).values_list("state", flat=True)) == {S.AWARDED}
    assert [c.tier.code for c in certificates] == ["award", "award", "nomination"]
    assert {c.decision_id for c in certificates} == {decision.pk}
    assert len({c.code for c in certificates}) == 3
    with pytest.raises(AwardsError) as again:
        award_confer(round_id=o.round.pk, actor=office, conferred_on=YESTERDAY)
    assert again.value.code == "exists"


def test_an_application_disqualified_after_approval_gets_no_certificate(office):
    o = approval_round(n_award=2, n_nomination=0)
    _approve(office, o)
    application_transition(application_id=o.apps[1].pk, action=Action.DISQUALIFY, actor=office,
                           reason="材料造假")
    decision_publish(round_id=o.round.pk, actor=office, document_number="京政发〔2026〕10号", issued_on=YESTERDAY)

    certificates = award_confer(round_id=o.round.pk, actor=office, conferred_on=YESTERDAY)

    assert [c.application_id for c in certificates] == [o.apps[0].pk]
    assert Application.objects.get(pk=o.apps[1].pk).state == S.DISQUALIFIED


def test_round_page_records_the_approval_and_keeps_input_on_refusal(client, office):
    o = approval_round(notice_days_ago=None)
    client.force_login(office)
    url = reverse("awards-approval-record", args=[o.round.pk])
    data = {"approving_body": "北京市人民政府（测试）", "approved_on": YESTERDAY.isoformat(),
            "document_number": "京政字〔2026〕99号", "applications": [a.pk for a in o.apps]}

    response = client.post(url, data)

    assert response.status_code == 409
    page = response.content.decode()
    assert "京政字〔2026〕99号" in page and "北京市人民政府（测试）" in page
    assert not Approval.objects.exists()


def test_round_page_flow_through_http(client, office):
    o = approval_round()
    client.force_login(office)
    r = client.post(reverse("awards-approval-record", args=[o.round.pk]), {
        "approving_body": "北京市人民政府", "approved_on": YESTERDAY.isoformat(), "applications": [a.pk for a in o.apps]})
    assert r.status_code == 302
    r = client.post(reverse("awards-decision-publish", args=[o.round.pk]), {
        "document_number": "京政发〔2026〕3号", "issued_on": YESTERDAY.isoformat(), "issuer": "北京市人民政府",
        "title": "关于表彰的决定", "preamble": "经批准，决定表彰下列组织。"})
    assert r.status_code == 302
    r = client.post(reverse("awards-confer", args=[o.round.pk]), {"conferred_on": "not a date"})
    assert r.status_code == 400
    r = client.post(reverse("awards-confer", args=[o.round.pk]), {"conferred_on": YESTERDAY.isoformat()})
    assert r.status_code == 302 and Certificate.objects.filter(decision__round=o.round).count() == 3
    page = client.get(reverse("awards-round", args=[o.round.pk])).content.decode()
    assert "京政发〔2026〕3号" in page and CommendationDecision.objects.get().audit_hash in page


def test_conferred_helper(office):
    o = approval_round(n_award=1, n_nomination=0)
    decision, certificates = conferred(office, o)
    assert len(certificates) == 1 and decision.round_id == o.round.pk
