"""Reads for the public pages and the office's lists (each list in a fixed number of queries)."""

from itertools import groupby

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, EligibilityRule, Round
from award_portal.todo import TodoItem
from award_portal.workdays import WorkingDayCalendar

from .models import NoticeEntry, Objection, PublicNotice
from .periods import working_days_left
from .permissions import can_manage_notices

S = ApplicationState


def open_calls():
    """Every round open for applications, with its program's active eligibility rules (Anhui art. 16)."""
    rules = EligibilityRule.objects.filter(active=True).order_by("order", "pk")
    return (Round.objects.filter(phase=RoundPhase.APPLICATIONS_OPEN).select_related("program")
            .prefetch_related(Prefetch("program__eligibility_rules", queryset=rules, to_attr="active_rules"),
                              "program__tiers")
            .order_by("application_deadline", "pk"))


def with_entries(queryset):
    decided = (Objection.objects.exclude(finding=Objection.Finding.PENDING).select_related("entry")
               .order_by("decided_at", "pk"))
    return (queryset.select_related("round__program")
            .prefetch_related("entries", Prefetch("objections", queryset=decided, to_attr="decided_objections"))
            .annotate(objection_count=Count("objections", distinct=True)).order_by("-starts_on", "-id"))


def notices_current(now=None):
    """Notices whose objection period has not ended, newest first."""
    now = now or timezone.now()
    return with_entries(PublicNotice.objects.filter(closes_at__gt=now))


def notices_past(now=None, limit=50):
    now = now or timezone.now()
    return with_entries(PublicNotice.objects.filter(closes_at__lte=now))[:limit]


def notice_public(pk: int):
    return with_entries(PublicNotice.objects.filter(pk=pk)).first()


def results_by_round():
    """[(round, [(tier name, [organisation names])])] for every round with winners (state awarded)."""
    winners = (Application.objects.filter(state=S.AWARDED).select_related("round__program", "organization", "tier")
               .order_by("-round__year", "round__program__code", "round_id", "tier__rank", "organization__name"))
    out = []
    for _rid, apps in groupby(winners, key=lambda a: a.round_id):
        apps = list(apps)
        tiers = [(tier_name, [a.organization for a in group])
                 for tier_name, group in groupby(apps, key=lambda a: a.tier.name if a.tier else "—")]
        out.append((apps[0].round, tiers))
    return out


def revoked_awards():
    return (Application.objects.filter(state=S.REVOKED).select_related("round__program", "organization", "tier")
            .order_by("-state_changed_at", "pk"))


# --- The office ---------------------------------------------------------------------------------

def objections_for_office(*, pending_only=False):
    qs = Objection.objects.select_related("notice__round__program", "entry").annotate(
        files=Count("evidence")).order_by("finding", "due_on", "submitted_at")
    if pending_only:
        qs = qs.filter(finding=Objection.Finding.PENDING)
    return qs


def with_countdown(objections):
    """Attach `days_left` (working days until due, negative when overdue) to pending objections."""
    out = list(objections)
    calendar, today = WorkingDayCalendar(), timezone.localdate()
    for o in out:
        o.days_left = working_days_left(o.due_on, today, calendar) if (o.is_pending and o.due_on) else None
        o.overdue = o.days_left is not None and o.days_left < 0
    return out


def rounds_with_notice_work():
    """Rounds in a phase during which their program publishes a notice."""
    phases = [RoundPhase.MATERIAL_REVIEW, RoundPhase.SITE_REVIEW, RoundPhase.PUBLIC_NOTICE, RoundPhase.APPROVAL]
    return (Round.objects.filter(phase__in=phases).select_related("program")
            .prefetch_related("program__notice_stages", "notices").order_by("-year", "pk"))


def notice_entries_of(notice):
    return NoticeEntry.objects.filter(notice=notice).order_by("position")


def todo_items(user) -> list[TodoItem]:
    """The office's objections awaiting verification, with their due date (overdue first)."""
    if not can_manage_notices(user):
        return []
    items = []
    for o in with_countdown(objections_for_office(pending_only=True)[:50]):
        detail = (_("%(n)s working day(s) left") % {"n": o.days_left} if o.days_left is not None and o.days_left >= 0
                  else _("overdue") if o.overdue else _("no verification limit"))
        items.append(TodoItem(
            title=_("Objection %(receipt)s: %(org)s") % {"receipt": o.receipt, "org": o.entry.organization_name},
            url=reverse("notices-objection-review", args=[o.pk]), section=gettext_lazy("Objections to verify"),
            detail=detail, due=o.due_on, overdue=o.overdue, order=20))
    return items
