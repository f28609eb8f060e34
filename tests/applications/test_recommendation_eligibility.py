"""After submission: the recommending authority endorses (opinion + stamped form) or returns;
the eligibility rules then run in the background; the office overrides or confirms failing
rules with a reason and marks the application eligible or ineligible. Each step notifies the
applicant, in the applicant's own language."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from applications import drafts
from applications.enums import ApplicationState, RoundPhase
from applications.models import Attachment, Recommendation, RuleResult
from award_portal.audit import audit_events_for
from award_portal.notifications import Notification

from .support import (
    advance,
    authority,
    english,
    make_org,
    make_recommender_user,
    make_rep,
    open_round,
    pdf_upload,
    submitted_application,
)

pytestmark = pytest.mark.django_db
S = ApplicationState
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


@pytest.fixture
def rnd():
    return open_round("beijing")


@pytest.fixture
def recommender(make_user, rnd):
    return make_recommender_user(make_user, rnd.program, email="tuijian@example.cn")


@pytest.fixture
def office(make_user):
    return make_user(role="office", email="office@example.cn")


@pytest.fixture
def org():
    return make_org(name="北京推荐测试有限公司")


@pytest.fixture
def reps(make_user, org):
    """Two people act for the organisation: one reads English, one Chinese."""
    return (make_rep(make_user, org, language="en", email="en@example.cn"),
            make_rep(make_user, org, language="zh-hans", email="zh@example.cn"))


@pytest.fixture
def application(rnd, org, reps):
    return submitted_application(rnd, org, reps[0])


def logged_in(client, user):
    client.force_login(user)
    return english(client)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def endorse(client, application, *, opinion="该组织质量管理体系健全，同意推荐。", stamped_form=True):
    data = {"decision": "endorse", "opinion": opinion}
    if stamped_form:
        data["stamped_form"] = pdf_upload("推荐表（盖章）.pdf")
    return client.post(reverse("application-recommend", args=[application.pk]), data, follow=True)


def give_back(client, application, reason):
    return client.post(reverse("application-recommend", args=[application.pk]),
                       {"decision": "return", "reason": reason}, follow=True)


def transition(client, application, action, reason=""):
    return client.post(reverse("application-transition", args=[application.pk]),
                       {"action": action, "reason": reason, "expected_state": application.state}, follow=True)


def actions_of(application):
    return list(application.state_changes.values_list("action", flat=True))


# ------------------------------------------------------------------ endorsement

def test_endorsement_records_the_recommendation_runs_the_rules_and_notifies(
        client, application, recommender, office, reps, django_capture_on_commit_callbacks):
    client = logged_in(client, recommender)

    with django_capture_on_commit_callbacks(execute=True):
        response = endorse(client, application)

    assert messages_of(response) == ["Recommended."]
    application.refresh_from_db()
    assert application.state == S.RECOMMENDED
    form = application.attachments.get(kind=Attachment.Kind.RECOMMENDATION_FORM)
    assert (form.original_name, form.content_type, form.uploaded_by) == ("推荐表（盖章）.pdf", "application/pdf",
                                                                         recommender)
    recommendation = application.recommendations.get()
    assert (recommendation.outcome, recommendation.opinion, recommendation.form, recommendation.recommender,
            recommendation.decided_by) == (Recommendation.Outcome.ENDORSED, "该组织质量管理体系健全，同意推荐。", form,
                                           authority(application.round.program), recommender)
    assert actions_of(application) == ["submit", "recommend"]
    # The eligibility task ran after the commit: one result per active rule of the program.
    rules = set(application.round.program.eligibility_rules.filter(active=True).values_list("pk", flat=True))
    assert set(application.rule_results.values_list("rule_id", flat=True)) == rules
    assert audit_events_for(application).filter(action="eligibility.evaluate").count() == 1
    # The applicants and the office hear of it; the recommender who acted does not.
    en_rep, zh_rep = reps
    assert set(Notification.objects.values_list("user", flat=True)) == {en_rep.pk, zh_rep.pk, office.pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.cn", "office@example.cn", "zh@example.cn"]


def test_notifications_are_written_in_each_applicants_language(
        client, application, recommender, reps, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        endorse(logged_in(client, recommender), application)

    en_rep, zh_rep = reps
    en_mail = next(m for m in mail.outbox if m.to == ["en@example.cn"])
    zh_mail = next(m for m in mail.outbox if m.to == ["zh@example.cn"])
    note = Notification.objects.get(user=en_rep)
    assert en_mail.subject == note.subject == (
        f"{application.number} 北京推荐测试有限公司: Recommended, awaiting eligibility review")
    assert note.link == reverse("application-detail", args=[application.pk])
    assert note.emailed is True
    assert Notification.objects.get(user=zh_rep).subject == zh_mail.subject
    if not ZH_CATALOG.exists():
        pytest.skip("locale/zh_Hans/LC_MESSAGES/django.mo is not compiled yet")
    with translation.override("zh-hans"):
        state_zh = str(S.RECOMMENDED.label)
    assert CJK.search(state_zh), "the state label has no Chinese translation"
    assert zh_mail.subject.endswith(state_zh)
    assert "Recommended" not in zh_mail.subject and "The application" not in zh_mail.body


def test_beijing_endorsement_without_stamped_form_is_refused(client, application, recommender,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = endorse(logged_in(client, recommender), application, stamped_form=False)

    assert messages_of(response) == ["Upload the stamped recommendation form."]
    assert callbacks == []
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert not application.recommendations.exists()
    assert not application.attachments.filter(kind=Attachment.Kind.RECOMMENDATION_FORM).exists()
    assert not application.rule_results.exists()
    assert actions_of(application) == ["submit"]


def test_endorsement_without_opinion_is_refused_before_storing_the_form(client, application, recommender):
    response = endorse(logged_in(client, recommender), application, opinion="  ")

    assert messages_of(response) == ["Write the recommendation opinion."]
    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert not application.attachments.filter(kind=Attachment.Kind.RECOMMENDATION_FORM).exists()


def test_recommender_of_another_authority_cannot_endorse(client, make_user, application):
    other = make_user(role="recommender")
    application.round.program.recommenders.exclude(pk=application.recommender_id).first().members.add(other)

    client.force_login(other)

    response = client.post(reverse("application-recommend", args=[application.pk]),
                           {"decision": "endorse", "opinion": "同意", "stamped_form": pdf_upload()})
    assert response.status_code == 404
    application.refresh_from_db()
    assert (application.state, application.recommendations.count()) == (S.SUBMITTED, 0)


# ------------------------------------------------------------------ return

def test_return_with_reason_reopens_the_draft_and_keeps_the_history(
        client, application, recommender, reps, django_capture_on_commit_callbacks):
    en_rep, _zh_rep = reps
    with django_capture_on_commit_callbacks(execute=True):
        response = give_back(logged_in(client, recommender), application, "自评报告第4章缺少数据支撑，请补充。")

    assert messages_of(response) == ["Returned to the applicant."]
    application.refresh_from_db()
    assert (application.state, application.feedback) == (S.RETURNED, "自评报告第4章缺少数据支撑，请补充。")
    recommendation = application.recommendations.get()
    assert (recommendation.outcome, recommendation.opinion, recommendation.form) == (
        Recommendation.Outcome.RETURNED, "自评报告第4章缺少数据支撑，请补充。", None)
    assert Notification.objects.filter(user=en_rep, body__contains="自评报告第4章缺少数据支撑").exists()

    # The applicant edits again, keeps what was there, and submits anew.
    applicant = logged_in(client, en_rep)
    page = applicant.get(reverse("application-edit", args=[application.pk, "report"]))
    assert page.context["editable"] is True
    saved = applicant.post(reverse("application-autosave", args=[application.pk]),
                           {"step": "report", "version": application.version,
                            **{**application.draft_data["report"], "cat_4": "补充了数据。" * 40}})
    assert saved.status_code == 200
    drafts.application_submit(application_id=application.pk, actor=en_rep)

    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.draft_data["report"]["cat_4"] == "补充了数据。" * 40
    assert list(application.state_changes.values_list("action", "from_state", "to_state")) == [
        ("submit", "draft", "submitted"), ("return", "submitted", "returned"), ("submit", "returned", "submitted")]
    assert [e.action for e in audit_events_for(application).filter(action__in=[
        "application.submit", "application.return"]).order_by("id")] == [
        "application.submit", "application.return", "application.submit"]


def test_return_without_reason_is_refused(client, application, recommender):
    response = give_back(logged_in(client, recommender), application, "  ")

    assert messages_of(response) == ["Give a reason: it is recorded and shown to the applicant."]
    application.refresh_from_db()
    assert (application.state, application.recommendations.count()) == (S.SUBMITTED, 0)


# ------------------------------------------------------------------ Hangzhou: the office recommends

@pytest.fixture
def hz_round():
    return open_round("hangzhou")


@pytest.fixture
def hz_application(make_user, hz_round):
    rep = make_rep(make_user, make_org(region="330106", name="杭州测试智造有限公司"))
    return submitted_application(hz_round, rep.organizations.get(), rep)


def test_hangzhou_office_recommends_without_a_stamped_form(client, office, hz_application,
                                                           django_capture_on_commit_callbacks):
    assert hz_application.recommender is None
    with django_capture_on_commit_callbacks(execute=True):
        response = endorse(logged_in(client, office), hz_application, opinion="材料齐全，受理。", stamped_form=False)

    assert messages_of(response) == ["Recommended."]
    hz_application.refresh_from_db()
    assert hz_application.state == S.RECOMMENDED
    assert not hz_application.recommendations.exists()
    assert list(hz_application.state_changes.values_list("action", "role", "reason")) == [
        ("submit", "applicant", ""), ("recommend", "office", "材料齐全，受理。")]
    assert hz_application.rule_results.count() == hz_application.round.program.eligibility_rules.filter(
        active=True).count()


def test_hangzhou_office_returns(client, office, hz_application):
    response = give_back(logged_in(client, office), hz_application, "请补充亩均效益评价结果。")

    assert messages_of(response) == ["Returned to the applicant."]
    hz_application.refresh_from_db()
    assert (hz_application.state, hz_application.feedback) == (S.RETURNED, "请补充亩均效益评价结果。")
    assert not hz_application.recommendations.exists()


def test_beijing_office_cannot_take_the_recommenders_part(client, office, application):
    response = endorse(logged_in(client, office), application, stamped_form=False)

    assert messages_of(response) == ["You may not “Recommend” this application."]
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


# ------------------------------------------------------------------ eligibility decisions

@pytest.fixture
def young(make_user, rnd, recommender, django_capture_on_commit_callbacks):
    """A recommended application of an organisation registered 400 days ago (the three-year rule
    fails), with its rules evaluated by the task, in a round now under eligibility review."""
    rep = make_rep(make_user, make_org(registered_on=timezone.localdate() - datetime.timedelta(days=400)),
                   language="en")
    application = submitted_application(rnd, rep.organizations.get(), rep)
    with django_capture_on_commit_callbacks(execute=True):
        endorse(logged_in_copy(recommender), application)
    advance(rnd, RoundPhase.ELIGIBILITY)
    application.refresh_from_db()
    return application, rep, application.rule_results.get(outcome="fail")


def logged_in_copy(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return english(client)


def test_office_overrides_a_failing_rule_with_a_reason_and_marks_eligible(
        client, office, young, django_capture_on_commit_callbacks):
    application, rep, failing = young
    client = logged_in(client, office)
    assert failing.rule.kind == "min_years_registered"

    open_results = list(application.rule_results.exclude(outcome="pass"))  # other rule families may add some
    refused = transition(client, application, "mark_eligible")
    assert messages_of(refused) == [
        f"{len(open_results)} eligibility rule(s) have not passed or still await the office's decision."]

    no_reason = client.post(reverse("rule-result-decide", args=[failing.pk]), {"decision": "overridden"},
                            follow=True)
    assert messages_of(no_reason) == ["Write the reason for the decision: it is recorded in the audit trail."]

    decided = client.post(reverse("rule-result-decide", args=[failing.pk]),
                          {"decision": "overridden", "reason": "前身企业2010年注册，经核实连续经营满三年"}, follow=True)
    assert messages_of(decided) == ["Decision recorded."]
    failing.refresh_from_db()
    assert (failing.decision, failing.decided_by, failing.effective_outcome) == (
        RuleResult.Decision.OVERRIDDEN, office, "pass")
    event = audit_events_for(application).get(action="eligibility.overridden")
    assert (event.actor_id, event.before, event.after) == (
        office.pk, {"decision": "", "outcome": "fail"},
        {"rule": failing.rule_id, "decision": "overridden", "reason": "前身企业2010年注册，经核实连续经营满三年"})

    for other in open_results:
        if other.pk != failing.pk:
            client.post(reverse("rule-result-decide", args=[other.pk]),
                        {"decision": "overridden", "reason": "评审办核实材料后确认符合条件"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = transition(client, application, "mark_eligible")

    assert messages_of(response) == ["Done: Office found it eligible."]
    application.refresh_from_db()
    assert application.state == S.ELIGIBLE
    assert actions_of(application)[-1] == "mark_eligible"
    assert Notification.objects.filter(user=rep).order_by("-id").first().subject.endswith(": Eligible")


def test_office_confirms_a_failing_rule_marks_ineligible_and_the_applicant_sees_why(
        client, office, young):
    application, rep, failing = young
    office_client = logged_in(client, office)

    before = logged_in_copy(rep).get(reverse("application-detail", args=[application.pk]))
    assert list(before.context["rule_results"]) == []  # not before the office has decided

    refused = transition(office_client, application, "mark_ineligible", reason="注册未满三年")
    assert messages_of(refused) == ["Confirm at least one failing eligibility rule (with its reason) before marking "
                                    "the application ineligible."]
    decided = office_client.post(reverse("rule-result-decide", args=[failing.pk]),
                                 {"decision": "confirmed", "reason": "注册于去年，未满三年"}, follow=True)
    assert messages_of(decided) == ["Decision recorded."]
    no_reason = transition(office_client, application, "mark_ineligible")
    assert messages_of(no_reason) == ["Give a reason: it is recorded and shown to the applicant."]
    response = transition(office_client, application, "mark_ineligible", reason="不符合注册满三年的申报条件")

    assert messages_of(response) == ["Done: Office found it ineligible."]
    application.refresh_from_db()
    assert (application.state, application.feedback) == (S.INELIGIBLE, "不符合注册满三年的申报条件")
    failing.refresh_from_db()
    assert failing.decision == RuleResult.Decision.CONFIRMED

    page = logged_in_copy(rep).get(reverse("application-detail", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert list(page.context["rule_results"]) == list(application.rule_results.all())
    assert failing.reason_en in html  # the English page shows the reason in English
    assert "注册于去年，未满三年" in html
    assert "不符合注册满三年的申报条件" in html
    assert 'class="decide"' not in html  # the applicant gets no decision forms
