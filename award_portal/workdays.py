"""Statutory working days in mainland China (法定节假日 and 调休 make-up working days).

Source of truth per year, in order:
1. a year the review office entered in the admin (`CalendarYear` with its `CalendarDay`s) --
   the State Council publishes next year's schedule each November, before packages catch up;
2. the `chinesecalendar` package (official data for 2004-2026 in 1.11);
3. otherwise the year is unknown and every computation touching it is refused, naming the
   year. A deadline is never guessed.
"""

import datetime
from functools import lru_cache

import chinese_calendar
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _


class CalendarYearMissing(Exception):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _t("The working-day calendar for %(year)s has not been entered yet. Ask the review office "
               "to enter the State Council's holiday schedule for %(year)s.") % {"year": year}
        )


class CalendarYear(models.Model):
    """A year entered by the office. Its days override the package for that whole year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source_document = models.CharField(
        _("source document"), max_length=255,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕×号)"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (day off)")
        MAKEUP_WORKDAY = "workday", _("Make-up working day (调休上班)")

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True, help_text=_("e.g. 春节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.calendar_year_id and self.date and self.date.year != self.calendar_year.year:
            raise ValidationError({"date": _("The date must lie in the calendar year it belongs to.")})


def _package_year_supported(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def _package_year(year: int) -> frozenset[datetime.date] | None:
    """Working days of a year by the package, or None when the package has no data."""
    if not _package_year_supported(year):
        return None
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return frozenset(chinese_calendar.get_workdays(start, end, include_weekends=True))


def _entered_year(year: int) -> frozenset[datetime.date] | None:
    entered = CalendarYear.objects.filter(year=year).first()
    if entered is None:
        return None
    overrides = dict(entered.days.values_list("date", "kind"))
    day = datetime.date(year, 1, 1)
    workdays = set()
    while day.year == year:
        kind = overrides.get(day)
        if kind == CalendarDay.Kind.MAKEUP_WORKDAY or (kind is None and day.weekday() < 5):
            workdays.add(day)
        day += datetime.timedelta(days=1)
    return frozenset(workdays)


class WorkingDayCalendar:
    """Per-computation cache of years, so one deadline costs at most one query per year."""

    def __init__(self):
        self._years: dict[int, frozenset[datetime.date]] = {}

    def workdays_of(self, year: int) -> frozenset[datetime.date]:
        if year not in self._years:
            days = _entered_year(year)
            if days is None:
                days = _package_year(year)
            if days is None:
                raise CalendarYearMissing(year)
            self._years[year] = days
        return self._years[year]

    def is_workday(self, day: datetime.date) -> bool:
        return day in self.workdays_of(day.year)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (start itself not counted); n=0 gives start."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day, remaining = start, n
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in the half-open interval (start, end]."""
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_workday(day)
        return count


def is_workday(day: datetime.date) -> bool:
    return WorkingDayCalendar().is_workday(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    return WorkingDayCalendar().add_working_days(start, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkingDayCalendar().working_days_between(start, end)


def year_known(year: int) -> bool:
    """True when working days of `year` can be computed (entered by the office or in the package)."""
    return CalendarYear.objects.filter(year=year).exists() or _package_year(year) is not None


def calendar_warnings(until_date: datetime.date, *, today: datetime.date | None = None) -> list[str]:
    """One translated warning per year from this year to `until_date`'s that nobody entered.

    For the round dashboard: a round whose last date lies in such a year will have its
    deadlines refused (CalendarYearMissing) once they are computed, so the office hears of it first.
    """
    if until_date is None:
        return []
    today = today or datetime.date.today()
    entered = set(CalendarYear.objects.filter(year__range=(today.year, until_date.year))
                  .values_list("year", flat=True))
    return [
        _t("The working-day calendar for %(year)s has not been entered yet: deadlines in %(year)s cannot be "
           "computed until the review office enters the State Council's holiday schedule for %(year)s.")
        % {"year": year}
        for year in range(today.year, until_date.year + 1)
        if year not in entered and _package_year(year) is None
    ]
