import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .audit import AuditEvent, audit_search
from .roles import can_read_everything, is_office
from .todo import todo_for
from .workdays import CalendarYear, CalendarYearMissing, WorkingDayCalendar


def home(request):
    """Each user lands on their work: the to-do items the apps' providers give (award_portal.todo)."""
    return render(request, "award_portal/home.html", {"todo": todo_for(request.user)})


@never_cache
def healthz(request):
    """Database and broker status for load balancers and compose health checks."""
    from django.conf import settings

    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001  (any failure means unhealthy)
        status["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except Exception as exc:  # noqa: BLE001
            status["broker"] = f"error: {exc.__class__.__name__}"
    else:
        status["broker"] = "eager (no REDIS_URL)"
    healthy = status["database"] == "ok" and not status["broker"].startswith("error")
    status["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(status, status=200 if healthy else 503)


def _require_reader(user):
    if not can_read_everything(user):
        raise PermissionDenied


@login_required
def audit_trail(request):
    _require_reader(request.user)
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]  # PostgreSQL refuses NUL in text
    if q:
        events = audit_search(events, q)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "award_portal/audit_trail.html", {"page": page, "q": q})


#: The years the calculator accepts: wider than any calendar data, narrow enough that adding
#: working days never leaves Python's dates (9999-12-31 + 5 days would be a server error).
FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR = 1900, 2999


class WorkingDayForm(forms.Form):
    start = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=400)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not (FIRST_CALENDAR_YEAR <= start.year <= LAST_CALENDAR_YEAR):
            raise forms.ValidationError(_("Give a date between the years %(first)s and %(last)s.")
                                        % {"first": FIRST_CALENDAR_YEAR, "last": LAST_CALENDAR_YEAR})
        return start


@login_required
def calendar(request):
    _require_reader(request.user)
    result, error = None, None
    form = WorkingDayForm(request.GET or None)
    if form.is_valid():
        try:
            result = WorkingDayCalendar().add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
        except CalendarYearMissing as exc:
            error = str(exc)
    years = CalendarYear.objects.prefetch_related("days")
    return render(request, "award_portal/calendar.html", {
        "form": form, "result": result, "error": error, "years": years,
        "package_range": "2004–2026", "today": datetime.date.today(), "can_enter": is_office(request.user),
    })


@login_required
def calendar_year_enter(request):
    """The office enters (or corrects) one year's holidays and make-up working days."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from .calendar_entry import CalendarYearForm
    from .calendar_entry import calendar_year_enter as enter

    if not is_office(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            entered = enter(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The working-day calendar for %(year)s is saved.") % {"year": entered.year})
            return redirect("calendar")
    else:
        year = request.GET.get("year", "")
        year = int(year) if len(year) == 4 and year.isascii() and year.isdigit() else None
        existing = CalendarYear.objects.filter(year=year).first() if year else None
        form = CalendarYearForm(initial=CalendarYearForm.initial_for(existing) if existing else {"year": year})
    return render(request, "award_portal/calendar_year_form.html", {"form": form})


@login_required
def notifications(request):
    from django.utils import timezone

    from .notifications import Notification

    items = Notification.objects.filter(user=request.user)[:100]
    response = render(request, "award_portal/notifications.html", {"items": items})
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return response
