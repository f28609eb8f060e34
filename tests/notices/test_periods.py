"""Notice periods in statutory working days: public holidays skipped, make-up working days
(调休) counted, the first day counting when it is a working day; an unknown year refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from applications.enums import NoticeStage
from award_portal.workdays import CalendarDay, CalendarYear
from notices.periods import notice_period, verification_due
from notices.publication import notice_publish

from .support import noticed_program, round_with_proposed

pytestmark = pytest.mark.django_db
d = datetime.date


def test_notice_period_skips_spring_festival_and_counts_the_make_up_sunday():
    # 2024: Spring Festival off 10–17 Feb, Sunday 18 Feb a make-up working day.
    ends_on, closes_at = notice_period(d(2024, 2, 8), 5)
    assert ends_on == d(2024, 2, 20)  # 8, 9, 18 (Sunday, worked), 19, 20
    assert timezone.localtime(closes_at) == timezone.make_aware(datetime.datetime(2024, 2, 21))


def test_hangzhou_seven_days_across_national_day_count_both_make_up_days():
    # 2025: Sunday 28 Sep and Saturday 11 Oct are worked; 1–8 Oct off.
    ends_on, _closes = notice_period(d(2025, 9, 26), 7)
    assert ends_on == d(2025, 10, 11)  # 26, 28, 29, 30, 9, 10, 11


def test_beijing_2016_notice_of_five_working_days():
    assert notice_period(d(2016, 11, 11), 5)[0] == d(2016, 11, 17)


def test_a_notice_published_on_a_holiday_starts_counting_on_the_next_working_day():
    assert notice_period(d(2024, 10, 1), 1)[0] == d(2024, 10, 8)


def test_entered_year_overrides_the_package():
    year = CalendarYear.objects.create(year=2030)
    CalendarDay.objects.create(calendar_year=year, date=d(2030, 1, 2), kind=CalendarDay.Kind.HOLIDAY)
    CalendarDay.objects.create(calendar_year=year, date=d(2030, 1, 5), kind=CalendarDay.Kind.MAKEUP_WORKDAY)
    # 2030-01-01 is a Tuesday: 1 (worked: not listed), 3, 4, 5 (Saturday, make-up)
    assert notice_period(d(2030, 1, 1), 4)[0] == d(2030, 1, 5)


def test_verification_limit_in_working_days_from_receipt():
    # Hangzhou: verified within 5 working days of receipt. Received Thursday 26 Sep 2024: 27,
    # 29 (Sunday, worked), 30, then National Day 1–7 Oct, 8, 9.
    assert verification_due(d(2024, 9, 26), 5) == d(2024, 10, 9)
    assert verification_due(d(2024, 9, 26), None) is None


def test_publishing_into_an_unknown_year_is_refused_with_the_year_named(make_user):
    rnd, _apps = round_with_proposed(noticed_program(days=5))
    office = make_user("office")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        notice_publish(round_id=rnd.pk, stage=NoticeStage.PROPOSED_WINNERS, actor=office,
                       starts_on=d(2099, 12, 29), historical=True)
    assert "no data for 2099" in info.value.messages[0]
    assert not rnd.notices.exists()
