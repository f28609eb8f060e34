"""Reads of the monitoring app: the office's lists, the winner's own, the home to-dos."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from award_portal.todo import TodoItem

from .models import Incident, MonitoringRun, Revocation, SelfEvaluationReport, SpotCheck
from .permissions import can_manage_monitoring, can_read_monitoring, organization_ids_of


def runs():
    return MonitoringRun.objects.select_related("program").order_by("-created_at", "-id")


def incidents():
    return Incident.objects.select_related("application__organization", "application__round__program", "rule")


def open_incidents():
    return incidents().exclude(status=Incident.Status.CLOSED).order_by("-opened_at", "-id")


def revocations():
    return Revocation.objects.select_related("application__organization", "application__round__program",
                                             "incident").order_by("-proposed_at", "-id")


def announced_revocations():
    return revocations().filter(status=Revocation.Status.REVOKED).order_by("-revoked_at", "-id")


def reports():
    return SelfEvaluationReport.objects.select_related("application__organization", "application__round__program")


#: Reports owed: not due before the program's measures took effect (a row scheduled before
#: `in_force_from` was set is kept, but owed by nobody: self_evaluation.due_dates).
OWED = (Q(application__round__program__in_force_from__isnull=True)
        | Q(due_on__gte=F("application__round__program__in_force_from")))


def overdue_reports(today=None):
    today = today or timezone.localdate()
    return reports().filter(OWED, status=SelfEvaluationReport.Status.DUE, due_on__lt=today,
                            application__state=ApplicationState.AWARDED).order_by("due_on", "pk")


def spot_checks():
    return SpotCheck.objects.select_related("program", "drawn_by")


def winners_of(user):
    """The user's organisations' standing (or revoked) awards."""
    return (Application.objects.filter(organization_id__in=organization_ids_of(user),
                                       state__in=[ApplicationState.AWARDED, ApplicationState.REVOKED])
            .select_related("organization", "round__program", "tier").order_by("-round__year", "pk"))


def incidents_of(user):
    return incidents().filter(application__organization_id__in=organization_ids_of(user)).order_by("-opened_at")


def reports_of(user):
    return reports().filter(application__organization_id__in=organization_ids_of(user)).order_by("due_on", "pk")


def counts():
    return Incident.objects.aggregate(open=Count("pk", filter=Q(status=Incident.Status.OPEN)),
                                      explained=Count("pk", filter=Q(status=Incident.Status.EXPLAINED)))


def todo_items(user) -> list[TodoItem]:
    items = []
    if not getattr(user, "is_authenticated", False):
        return items
    today = timezone.localdate()
    if organization_ids_of(user):
        for incident in incidents_of(user).filter(status=Incident.Status.OPEN)[:20]:
            items.append(TodoItem(title=_("Explain: %(title)s") % {"title": incident.title},
                                  url=reverse("monitoring-incident", args=[incident.pk]),
                                  section=_("Your award: incidents to explain"), order=15))
        for report in reports_of(user).filter(OWED, status=SelfEvaluationReport.Status.DUE,
                                              application__state=ApplicationState.AWARDED)[:20]:
            items.append(TodoItem(
                title=_("Self-evaluation report on %(year)s") % {"year": report.covers_year},
                url=reverse("monitoring-report", args=[report.pk]), section=_("Your award: self-evaluation reports"),
                due=report.due_on, overdue=report.due_on < today, order=16))
    if can_manage_monitoring(user):
        c = counts()
        if c["explained"] or c["open"]:
            items.append(TodoItem(
                title=_("%(explained)s incident(s) explained, %(open)s awaiting the winner") % c,
                url=reverse("monitoring-incidents"), section=_("Monitoring"), order=60))
        overdue = overdue_reports(today).count()
        if overdue:
            items.append(TodoItem(title=_("%(n)s self-evaluation report(s) overdue") % {"n": overdue},
                                  url=reverse("monitoring-reports"), section=_("Monitoring"), overdue=True, order=61))
    elif can_read_monitoring(user):
        pending = Revocation.objects.filter(status=Revocation.Status.PROPOSED).count()
        if pending:
            items.append(TodoItem(title=_("%(n)s revocation(s) awaiting the committee") % {"n": pending},
                                  url=reverse("monitoring-revocations"), section=_("Monitoring"), order=60))
    return items
