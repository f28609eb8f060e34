"""Notice periods and verification limits in statutory working days (award_portal/workdays.py).

"公示期为5个工作日" (bj2016 art. 21), "社会公示7个工作日" (hz2025 §三(三)7): the notice's first day
is the day it is published and counts when it is a working day; the period ends at the end of its
last working day. "自收到材料之日起5个工作日内" (ibid.): the office verifies an objection by the
n-th working day after the day it was received.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.workdays import CalendarYearMissing, WorkingDayCalendar


def calendar_refusal(exc: CalendarYearMissing) -> ValidationError:
    return ValidationError(_("The period cannot be counted: the working-day calendar has no data for %(year)s. "
                             "Enter that year on the working-day calendar first.") % {"year": exc.year})


def notice_period(starts_on: datetime.date, working_days: int, calendar=None) -> tuple[datetime.date, datetime.datetime]:
    """(last day, closing instant) of a notice published on `starts_on` for `working_days`.

    The last day is the `working_days`-th working day counting `starts_on` itself; objections are
    accepted until the midnight that ends it (the closing instant is exclusive).
    Raises CalendarYearMissing when a year of the period is unknown.
    """
    calendar = calendar or WorkingDayCalendar()
    ends_on = calendar.add_working_days(starts_on - datetime.timedelta(days=1), working_days)
    closes_at = timezone.make_aware(datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time.min))
    return ends_on, closes_at


def verification_due(received_on: datetime.date, days: int | None) -> datetime.date | None:
    """The last day the office may verify an objection received on `received_on` (None: no limit)."""
    if not days:
        return None
    return WorkingDayCalendar().add_working_days(received_on, days)


def working_days_left(due_on: datetime.date, today: datetime.date | None = None, calendar=None) -> int:
    """Working days from today until `due_on` (negative when overdue; 0 on the day itself).
    Pass one `calendar` for a list, so each year is read once."""
    today = today or timezone.localdate()
    calendar = calendar or WorkingDayCalendar()
    try:
        if due_on >= today:
            return calendar.working_days_between(today, due_on)
        return -calendar.working_days_between(due_on, today)
    except CalendarYearMissing:
        return (due_on - today).days
