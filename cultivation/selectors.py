"""Reads of the cultivation app: a campaign's progress (computed from the data: an organisation
counts as "applied" when it submitted an application, as "awarded" when one stands awarded,
read from `applications`), lists for pages and the to-dos."""

import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.enums import ApplicationState
from applications.models import Application
from award_portal.todo import TodoItem

from . import permissions
from .models import Campaign, Course, Enrolment, Method, MethodAdoption, TrackedOrganization


def _applied(campaign, **extra):
    """Applications of the tracked organisation submitted since the campaign started (any program:
    004 counts 申报各类省、市政府质量奖项)."""
    return Application.objects.filter(organization_id=OuterRef("organization_id"),
                                      submitted_at__date__gte=campaign.starts_on, **extra)


def tracked_with_stage(campaign):
    return (TrackedOrganization.objects.filter(campaign=campaign).select_related("organization")
            .annotate(applied=Exists(_applied(campaign)),
                      awarded=Exists(_applied(campaign, state=ApplicationState.AWARDED)),
                      method_count=Count("methods"))
            .order_by("organization__name", "pk"))


def stage_of(tracked) -> str:
    if tracked.awarded:
        return pgettext("cultivation stage", "Awarded")
    if tracked.applied:
        return pgettext("cultivation stage", "Applied")
    if tracked.cultivated_on:
        return pgettext("cultivation stage", "Cultivated to apply")
    return pgettext("cultivation stage", "Tracked")


def _pct(value, target):
    return round(100 * value / target, 1) if target else 0


def campaign_progress(campaign) -> dict:
    """Every figure of the dashboard, in a few aggregate queries."""
    qs = TrackedOrganization.objects.filter(campaign=campaign)
    figures = qs.aggregate(
        tracked=Count("pk"),
        cultivated=Count("pk", filter=Q(cultivated_on__isnull=False)),
        applied=Count("pk", filter=Q(Exists(_applied(campaign)))),
        awarded=Count("pk", filter=Q(Exists(_applied(campaign, state=ApplicationState.AWARDED)))),
        adopting=Count("pk", filter=Q(Exists(MethodAdoption.objects.filter(tracked=OuterRef("pk"))))),
    )
    by_method = dict(MethodAdoption.objects.filter(tracked__campaign=campaign).values_list("method")
                     .annotate(n=Count("pk")).values_list("method", "n"))
    firsts = (MethodAdoption.objects.filter(tracked__campaign=campaign).values("tracked_id")
              .annotate(first=Min("adopted_on")).values_list("first", flat=True))
    firsts = list(firsts)
    months = {}
    for day in firsts:
        key = day.strftime("%Y-%m")
        months[key] = months.get(key, 0) + 1
    series, total = [], 0
    for key in _month_range(campaign.starts_on, max([campaign.starts_on, *firsts]) if firsts else campaign.starts_on,
                            months):
        total += months.get(key, 0)
        series.append([key, total])
    figures.update({
        "target_cultivated": campaign.target_cultivated, "target_adopting": campaign.target_adopting,
        "cultivated_pct": _pct(figures["cultivated"], campaign.target_cultivated),
        "applied_pct": _pct(figures["applied"], campaign.target_cultivated),
        "adopting_pct": _pct(figures["adopting"], campaign.target_adopting),
        "by_method": [{"method": m, "label": str(label), "count": by_method.get(m, 0)}
                      for m, label in Method.choices],
        "adopting_by_month": series,
    })
    return figures


def _month_range(start: datetime.date, end: datetime.date, months: dict):
    keys = set(months)
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.add(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return sorted(keys)


def chart_data(campaign, figures) -> dict:
    """What the chart script draws (labels already in the reader's language)."""
    return {
        "labels": {
            "targets": _("Progress against targets (%)"), "stages": _("Organisations by stage"),
            "methods": _("Organisations adopting each method"), "timeline": _("Organisations adopting methods, cumulative"),
            "target": _("Target"), "actual": _("Actual"),
        },
        "targets": [
            {"name": pgettext("cultivation stage", "Cultivated to apply"), "value": figures["cultivated"], "target": figures["target_cultivated"]},
            {"name": pgettext("cultivation stage", "Applied"), "value": figures["applied"], "target": figures["target_cultivated"]},
            {"name": _("Adopting quality methods"), "value": figures["adopting"], "target": figures["target_adopting"]},
        ],
        "stages": [
            {"name": pgettext("cultivation stage", "Tracked"), "value": figures["tracked"]},
            {"name": pgettext("cultivation stage", "Cultivated to apply"), "value": figures["cultivated"]},
            {"name": pgettext("cultivation stage", "Applied"), "value": figures["applied"]},
            {"name": pgettext("cultivation stage", "Awarded"), "value": figures["awarded"]},
        ],
        "methods": [{"name": m["label"], "value": m["count"]} for m in figures["by_method"]],
        "timeline": figures["adopting_by_month"],
        "target_adopting": figures["target_adopting"],
    }


def public_campaigns():
    return Campaign.objects.filter(is_public=True).select_related("program").order_by("-starts_on", "pk")


def campaigns():
    return Campaign.objects.select_related("program").annotate(n_tracked=Count("tracked")).order_by(
        "-starts_on", "pk")


def courses():
    return Course.objects.select_related("campaign", "host").annotate(
        n_enrolled=Count("enrolments"),
        n_attended=Count("enrolments", filter=Q(enrolments__attendance=Enrolment.Attendance.ATTENDED))).order_by(
        "-held_on", "pk")


def upcoming_courses():
    return courses().filter(held_on__gte=timezone.localdate()).order_by("held_on", "pk")


def own_enrolments(user):
    return Enrolment.objects.filter(organization_id__in=permissions.organization_ids_of(user)).select_related(
        "course", "organization").order_by("-course__held_on", "person")


def own_tracks(user):
    return TrackedOrganization.objects.filter(
        organization_id__in=permissions.organization_ids_of(user)).select_related("campaign", "organization")


def office_todo(user) -> list[TodoItem]:
    """Courses held in the past whose attendance is still open."""
    if not permissions.can_manage_cultivation(user):
        return []
    pending = (Course.objects.filter(held_on__lte=timezone.localdate(),
                                     enrolments__attendance=Enrolment.Attendance.ENROLLED)
               .distinct().order_by("held_on")[:20])
    return [TodoItem(title=c.topic, url=reverse("cultivation-course", args=[c.pk]),
                     section=_("Attendance to record"), detail=c.place, due=c.held_on, overdue=True, order=70)
            for c in pending]
