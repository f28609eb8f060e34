"""Working days against the State Council's holiday notices (docs/domain.md, Working days).

Every expected date below was worked out by hand from the official schedules:

2025 (国办发明电〔2024〕12号): 元旦 1/1; 春节 1/28–2/4 (1/26 Sun, 2/8 Sat 上班); 清明 4/4–4/6;
劳动节 5/1–5/5 (4/27 Sun 上班); 端午 5/31–6/2; 国庆中秋 10/1–10/8 (9/28 Sun, 10/11 Sat 上班).
2026 (国务院办公厅 2025-11-04): 元旦 1/1–1/3 (1/4 Sun 上班); 春节 2/15–2/23 (2/14 Sat,
2/28 Sat 上班); 清明 4/4–4/6; 劳动节 5/1–5/5 (5/9 Sat 上班); 端午 6/19–6/21; 中秋 9/25–9/27;
国庆 10/1–10/7 (9/20 Sun, 10/10 Sat 上班).
"""

import datetime

import pytest

from award_portal.roles import Role
from award_portal.workdays import (
    CalendarDay,
    CalendarYear,
    CalendarYearMissing,
    WorkingDayCalendar,
    add_working_days,
    is_workday,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date
HOLIDAY, MAKEUP = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.MAKEUP_WORKDAY


def enter_year(year, days=(), source="国务院办公厅关于部分节假日安排的通知"):
    entered = CalendarYear.objects.create(year=year, source_document=source)
    for date, kind, name in days:
        CalendarDay.objects.create(calendar_year=entered, date=date, kind=kind, name=name)
    return entered


# --- The official schedule (package years) --------------------------------------------------


@pytest.mark.parametrize(("day", "expected"), [
    (D(2025, 9, 28), True),    # Sunday, make-up working day
    (D(2025, 9, 30), True),
    (D(2025, 10, 1), False),   # 国庆
    (D(2025, 10, 6), False),   # 中秋, Monday
    (D(2025, 10, 8), False),   # last day of the break, Wednesday
    (D(2025, 10, 9), True),
    (D(2025, 10, 11), True),   # Saturday, make-up working day
    (D(2025, 10, 12), False),  # ordinary Sunday
    (D(2025, 1, 26), True),    # Sunday before 春节
    (D(2025, 1, 28), False),   # 除夕
    (D(2026, 2, 14), True),    # Saturday before 春节
    (D(2026, 2, 15), False),
    (D(2026, 2, 23), False),   # Monday, last day of 春节
    (D(2026, 2, 24), True),
    (D(2026, 2, 28), True),    # Saturday after 春节
    (D(2026, 1, 4), True),     # Sunday after 元旦
    (D(2026, 9, 25), False),   # 中秋, Friday
    (D(2026, 10, 10), True),   # Saturday after 国庆
])
def test_is_workday_follows_official_schedule(day, expected):
    assert is_workday(day) is expected


@pytest.mark.parametrize(("start", "n", "expected"), [
    # 2025 National Day + Mid-Autumn
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2025, 9, 26), 1, D(2025, 9, 28)),    # Friday -> the Sunday make-up day
    (D(2025, 9, 26), 2, D(2025, 9, 29)),
    (D(2025, 9, 30), 3, D(2025, 10, 11)),   # Thu, Fri, then the Saturday make-up day
    (D(2025, 9, 30), 4, D(2025, 10, 13)),
    (D(2025, 9, 28), 3, D(2025, 10, 9)),    # 9/29, 9/30, then 10/9
    # 2025 Spring Festival and Labour Day
    (D(2025, 1, 24), 1, D(2025, 1, 26)),
    (D(2025, 1, 27), 1, D(2025, 2, 5)),
    (D(2025, 2, 7), 1, D(2025, 2, 8)),
    (D(2025, 4, 30), 1, D(2025, 5, 6)),
    (D(2025, 4, 25), 1, D(2025, 4, 27)),
    # Across the year boundary into 2026 New Year
    (D(2025, 12, 31), 1, D(2026, 1, 4)),
    # 2026 Spring Festival
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 14), 1, D(2026, 2, 24)),
    (D(2026, 2, 13), 2, D(2026, 2, 24)),
    (D(2026, 2, 27), 1, D(2026, 2, 28)),
    (D(2026, 2, 13), 10, D(2026, 3, 5)),    # 2/14, 2/24–2/28, 3/2–3/5
    # 2026 Labour Day, Mid-Autumn and National Day
    (D(2026, 4, 30), 1, D(2026, 5, 6)),
    (D(2026, 5, 8), 1, D(2026, 5, 9)),
    (D(2026, 9, 18), 1, D(2026, 9, 20)),
    (D(2026, 9, 24), 1, D(2026, 9, 28)),
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 10, 9), 1, D(2026, 10, 10)),
    # n = 0 is the start itself, even on a holiday
    (D(2025, 10, 1), 0, D(2025, 10, 1)),
])
def test_add_working_days_follows_official_schedule(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_negative_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 10, 9), -1)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2025, 9, 30), D(2025, 10, 12), 3),   # 10/9, 10/10, 10/11 (Sat make-up)
    (D(2025, 9, 26), D(2025, 10, 10), 5),   # 9/28 (Sun make-up), 9/29, 9/30, 10/9, 10/10
    (D(2026, 2, 13), D(2026, 2, 28), 6),    # 2/14, 2/24–2/27, 2/28
    (D(2026, 2, 14), D(2026, 2, 23), 0),    # the whole 春节 break
    (D(2025, 10, 9), D(2025, 10, 9), 0),    # empty interval
    (D(2025, 10, 9), D(2025, 10, 1), 0),    # end before start
    (D(2024, 12, 31), D(2025, 12, 31), 248),  # all of 2025: 261 weekdays - 18 off + 5 make-up
    (D(2025, 12, 31), D(2026, 12, 31), 248),  # all of 2026: 261 weekdays - 19 off + 6 make-up
])
def test_working_days_between_follows_official_schedule(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_inverts_add_working_days():
    start = D(2025, 9, 26)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == n


# --- Years nobody has entered ---------------------------------------------------------------


def test_add_working_days_into_2027_refused_naming_the_year():
    with pytest.raises(CalendarYearMissing) as excinfo:
        add_working_days(D(2026, 12, 31), 1)

    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)


