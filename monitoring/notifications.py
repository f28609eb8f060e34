"""Who hears of what in monitoring, each in their own language (award_portal.notifications)."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Membership
from award_portal.notifications import notify
from award_portal.roles import Role


def office_users():
    return get_user_model().objects.filter(groups__name=str(Role.OFFICE), is_active=True).distinct()


def members_of(organization_id):
    return get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organization_id=organization_id).values("user_id"), is_active=True)


def notify_incidents_opened(run_id: int) -> None:
    """After a run committed: the office is alerted once per run, each winner once per incident
    (asked for its written explanation)."""
    from .models import Incident

    incidents = list(Incident.objects.filter(run_id=run_id).select_related("application__organization"))
    if not incidents:
        return
    count = len(incidents)

    def office_message():
        return (_("Monitoring opened %(n)s incident(s)") % {"n": count},
                _("Monitoring found new serious records of winners. Review the incidents."))

    for user in office_users():
        notify(user, office_message, link=reverse("monitoring-incidents"))
    for incident in incidents:
        ask_explanation(incident)


def ask_explanation(incident) -> None:
    for user in members_of(incident.application.organization_id):
        notify(user, lambda i=incident: (
            _("Please explain an incident: %(title)s") % {"title": i.title},
            _("A serious record of %(date)s concerns your award. Please give the review office a written "
              "explanation.") % {"date": i.occurred_on}),
            link=reverse("monitoring-incident", args=[incident.pk]))


def notify_office_of_incident(incident) -> None:
    for user in office_users():
        notify(user, lambda i=incident: (
            _("A winner reported an incident: %(org)s") % {"org": i.application.organization.name},
            i.title), link=reverse("monitoring-incident", args=[incident.pk]))


def notify_office_of_explanation(incident) -> None:
    for user in office_users():
        notify(user, lambda i=incident: (
            _("A winner explained an incident: %(org)s") % {"org": i.application.organization.name},
            i.title), link=reverse("monitoring-incident", args=[incident.pk]), email=False)


def notify_report(report, *, overdue: bool) -> None:
    def compose():
        values = {"year": report.covers_year, "due": report.due_on}
        if overdue:
            return (_("Your self-evaluation report is overdue"),
                    _("The self-evaluation report on %(year)s was due on %(due)s. Please file it now.") % values)
        return (_("Your self-evaluation report is due on %(due)s") % values,
                _("Please file the self-evaluation report on %(year)s by %(due)s.") % values)

    for user in members_of(report.application.organization_id):
        notify(user, compose, link=reverse("monitoring-report", args=[report.pk]))
