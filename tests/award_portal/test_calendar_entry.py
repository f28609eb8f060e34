"""The office enters a year of the working-day calendar (award_portal/calendar_entry.py)."""

import datetime

import pytest

from award_portal.audit import AuditEvent
from award_portal.calendar_entry import CalendarYearForm, calendar_year_enter, parse_days
from award_portal.roles import Role
from award_portal.workdays import (
    CalendarDay,
    CalendarYear,
    CalendarYearMissing,
    WorkingDayCalendar,
    calendar_warnings,
    year_known,
)

pytestmark = pytest.mark.django_db

D = datetime.date
POST = {
    "year": "2027", "source_document": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": "2027-01-01 元旦\n2027-02-05~2027-02-11 春节", "makeup_days": "2027-02-13 春节调休",
}


def test_parse_days_reads_dates_ranges_and_names():
    assert parse_days("2027-1-1 元旦\n\n2027-02-05 ~ 2027-02-07 春节") == {
        D(2027, 1, 1): "元旦", D(2027, 2, 5): "春节", D(2027, 2, 6): "春节", D(2027, 2, 7): "春节",
    }


@pytest.mark.parametrize("text", ["2027-02-30", "tomorrow", "2027-02-07~2027-02-05", "2027-01-01~2027-12-31"])
def test_parse_days_refuses_bad_lines(text):
    assert not CalendarYearForm(data={**POST, "holidays": text}).is_valid()


@pytest.mark.parametrize(("field", "value", "error_field"), [
    ("holidays", "2026-12-31 元旦", "holidays"),
    ("makeup_days", "2028-01-02", "makeup_days"),
    ("makeup_days", "2027-02-06", "makeup_days"),  # also a holiday
    ("holidays", "2027-01-01\n2027-01-01", "holidays"),
    ("holidays", "", "holidays"),
    ("year", "99999", "year"),
])
def test_form_refuses_invalid_year(field, value, error_field):
    form = CalendarYearForm(data={**POST, field: value})

    assert not form.is_valid()
    assert error_field in form.errors


def test_office_enters_a_year_and_deadlines_use_it(client, make_user):
    office = make_user(role=Role.OFFICE)
    client.force_login(office)

    response = client.post("/calendar/enter/", POST)

    assert response.status_code == 302
    entered = CalendarYear.objects.get(year=2027)
    assert sorted(entered.days.values_list("date", "kind")) == (
        [(D(2027, 1, 1), CalendarDay.Kind.HOLIDAY)]
        + [(D(2027, 2, d), CalendarDay.Kind.HOLIDAY) for d in range(5, 12)]
        + [(D(2027, 2, 13), CalendarDay.Kind.MAKEUP_WORKDAY)]
    )
    event = AuditEvent.objects.get(action="calendar.year_enter")
    assert (event.actor, event.object_id, event.before) == (office, str(entered.pk), {})
    assert event.after["days"]["2027-02-13"] == "workday"
    assert WorkingDayCalendar().add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 12)
    assert WorkingDayCalendar().is_workday(D(2027, 2, 13))


def test_entering_a_year_again_replaces_its_days(make_user):
    office = make_user(role=Role.OFFICE)
    calendar_year_enter(year=2027, source_document="a", holidays={D(2027, 1, 1): "元旦"}, makeup_days={},
                        actor=office)

    calendar_year_enter(year=2027, source_document="b", holidays={D(2027, 1, 2): ""}, makeup_days={},
                        actor=office)

    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 2)]
    last = AuditEvent.objects.filter(action="calendar.year_enter").order_by("-id").first()
    assert (last.before, last.after) == ({"source_document": "a", "days": {"2027-01-01": "holiday"}},
                                         {"source_document": "b", "days": {"2027-01-02": "holiday"}})


def test_invalid_post_changes_nothing(client, make_user):
    client.force_login(make_user(role=Role.OFFICE))

    response = client.post("/calendar/enter/", {**POST, "makeup_days": "2027-02-06"})

    assert response.status_code == 200
    assert (CalendarYear.objects.count(), AuditEvent.objects.filter(action="calendar.year_enter").count()) == (0, 0)


def test_form_page_prefills_an_entered_year(client, make_user):
    office = make_user(role=Role.OFFICE)
    calendar_year_enter(year=2027, source_document="通知", holidays={D(2027, 1, 1): "元旦"},
                        makeup_days={D(2027, 2, 13): ""}, actor=office)
    client.force_login(office)

    form = client.get("/calendar/enter/", {"year": "2027"}).context["form"]

    assert (form.initial["holidays"], form.initial["makeup_days"]) == ("2027-01-01 元旦", "2027-02-13")
    assert client.get("/calendar/enter/", {"year": "²０２7"}).status_code == 200


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.APPLICANT])
def test_only_the_office_enters_a_year(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.post("/calendar/enter/", POST).status_code == 403
    assert not CalendarYear.objects.exists()


def test_calendar_page_links_office_to_the_form(client, make_user):
    client.force_login(make_user(role=Role.OFFICE))
    assert 'href="/calendar/enter/"' in client.get("/calendar/").content.decode()
    client.force_login(make_user(role=Role.SUPERVISOR))
    assert "/calendar/enter/" not in client.get("/calendar/").content.decode()


def test_missing_year_message_is_chinese_by_default(client, make_user):
    client.force_login(make_user(role=Role.OFFICE))

    response = client.get("/calendar/", {"start": "2026-12-31", "days": "1"})

    assert "2027年" in response.context["error"]


def test_calendar_warnings_name_each_missing_year(make_user):
    today = D(2026, 11, 30)
    assert calendar_warnings(D(2026, 12, 31), today=today) == []
    assert len(calendar_warnings(D(2028, 3, 1), today=today)) == 2
    assert not year_known(2027)

    calendar_year_enter(year=2027, source_document="通知", holidays={D(2027, 1, 1): ""}, makeup_days={},
                        actor=make_user(role=Role.OFFICE))

    warnings = calendar_warnings(D(2028, 3, 1), today=today)
    assert year_known(2027) and len(warnings) == 1 and "2028" in warnings[0]
    with pytest.raises(CalendarYearMissing):
        WorkingDayCalendar().add_working_days(D(2027, 12, 31), 1)


def test_calendar_warnings_partial_lists_warnings_and_links_the_form():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("zh-hans"):
        html = render_to_string("award_portal/_calendar_warnings.html", {
            "calendar_warnings": calendar_warnings(D(2027, 6, 1), today=D(2026, 11, 30)),
            "can_enter_calendar": True,
        })

    assert "2027年的工作日历尚未录入" in html and 'href="/calendar/enter/"' in html
    assert render_to_string("award_portal/_calendar_warnings.html", {"calendar_warnings": []}).strip() == ""
