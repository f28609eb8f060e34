"""The audit trail searched by the names of this app's objects (award_portal.audit.audit_search):
an organisation by its name or credit code finds the entries about it and about its
applications; an application by its number; a round by its name."""

from django.db.models import Q

from award_portal.audit import entries_about

from .models import Application, Organization, Round


def audit_entries_named(text: str) -> Q:
    organizations = Organization.objects.filter(Q(name__icontains=text) | Q(credit_code__iexact=text))
    rounds = Round.objects.filter(Q(name_zh__icontains=text) | Q(name_en__icontains=text))
    applications = Application.objects.filter(Q(number__icontains=text) | Q(organization__in=organizations))
    return (entries_about(Organization._meta.label_lower, organizations.values("pk"))
            | entries_about(Application._meta.label_lower, applications.values("pk"))
            | entries_about(Round._meta.label_lower, rounds.values("pk")))