def test_working_days_between_into_2027_refused():
    with pytest.raises(CalendarYearMissing, match="2027"):
        working_days_between(D(2026, 12, 1), D(2027, 1, 5))


def test_add_working_days_up_to_year_end_needs_no_next_year():
    assert add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)


def test_is_workday_before_package_range_refused():
    with pytest.raises(CalendarYearMissing, match="2003"):
        is_workday(D(2003, 5, 1))


# --- Years entered by the office ------------------------------------------------------------


@pytest.fixture
def year_2027():
    # 2027-01-01 is a Friday; 2027-01-09 a Saturday.
    return enter_year(2027, [
        (D(2027, 1, 1), HOLIDAY, "元旦"),
        (D(2027, 1, 9), MAKEUP, "调休上班"),
    ])


def test_entered_year_holiday_skipped(year_2027):
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_entered_year_makeup_saturday_counts(year_2027):
    assert add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 9)
    assert add_working_days(D(2027, 1, 8), 2) == D(2027, 1, 11)


def test_entered_year_working_days_between(year_2027):
    # 1/4–1/8 (five weekdays) and the make-up Saturday 1/9; 1/1 is off, 1/10 a Sunday.
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 10)) == 6


def test_entered_year_ordinary_weekends_and_weekdays(year_2027):
    calendar = WorkingDayCalendar()
    assert [calendar.is_workday(D(2027, 1, d)) for d in range(1, 12)] == [
        False, False, False, True, True, True, True, True, True, False, True,
    ]


def test_entered_year_overrides_package_for_that_year():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)

    enter_year(2026, [(D(2026, 3, 9), HOLIDAY, "extra day off")])

    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


def test_entered_year_replaces_the_whole_package_year():
    # The office's entry is the whole truth for its year: what it leaves out is an ordinary day.
    enter_year(2026, [(D(2026, 3, 9), HOLIDAY, "extra day off")])

    assert (is_workday(D(2026, 2, 16)), is_workday(D(2026, 2, 14))) == (True, False)
    assert is_workday(D(2025, 10, 1)) is False  # other years still come from the package


def test_calendar_caches_years_per_computation(year_2027, django_assert_num_queries):
    calendar = WorkingDayCalendar()
    # One query for the year, one for its days; the second call is free.
    with django_assert_num_queries(2):
        calendar.add_working_days(D(2027, 1, 1), 20)
    with django_assert_num_queries(0):
        calendar.working_days_between(D(2027, 1, 1), D(2027, 3, 1))


def test_calendar_day_outside_its_year_invalid(year_2027):
    from django.core.exceptions import ValidationError

    day = CalendarDay(calendar_year=year_2027, date=D(2026, 12, 31), kind=HOLIDAY)

    with pytest.raises(ValidationError):
        day.full_clean()


# --- The /calendar/ page --------------------------------------------------------------------


def test_calendar_page_shows_result_to_office(client, make_user):
    client.force_login(make_user(role=Role.OFFICE))

    response = client.get("/calendar/", {"start": "2025-09-30", "days": "1"})

    assert response.status_code == 200
    assert response.context["result"] == D(2025, 10, 9)
    assert 'data-result="2025-10-09"' in response.content.decode()


def test_calendar_page_shows_refusal_to_office(client, make_user):
    client.force_login(make_user(role=Role.OFFICE))

    response = client.get("/calendar/", {"start": "2026-12-31", "days": "1"})

    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["error"] == str(CalendarYearMissing(2027))
    assert '<p class="error">' in response.content.decode()
    assert "2027" in response.content.decode()


def test_calendar_page_uses_entered_year(client, make_user, year_2027):
    client.force_login(make_user(role=Role.SUPERVISOR))

    response = client.get("/calendar/", {"start": "2026-12-31", "days": "1"})

    assert (response.status_code, response.context["result"], response.context["error"]) == (
        200, D(2027, 1, 4), None,
    )
    assert list(response.context["years"]) == [year_2027]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.RECOMMENDER])
def test_calendar_page_forbidden_to_other_roles(client, make_user, role):
    client.force_login(make_user(role=role))

    assert client.get("/calendar/").status_code == 403


def test_calendar_page_anonymous_redirected_to_login(client):
    response = client.get("/calendar/")

    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/calendar/")
