"""Objections: accepted inside the period with a receipt, refused one second after it ends with
the moment it ended, files checked by content, abuse limited per client, verified by the office
(an upheld objection withdraws the application and its history says why)."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from applications.enums import Action, ApplicationState, NoticeStage
from applications.models import Application, StateChange
from award_portal.audit import AuditEvent
from award_portal.notifications import Notification
from award_portal.roles import Role
from notices.models import Objection
from notices.objections import RateLimited, objection_decide, objection_lookup, objection_submit, rate_limit

from .support import noticed_program, pdf_upload, publish, round_with_proposed

pytestmark = pytest.mark.django_db
S = ApplicationState
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def notice():
    rnd, _apps = round_with_proposed(noticed_program(days=5, verification_days=5))
    return publish(rnd)


def lodge(notice, *, now=None, files=()):
    entry = notice.entries.first()
    return objection_submit(notice_id=notice.pk, entry_id=entry.pk, facts="该企业去年发生重大质量事故。",
                            reasons="不符合申报条件第4项。", contact_name="王先生", contact="13800000000",
                            files=files, ip="203.0.113.7", now=now)


def test_an_objection_inside_the_period_is_accepted_with_a_receipt(notice, make_user,
                                                                   django_capture_on_commit_callbacks):
    office = make_user(Role.OFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        objection, secret = lodge(notice, now=notice.closes_at - SECOND, files=[pdf_upload()])

    assert objection.receipt.startswith("YY")
    assert objection.evidence.get().name == "证据.pdf"
    assert objection_lookup(receipt=objection.receipt, secret=secret) == objection
    assert objection_lookup(receipt=objection.receipt, secret="wrong") is None
    event = AuditEvent.objects.filter(action="notices.objection_received").get()
    assert event.after["receipt"] == objection.receipt and "13800000000" not in str(event.after)
    assert Notification.objects.filter(user=office, link__endswith=f"/objections/{objection.pk}/").exists()


def test_an_objection_one_second_after_the_period_is_refused_with_the_end(notice):
    end = timezone.localtime(notice.closes_at - SECOND)
    with pytest.raises(ValidationError) as info:
        lodge(notice, now=notice.closes_at)  # the instant after the last second

    assert info.value.messages == [
        f"The notice period ended at {end:%Y-%m-%d %H:%M:%S}; objections are no longer accepted."]
    assert end.strftime("%H:%M:%S") == "23:59:59"
    assert not Objection.objects.exists()


def test_an_objection_before_the_notice_starts_is_refused(make_user):
    rnd, _apps = round_with_proposed()
    later = publish(rnd, starts_on=timezone.localdate() + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="starts on"):
        lodge(later)


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(notice):
    fake = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not really a .pdf"):
        lodge(notice, files=[fake])
    assert not Objection.objects.exists()


def test_abuse_is_limited_per_client_with_the_time_to_retry():
    cache.clear()
    for _ in range(3):
        rate_limit("objection", "198.51.100.1", limit=3, window=3600)
    with pytest.raises(RateLimited) as info:
        rate_limit("objection", "198.51.100.1", limit=3, window=3600)
    rate_limit("objection", "198.51.100.2", limit=3, window=3600)  # another client is not held
    assert info.value.retry_at > timezone.now()
    assert "try again after" in info.value.message


def test_upheld_objection_withdraws_the_application_and_records_why(notice, make_user):
    office = make_user(Role.OFFICE)
    objection, _secret = lodge(notice)
    application = objection.entry.application
    assert Application.objects.get(pk=application.pk).state == S.IN_PUBLIC_NOTICE

    objection_decide(objection_id=objection.pk, actor=office, upheld=True, reasons="经核查，事故属实。")

    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN_AFTER_OBJECTION
    change = StateChange.objects.filter(application=application).latest("id")
    assert change.action == Action.WITHDRAW_AFTER_OBJECTION
    assert change.reason == f"Objection {objection.receipt} upheld: 经核查，事故属实。"
    objection.refresh_from_db()
    assert (objection.finding, objection.decided_by) == (Objection.Finding.UPHELD, office)
    assert AuditEvent.objects.filter(action="notices.objection_decided", object_id=str(objection.pk)).exists()
    with pytest.raises(ValidationError, match="already been verified"):
        objection_decide(objection_id=objection.pk, actor=office, upheld=False, reasons="again")


def test_not_upheld_objection_leaves_the_application_on_the_list(notice, make_user):
    objection, _secret = lodge(notice)
    objection_decide(objection_id=objection.pk, actor=make_user(Role.OFFICE), upheld=False, reasons="反映问题不属实。")
    assert Application.objects.get(pk=objection.entry.application_id).state == S.IN_PUBLIC_NOTICE


def test_a_finding_needs_its_reasons_and_the_office(notice, make_user):
    objection, _secret = lodge(notice)
    with pytest.raises(ValidationError, match="verification result"):
        objection_decide(objection_id=objection.pk, actor=make_user(Role.OFFICE), upheld=False, reasons=" ")
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        objection_decide(objection_id=objection.pk, actor=make_user(Role.SUPERVISOR), upheld=False, reasons="x")


def test_upheld_on_a_site_review_list_is_the_stage_s_own_decision(make_user):
    from applications.enums import RoundPhase
    from tests.applications.factories import make_application, make_org, make_round

    program = noticed_program(days=7, verification_days=5, stages=(NoticeStage.SITE_REVIEW_LIST,))
    rnd = make_round(program, phase=RoundPhase.SITE_REVIEW,
                     deadline=timezone.now() - datetime.timedelta(days=100))
    app = make_application(rnd, make_org(), state=S.IN_SITE_REVIEW)
    notice = publish(rnd, NoticeStage.SITE_REVIEW_LIST)
    objection, _secret = lodge(notice)
    objection_decide(objection_id=objection.pk, actor=make_user(Role.OFFICE), upheld=True, reasons="核查属实。")
    assert Application.objects.get(pk=app.pk).state == S.NOT_SHORTLISTED


def test_the_office_is_alerted_once_of_an_overdue_objection(notice, make_user):
    from notices.objections import overdue_alert
    from notices.tasks import alert_overdue_objections_task

    office = make_user(Role.OFFICE)
    objection, _secret = lodge(notice)
    assert objection.due_on is not None
    assert overdue_alert(today=objection.due_on) == 0  # the last day itself is still in time
    assert alert_overdue_objections_task.apply().get() == 0
    assert overdue_alert(today=objection.due_on + datetime.timedelta(days=1)) == 1
    assert overdue_alert(today=objection.due_on + datetime.timedelta(days=2)) == 0  # once
    [note] = Notification.objects.filter(user=office, subject__contains=objection.receipt).exclude(
        subject__contains=objection.entry.organization_name)  # not the notice of its receipt
    assert note.link.endswith(f"/objections/{objection.pk}/")
    with translation.override(office.language or "zh-hans"):
        from django.utils.translation import gettext
        assert note.subject == gettext("Objection %(receipt)s is overdue") % {"receipt": objection.receipt}


def test_the_alert_is_scheduled_daily_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="notices.alert_overdue_objections")
    assert task.enabled and task.crontab.hour == "8"
