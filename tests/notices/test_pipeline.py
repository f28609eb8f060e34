"""The pipeline enforces the notices: START_NOTICE only by publishing, approval refused before
the period ends and while objections are pending, the round's phase held likewise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from applications.enums import Action, ApplicationState, NoticeStage, RoundPhase
from applications.models import Application
from applications.phase_guards import round_phase_blockers
from applications.services import round_advance_phase
from applications.workflow import TRANSITIONS, TransitionError, application_transition
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from notices.models import PublicNotice
from notices.objections import objection_decide, objection_submit

from .support import noticed_program, publish, round_with_proposed

pytestmark = pytest.mark.django_db
S = ApplicationState
A = Action


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def approve(application, actor):
    """APPROVE as its owner (the awards app's approval service) runs it."""
    return application_transition(application_id=application.pk, action=A.APPROVE, actor=actor,
                                  owner=TRANSITIONS[A.APPROVE].owner)


def _to_approval(rnd):
    type(rnd).objects.filter(pk=rnd.pk).update(phase=RoundPhase.APPROVAL)


def _end_notice(notice):
    """Move the notice into the past (as if its days had run)."""
    PublicNotice.objects.filter(pk=notice.pk).update(
        starts_on=notice.starts_on - datetime.timedelta(days=30), ends_on=notice.ends_on - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(seconds=1))


def test_publishing_the_proposed_winners_puts_them_on_notice_with_the_trail_head(make_user):
    rnd, apps = round_with_proposed(n=3)
    notice = publish(rnd)

    assert sorted(e.application_id for e in notice.entries.all()) == sorted(a.pk for a in apps)
    assert set(Application.objects.filter(round=rnd).values_list("state", flat=True)) == {S.IN_PUBLIC_NOTICE}
    head = AuditEvent.objects.order_by("-id").first()
    assert (notice.audit_event_id, notice.audit_hash) == (head.pk, head.hash)
    assert head.action == "notices.notice_published"
    assert notice.ends_on > notice.starts_on


def test_start_notice_through_the_generic_endpoint_is_refused(make_user):
    rnd, apps = round_with_proposed(n=1)
    with pytest.raises(TransitionError) as info:
        application_transition(application_id=apps[0].pk, action=A.START_NOTICE, actor=make_user(Role.OFFICE))
    assert info.value.code == "owned"


def test_approval_before_the_period_ends_is_refused(make_user):
    office = make_user(Role.OFFICE)
    rnd, apps = round_with_proposed(n=1)
    notice = publish(rnd)
    _to_approval(rnd)

    with pytest.raises(TransitionError) as info:
        approve(apps[0], office)

    assert info.value.code == "guard"
    assert info.value.message.startswith("The notice “Proposed winners” runs until ")
    _end_notice(notice)
    approve(apps[0], office)
    assert Application.objects.get(pk=apps[0].pk).state == S.APPROVED


def test_approval_waits_for_the_objections_to_be_verified(make_user):
    office = make_user(Role.OFFICE)
    rnd, apps = round_with_proposed(n=1)
    notice = publish(rnd)
    objection, _s = objection_submit(notice_id=notice.pk, entry_id=notice.entries.get().pk, facts="f", reasons="r",
                                     contact_name="n", contact="c")
    _end_notice(notice)
    _to_approval(rnd)

    with pytest.raises(TransitionError, match="1 objection"):
        approve(apps[0], office)
    objection_decide(objection_id=objection.pk, actor=office, upheld=False, reasons="不属实")
    approve(apps[0], office)


def test_the_round_cannot_leave_public_notice_before_the_notice_is_published_and_over(make_user):
    office = make_user(Role.OFFICE)
    rnd, _apps = round_with_proposed(n=1)
    assert round_phase_blockers(rnd) == [
        "1 application(s) still “Proposed for the award”: this phase must resolve them first.",
        "The list “Proposed winners” has not been published for public notice yet."]
    notice = publish(rnd)
    rnd.refresh_from_db()
    assert round_phase_blockers(rnd)[0].startswith("The notice “Proposed winners” runs until ")
    with pytest.raises(ValidationError):
        round_advance_phase(round_id=rnd.pk, actor=office)
    _end_notice(notice)
    assert round_phase_blockers(rnd) == []
    round_advance_phase(round_id=rnd.pk, actor=office)


def test_hangzhou_site_review_list_holds_the_shortlist(make_user):
    from tests.applications.factories import make_application, make_org, make_round

    office = make_user(Role.OFFICE)
    program = noticed_program(days=7, stages=(NoticeStage.SITE_REVIEW_LIST,))
    rnd = make_round(program, phase=RoundPhase.SITE_REVIEW, deadline=timezone.now() - datetime.timedelta(days=90))
    app = make_application(rnd, make_org(), state=S.IN_SITE_REVIEW)

    with pytest.raises(TransitionError, match="must be published for public notice first"):
        application_transition(application_id=app.pk, action=A.SHORTLIST, actor=office)
    notice = publish(rnd, NoticeStage.SITE_REVIEW_LIST)
    with pytest.raises(TransitionError, match="runs until"):
        application_transition(application_id=app.pk, action=A.SHORTLIST, actor=office)
    _end_notice(notice)
    application_transition(application_id=app.pk, action=A.SHORTLIST, actor=office)


def test_a_program_without_the_stage_is_not_held(make_user):
    office = make_user(Role.OFFICE)
    program = noticed_program(stages=())
    rnd, apps = round_with_proposed(program, n=1)
    Application.objects.filter(pk=apps[0].pk).update(state=S.IN_PUBLIC_NOTICE)
    _to_approval(rnd)
    approve(apps[0], office)


def test_publishing_is_refused_outside_the_phase_and_twice(make_user):
    office = make_user(Role.OFFICE)
    rnd, _apps = round_with_proposed(n=1, phase=RoundPhase.DELIBERATION)
    from notices.publication import notice_publish
    with pytest.raises(ValidationError, match="is published while the round is in"):
        notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office)
    type(rnd).objects.filter(pk=rnd.pk).update(phase=RoundPhase.PUBLIC_NOTICE)
    with pytest.raises(ValidationError, match="cannot start in the past"):
        notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office,
                       starts_on=timezone.localdate() - datetime.timedelta(days=1))
    notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office)
    with pytest.raises(ValidationError, match="already been published"):
        notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office)
