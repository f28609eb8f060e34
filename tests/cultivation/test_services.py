"""Behaviour of the cultivation services: progress read from the data, methods, enrolment and
attendance, and the cultivation grant under the awards ledger's "highest, not repeated" rule."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from applications.enums import ApplicationState
from award_portal.audit import AuditEvent
from award_portal.roles import Role
from cultivation import campaigns, courses, grants, selectors
from cultivation.errors import CultivationError
from cultivation.models import Enrolment
from tests.applications.factories import make_org
from tests.cultivation.support import applied, setup

pytestmark = pytest.mark.django_db


def test_progress_reads_applications_not_hand_entries(make_user):
    o = setup(make_user)
    figures = selectors.campaign_progress(o.campaign)
    assert (figures["tracked"], figures["cultivated"], figures["applied"], figures["awarded"], figures["adopting"]) == (
        3, 1, 0, 0, 1)
    applied(o.orgs[0])                                   # submitted inside the campaign: applied
    applied(o.orgs[1], state=ApplicationState.AWARDED)   # and awarded
    applied(o.orgs[2], days_ago=400)                     # before the campaign started: not counted
    figures = selectors.campaign_progress(o.campaign)
    assert (figures["applied"], figures["awarded"]) == (2, 1)
    assert figures["cultivated_pct"] == 1.0 and figures["adopting_pct"] == 0.1
    assert {m["method"]: m["count"] for m in figures["by_method"]}["qc_circle"] == 1
    assert figures["adopting_by_month"][-1][1] == 1
    with translation.override("en"):
        stages = {t.organization_id: selectors.stage_of(t) for t in selectors.tracked_with_stage(o.campaign)}
    assert stages == {o.orgs[0].pk: "Applied", o.orgs[1].pk: "Awarded", o.orgs[2].pk: "Tracked"}


def test_methods_by_the_office_or_the_organisation_itself(make_user):
    o = setup(make_user)
    day = timezone.localdate() - datetime.timedelta(days=5)
    adoption = campaigns.method_adopt(tracked_id=o.tracked[0].pk, actor=o.member, method="lean", adopted_on=day)
    assert adoption.recorded_by == o.member
    assert AuditEvent.objects.filter(action="cultivation.method_adopted").count() == 2
    with pytest.raises(CultivationError) as exc:
        campaigns.method_adopt(tracked_id=o.tracked[1].pk, actor=o.member, method="lean", adopted_on=day)
    assert exc.value.code == "role"
    with pytest.raises(CultivationError) as exc:
        campaigns.method_adopt(tracked_id=o.tracked[0].pk, actor=o.office, method="lean", adopted_on=day)
    assert exc.value.code == "exists"
    with pytest.raises(CultivationError) as exc:
        campaigns.method_adopt(tracked_id=o.tracked[0].pk, actor=o.office, method="six_sigma",
                               adopted_on=timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.code == "input"


def test_tracking_twice_and_unknown_codes_are_refused(make_user):
    o = setup(make_user)
    with pytest.raises(CultivationError) as exc:
        campaigns.organization_track(campaign_id=o.campaign.pk, actor=o.office, credit_code=o.orgs[0].credit_code)
    assert exc.value.code == "exists"
    with pytest.raises(CultivationError) as exc:
        campaigns.organization_track(campaign_id=o.campaign.pk, actor=o.office, credit_code="NOPE")
    assert exc.value.code == "input"
    tracked = campaigns.tracked_cultivate(tracked_id=o.tracked[1].pk, actor=o.office)
    assert tracked.cultivated_on == timezone.localdate()
    assert selectors.campaign_progress(o.campaign)["cultivated"] == 2


def test_enrolment_capacity_and_member_rules(make_user):
    o = setup(make_user)
    courses.enrol(course_id=o.past.pk, organization_id=o.orgs[1].pk, person="赵六", actor=o.office)
    with pytest.raises(CultivationError) as exc:   # capacity 2
        courses.enrol(course_id=o.past.pk, organization_id=o.orgs[2].pk, person="钱七", actor=o.office)
    assert exc.value.code == "full"
    with pytest.raises(CultivationError) as exc:   # a member cannot enrol in a course already held
        courses.enrol(course_id=o.past.pk, organization_id=o.orgs[0].pk, person="孙八", actor=o.member)
    assert exc.value.code == "state"
    enrolment = courses.enrol(course_id=o.future.pk, organization_id=o.orgs[0].pk, person="孙八", actor=o.member)
    assert enrolment.enrolled_by == o.member
    with pytest.raises(CultivationError) as exc:   # not for another organisation
        courses.enrol(course_id=o.future.pk, organization_id=o.orgs[1].pk, person="孙八", actor=o.member)
    assert exc.value.code == "role"


def test_attendance_after_the_day_only(make_user):
    o = setup(make_user)
    assert courses.attendance_record(course_id=o.past.pk, actor=o.office,
                                     attendance={str(o.enrolment.pk): "attended"}) == 1
    o.enrolment.refresh_from_db()
    assert o.enrolment.attendance == Enrolment.Attendance.ATTENDED
    assert AuditEvent.objects.filter(action="cultivation.attendance_recorded").count() == 1
    future = courses.enrol(course_id=o.future.pk, organization_id=o.orgs[0].pk, person="甲", actor=o.office)
    with pytest.raises(CultivationError) as exc:
        courses.attendance_record(course_id=o.future.pk, actor=o.office, attendance={str(future.pk): "attended"})
    assert exc.value.code == "state"
    with pytest.raises(CultivationError):
        courses.attendance_record(course_id=o.past.pk, actor=o.office, attendance={str(o.enrolment.pk): "maybe"})
    with pytest.raises(CultivationError) as exc:
        courses.attendance_record(course_id=o.past.pk, actor=make_user(Role.SUPERVISOR),
                                  attendance={str(o.enrolment.pk): "absent"})
    assert exc.value.code == "role"


def test_coaching_needs_the_coached_organisation(make_user):
    o = setup(make_user)
    with pytest.raises(CultivationError) as exc:
        courses.course_create(actor=o.office, kind="coaching", topic="诊断", held_on="2026-01-01", place="现场",
                              trainer="专家", capacity=3)
    assert exc.value.code == "input"


def test_cultivation_grant_is_highest_not_repeated(make_user):
    o = setup(make_user)
    org = make_org(region="330106")
    first = grants.cultivation_grant(program_id=o.program.pk, organization_id=org.pk, year=2024, actor=o.office,
                                     amount="150000")
    assert first.amount == Decimal("150000.00") and first.honour.kind == "cultivation"
    with pytest.raises(CultivationError) as exc:   # 200,000 less the 150,000 already paid
        grants.cultivation_grant(program_id=o.program.pk, organization_id=org.pk, year=2025, actor=o.office,
                                 amount="100000")
    assert exc.value.code == "input"
    second = grants.cultivation_grant(program_id=o.program.pk, organization_id=org.pk, year=2025, actor=o.office)
    assert (second.deducted, second.amount) == (Decimal("150000.00"), Decimal("50000.00"))
    assert AuditEvent.objects.filter(action="awards.payment_approved").count() == 2
    outside = make_org(region="110108")
    with pytest.raises(CultivationError):
        grants.cultivation_grant(program_id=o.program.pk, organization_id=outside.pk, year=2025, actor=o.office)
    with pytest.raises(CultivationError) as exc:
        grants.cultivation_grant(program_id=o.program.pk, organization_id=org.pk, year=2025, actor=o.member)
    assert exc.value.code == "role"
