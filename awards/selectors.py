"""Reads of the awards app: the rounds at their end, the ledger and the entitlements awaiting a
decision (computed in bulk: a fixed number of queries however long the lists), the applicant's
own certificates and payments, and the office's to-dos."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicationState, RoundPhase
from applications.models import Application, Round
from award_portal.todo import TodoItem

from . import permissions
from .funding import LIVE, Entitlement, covers, yuan
from .models import Certificate, ExternalHonour, IncentiveRate, Payment

AWARD_PHASES = (RoundPhase.PUBLIC_NOTICE, RoundPhase.APPROVAL, RoundPhase.CLOSED)


def rounds_at_their_end():
    """Rounds in public notice, approval or closed, with what the awards app recorded for them."""
    return (Round.objects.filter(phase__in=AWARD_PHASES)
            .select_related("program", "award_approval", "commendation_decision")
            .annotate(in_notice=Count("applications", filter=Q(applications__state=ApplicationState.IN_PUBLIC_NOTICE),
                                      distinct=True),
                      certificate_count=Count("commendation_decision__certificates", distinct=True))
            .order_by("-year", "program__code"))


def certificates_of(rnd):
    return (Certificate.objects.filter(decision__round=rnd)
            .select_related("application__organization", "tier", "decision").order_by("tier__rank", "number"))


def payments_ledger(program=None):
    payments = Payment.objects.select_related("program", "organization", "application__round", "application__tier",
                                              "honour")
    if program is not None:
        payments = payments.filter(program=program)
    return payments.order_by("-approved_on", "-id")


def _line_sums(org_ids):
    sums = {}
    for p in Payment.objects.filter(status__in=LIVE, organization_id__in=org_ids).exclude(line="").only(
            "program_id", "organization_id", "line", "amount"):
        key = (p.program_id, p.organization_id, p.line)
        sums[key] = sums.get(key, Decimal("0")) + p.amount
    return sums


def _finish(ent, sums):
    if ent.line:
        ent.deducted = min(sums.get((ent.program.pk, ent.organization.pk, ent.line), Decimal("0")), ent.value)
    ent.due = ent.value - ent.deducted
    return ent


def pending_entitlements(program=None) -> list[Entitlement]:
    """Awards that stand and carry a prize, and recorded honours the program's table pays for,
    without a live payment yet: what the office still has to decide."""
    live_for_app = Payment.objects.filter(application=OuterRef("pk"), program=OuterRef("round__program"),
                                          status__in=LIVE)
    apps = (Application.objects.filter(state=ApplicationState.AWARDED, tier__prize_amount__isnull=False)
            .annotate(paid=Exists(live_for_app)).filter(paid=False)
            .select_related("organization", "round__program", "tier").order_by("round__year", "number"))
    if program is not None:
        apps = apps.filter(round__program=program)
    apps = list(apps)
    rates = list(IncentiveRate.objects.select_related("program", "tier"))
    if program is not None:
        rates = [r for r in rates if r.program_id == program.pk]
    tier_rates = {(r.program_id, r.tier_id): r for r in rates if r.tier_id}
    honour_rates = [r for r in rates if r.honour_kind]
    honours = list(ExternalHonour.objects.filter(kind__in={r.honour_kind for r in honour_rates})
                   .select_related("organization").prefetch_related("payments").order_by("year", "id"))
    sums = _line_sums({a.organization_id for a in apps} | {h.organization_id for h in honours})
    out = []
    for application in apps:
        prog = application.round.program
        rate = tier_rates.get((prog.pk, application.tier_id))
        out.append(_finish(Entitlement(program=prog, organization=application.organization, application=application,
                                       rate=rate, value=yuan(application.tier.prize_amount),
                                       is_cap=application.tier.prize_is_cap, line=rate.line if rate else ""), sums))
    for honour in honours:
        for rate in honour_rates:
            if rate.honour_kind != honour.kind or not covers(rate.program, honour.organization):
                continue
            if any(p.program_id == rate.program_id and p.status in LIVE for p in honour.payments.all()):
                continue
            out.append(_finish(Entitlement(program=rate.program, organization=honour.organization, honour=honour,
                                           rate=rate, value=yuan(rate.amount), is_cap=rate.is_cap, line=rate.line),
                               sums))
    return out


def honours_list():
    return ExternalHonour.objects.select_related("organization").order_by("-year", "organization__name")


def certificates_of_user(user):
    return (Certificate.objects.filter(application__organization_id__in=permissions.organization_ids_of(user))
            .select_related("application__round__program", "tier", "decision").order_by("-issued_on", "number"))


def payments_of_user(user):
    return (Payment.objects.filter(organization_id__in=permissions.organization_ids_of(user))
            .select_related("program", "organization", "application__round", "application__tier", "honour")
            .order_by("-approved_on", "-id"))


SECTION = gettext_lazy("Awards, certificates and funding")


def office_todo(user) -> list[TodoItem]:
    """The office's next steps at a round's end, and prizes and grants awaiting a decision."""
    if not permissions.can_manage_awards(user):
        return []
    items = []
    for rnd in Round.objects.filter(phase=RoundPhase.APPROVAL).select_related("award_approval",
                                                                             "commendation_decision"):
        url = reverse("awards-round", args=[rnd.pk])
        approval = getattr(rnd, "award_approval", None)
        decision = getattr(rnd, "commendation_decision", None)
        if approval is None:
            title = _("Record the government's approval: %(round)s") % {"round": rnd.name}
        elif decision is None:
            title = _("Publish the commendation decision: %(round)s") % {"round": rnd.name}
        elif approval.conferred_at is None:
            title = _("Confer the awards: %(round)s") % {"round": rnd.name}
        else:
            continue
        items.append(TodoItem(title=title, url=url, section=SECTION, due=rnd.award_ceremony_on, order=40))
    pending = len(pending_entitlements())
    if pending:
        items.append(TodoItem(title=_("Prizes and grants awaiting a decision: %(n)s") % {"n": pending},
                              url=reverse("awards-funding"), section=SECTION, order=41))
    return items
