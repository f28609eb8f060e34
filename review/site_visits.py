"""Site visits: the office schedules one per application in site review (date, last day,
address, agenda), reschedules it, marks it held or cancelled. The team is the expert group
reviewing that application in the site stage — never another group. Every write is audited
(`review.site_visit_planned`, `review.site_visit_rescheduled`, `review.site_visit_marked`).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from award_portal.audit import audit_record
from award_portal.roles import is_office

from .models import GroupApplication, GroupMember, SiteVisit, Stage

TEXT_MAX = 4000


class SiteVisitError(Exception):
    def __init__(self, code: str, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _snapshot(visit: SiteVisit) -> dict:
    return {"application": visit.application_id, "group": visit.group_id, "visit_on": str(visit.visit_on),
            "ends_on": str(visit.ends_on) if visit.ends_on else None, "address": visit.address,
            "agenda": visit.agenda, "status": visit.status, "note": visit.note}


def _check_office(actor):
    if not is_office(actor):
        raise SiteVisitError("forbidden", _("Only the review office schedules site visits."))


def _check_dates(visit_on, ends_on):
    if not isinstance(visit_on, date):
        raise SiteVisitError("invalid", _("Give the date of the visit."))
    if visit_on < timezone.localdate():
        raise SiteVisitError("invalid", _("The date of the visit is in the past."))
    if ends_on is not None and ends_on < visit_on:
        raise SiteVisitError("invalid", _("The last day is before the first."))


def site_group_of(application_id: int):
    """The id of the expert group reviewing the application in the site stage, or None."""
    return (GroupApplication.objects.filter(application_id=application_id, stage=Stage.SITE)
            .values_list("group_id", flat=True).first())


def visit_plan(*, application_id: int, group_id: int, visit_on, ends_on=None, address: str = "",
               agenda: str = "", actor) -> SiteVisit:
    """Schedule a visit. Refused unless `group_id` is the group reviewing the application in the
    site stage, or when the date is in the past."""
    _check_office(actor)
    _check_dates(visit_on, ends_on)
    if site_group_of(application_id) != group_id or group_id is None:
        raise SiteVisitError("group", _("The team must be the expert group reviewing this application in the "
                                        "site review."))
    with transaction.atomic():
        visit = SiteVisit.objects.create(application_id=application_id, group_id=group_id, visit_on=visit_on,
                                         ends_on=ends_on, address=(address or "")[:300],
                                         agenda=(agenda or "")[:TEXT_MAX], created_by=actor)
        audit_record(action="review.site_visit_planned", obj=visit.application, actor=actor,
                     after=_snapshot(visit))
    return visit


def visit_reschedule(*, visit_id: int, visit_on, ends_on=None, address=None, agenda=None, actor) -> SiteVisit:
    _check_office(actor)
    _check_dates(visit_on, ends_on)
    with transaction.atomic():
        visit = SiteVisit.objects.select_for_update().select_related("application").filter(pk=visit_id).first()
        if visit is None:
            raise SiteVisitError("missing", _("No such site visit."))
        if visit.status != SiteVisit.Status.PLANNED:
            raise SiteVisitError("status", _("Only a planned visit can be rescheduled."))
        before = _snapshot(visit)
        visit.visit_on, visit.ends_on = visit_on, ends_on
        if address is not None:
            visit.address = address[:300]
        if agenda is not None:
            visit.agenda = agenda[:TEXT_MAX]
        visit.save()
        audit_record(action="review.site_visit_rescheduled", obj=visit.application, actor=actor, before=before,
                     after=_snapshot(visit))
    return visit


def visit_mark(*, visit_id: int, status: str, note: str = "", actor) -> SiteVisit:
    """Mark a planned visit held (`done`) or `cancelled`, with a note."""
    _check_office(actor)
    if status not in (SiteVisit.Status.DONE, SiteVisit.Status.CANCELLED):
        raise SiteVisitError("invalid", _("Mark the visit held or cancelled."))
    with transaction.atomic():
        visit = SiteVisit.objects.select_for_update().select_related("application").filter(pk=visit_id).first()
        if visit is None:
            raise SiteVisitError("missing", _("No such site visit."))
        if visit.status != SiteVisit.Status.PLANNED:
            raise SiteVisitError("status", _("This visit is no longer planned."))
        before = _snapshot(visit)
        visit.status, visit.note = status, (note or "")[:TEXT_MAX]
        visit.save()
        audit_record(action="review.site_visit_marked", obj=visit.application, actor=actor, before=before,
                     after=_snapshot(visit))
    return visit


# --- selectors --------------------------------------------------------------------------------

def round_visits(round_id: int):
    return (SiteVisit.objects.filter(application__round_id=round_id)
            .select_related("application__organization", "group").order_by("visit_on", "pk"))


def round_site_assignments(round_id: int):
    """The round's applications in site review with their site group (for the office's form)."""
    return (GroupApplication.objects.filter(stage=Stage.SITE, application__round_id=round_id)
            .select_related("application__organization", "group").order_by("group__number", "application_id"))


def visits_for_expert(user):
    """The planned and held visits of the site groups the user's expert profile sits in."""
    if not getattr(user, "is_authenticated", False):
        return SiteVisit.objects.none()
    groups = GroupMember.objects.filter(expert__user=user, group__stage=Stage.SITE).values("group_id")
    return (SiteVisit.objects.filter(group_id__in=groups)
            .exclude(status=SiteVisit.Status.CANCELLED)
            .select_related("application__organization", "application__round", "group")
            .order_by("visit_on", "pk"))
