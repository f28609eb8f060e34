"""The review office enters a year's holidays and make-up working days (workdays.py, source 1).

The State Council publishes next year's schedule each November, before the chinesecalendar
package has it; the office types it in here. A year is entered whole: saving again replaces
its days, and the audit entry keeps the days before and after.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .workdays import CalendarDay, CalendarYear

FIRST_ENTERED_YEAR, LAST_ENTERED_YEAR = 2000, 2999
#: One line: a date or a range of dates (2027-02-05~2027-02-11), then an optional name.
_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|\.\.|至|–|—)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*(.*)$")
MAX_LINES, MAX_RANGE_DAYS = 60, 31


def parse_days(text: str) -> dict[datetime.date, str]:
    """`date name` or `first~last name` per line → {date: name}. Raises ValidationError naming the line."""
    days: dict[datetime.date, str] = {}
    lines = [line.strip() for line in text.replace("\x00", "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(_("At most %(n)s lines.") % {"n": MAX_LINES})
    for line in lines:
        match = _LINE.match(line)
        try:
            first = datetime.date.fromisoformat(_padded(match.group(1))) if match else None
            last = datetime.date.fromisoformat(_padded(match.group(2))) if match and match.group(2) else first
        except ValueError:
            first = last = None
        if first is None or last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationError(_("“%(line)s” is not a date (YYYY-MM-DD) or a range of dates "
                                    "(YYYY-MM-DD~YYYY-MM-DD) followed by a name.") % {"line": line[:80]})
        name = match.group(3).strip()[:64]
        day = first
        while day <= last:
            if day in days:
                raise ValidationError(_("%(date)s is listed twice.") % {"date": day.isoformat()})
            days[day] = name
            day += datetime.timedelta(days=1)
    return days


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_ENTERED_YEAR, max_value=LAST_ENTERED_YEAR)
    source_document = forms.CharField(
        label=_("Source document"), max_length=255,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕×号)"),
    )
    published_on = forms.DateField(label=_("Published on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    holidays = forms.CharField(
        label=_("Holidays (days off)"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=4000,
        help_text=_("One line per day or range, then the holiday's name, e.g. “2027-02-05~2027-02-11 春节”."),
    )
    makeup_days = forms.CharField(
        label=_("Make-up working days (调休上班)"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        max_length=2000, help_text=_("One line per day, e.g. “2027-02-13 春节调休”."),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                            max_length=2000)

    def clean_holidays(self):
        return parse_days(self.cleaned_data["holidays"])

    def clean_makeup_days(self):
        return parse_days(self.cleaned_data["makeup_days"])

    def clean(self):
        data = super().clean()
        year, holidays, makeup = data.get("year"), data.get("holidays"), data.get("makeup_days")
        if year is None or holidays is None or makeup is None:
            return data
        for field, days in (("holidays", holidays), ("makeup_days", makeup)):
            outside = sorted(d.isoformat() for d in days if d.year != year)
            if outside:
                self.add_error(field, _("Outside %(year)s: %(dates)s.") % {"year": year, "dates": ", ".join(outside)})
        both = sorted(d.isoformat() for d in set(holidays) & set(makeup))
        if both:
            self.add_error("makeup_days", _("Both a holiday and a make-up working day: %(dates)s.")
                           % {"dates": ", ".join(both)})
        if not holidays:
            self.add_error("holidays", _("Enter the year's holidays."))
        return data

    @classmethod
    def initial_for(cls, entered: CalendarYear) -> dict:
        def lines(kind):
            return "\n".join(f"{d.date.isoformat()} {d.name}".strip() for d in entered.days.all() if d.kind == kind)

        return {"year": entered.year, "source_document": entered.source_document,
                "published_on": entered.published_on, "notes": entered.notes,
                "holidays": lines(CalendarDay.Kind.HOLIDAY), "makeup_days": lines(CalendarDay.Kind.MAKEUP_WORKDAY)}


def _days_snapshot(entered: CalendarYear | None) -> dict:
    if entered is None:
        return {}
    return {"source_document": entered.source_document,
            "days": {d.isoformat(): kind for d, kind in entered.days.values_list("date", "kind")}}


def calendar_year_enter(*, year: int, source_document: str, holidays: dict, makeup_days: dict, actor,
                        published_on: datetime.date | None = None, notes: str = "") -> CalendarYear:
    """Create or replace the office's entry for `year`.

    Side effects, in one transaction: the `CalendarYear` row (created or updated, locked), all
    its `CalendarDay` rows replaced, one audit entry `calendar.year_enter` with the days before
    and after. Callers pass validated data (CalendarYearForm).
    """
    with transaction.atomic():
        entered = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = _days_snapshot(entered)
        if entered is None:
            entered = CalendarYear(year=year)
        entered.source_document, entered.published_on, entered.notes = source_document, published_on, notes
        entered.save()
        entered.days.all().delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(calendar_year=entered, date=d, kind=CalendarDay.Kind.HOLIDAY, name=n)
             for d, n in sorted(holidays.items())]
            + [CalendarDay(calendar_year=entered, date=d, kind=CalendarDay.Kind.MAKEUP_WORKDAY, name=n)
               for d, n in sorted(makeup_days.items())]
        )
        audit_record(action="calendar.year_enter", obj=entered, actor=actor,
                     before=before, after=_days_snapshot(entered))
    return entered
