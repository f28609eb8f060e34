"""Prizes and grants: what an organisation is entitled to, and the payments with their status.

An awarded application is entitled to its tier's `prize_amount` (a fixed prize, or a ceiling when
`prize_is_cap`: Hangzhou 2025 四(三) 不高于60万元/30万元); an external honour (China Quality Award,
Zhejiang award, the cultivation mechanism…) to the amount of the paying program's incentive table
(`IncentiveRate`, loaded from `awards/fixtures/incentives/<program>.json`). Within one achievement
line the money is paid "highest, not repeated" (就高不重复, 四(四) 应扣除已资助金额后进行兑付): every
live (approved or paid) earlier payment of the line to the organisation under the same program is
deducted, so the total never exceeds the highest entitlement. Recovered payments (六(三), 六(五) 收回
资助经费) no longer count.

Every write locks the organisation's row (two payments to one organisation cannot both deduct the
same history) and is audited.
"""

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application, AwardProgram, Organization, Tier
from award_portal.audit import audit_record

from . import permissions
from .errors import AwardsError
from .models import ExternalHonour, HonourKind, IncentiveRate, Payment

CENT = Decimal("0.01")
#: The ledger holds 12 digits with 2 decimals (Payment.amount).
MAX_AMOUNT = Decimal("10000000000")
LIVE = (Payment.Status.APPROVED, Payment.Status.PAID)
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "incentives"


def yuan(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def region_prefix(code: str) -> str:
    """"330100" → "3301": the GB/T 2260 prefix every code inside the region starts with."""
    code = code or ""
    while code.endswith("00"):
        code = code[:-2]
    return code


def covers(program, organization) -> bool:
    """A program pays organisations of its own region only."""
    return (organization.region_code or "").startswith(region_prefix(program.region_code))


@dataclass
class Entitlement:
    program: AwardProgram
    organization: Organization
    application: Application | None = None
    honour: ExternalHonour | None = None
    rate: IncentiveRate | None = None
    value: Decimal = Decimal("0")
    is_cap: bool = False
    line: str = ""
    earlier: list = field(default_factory=list)
    deducted: Decimal = Decimal("0")
    due: Decimal = Decimal("0")
    problem: str = ""

    @property
    def basis(self) -> str:
        """What the money is for, as recorded (Chinese, like the ledger's paper original)."""
        if self.application is not None:
            return f"{self.application.round.name_zh} {self.application.tier.name_zh}"
        with translation.override("zh-hans"):
            return f"{self.honour.year}年 {HonourKind(self.honour.kind).label}"


def _earlier(program, organization, line, *, exclude=None):
    if not line:
        return []
    payments = Payment.objects.filter(program=program, organization=organization, line=line, status__in=LIVE)
    if exclude is not None:
        payments = payments.exclude(pk=exclude)
    return list(payments.order_by("approved_on", "id"))


def entitlement_for(*, program, application=None, honour=None) -> Entitlement:
    """What `program` owes for this awarded application or this honour, after deductions."""
    if application is not None:
        ent = Entitlement(program=program, organization=application.organization, application=application)
        tier = application.tier
        if application.round.program_id != program.pk or application.state != ApplicationState.AWARDED or tier is None:
            ent.problem = _("Only an award that stands is paid, by its own program.")
            return ent
        if tier.prize_amount is None:
            ent.problem = _("%(tier)s carries no prize or grant.") % {"tier": tier.name}
            return ent
        ent.rate = program.incentive_rates.filter(tier=tier).first()
        ent.value, ent.is_cap = yuan(tier.prize_amount), tier.prize_is_cap
        ent.line = ent.rate.line if ent.rate else ""
    else:
        ent = Entitlement(program=program, organization=honour.organization, honour=honour)
        ent.rate = program.incentive_rates.filter(honour_kind=honour.kind).first()
        if ent.rate is None:
            ent.problem = _("%(program)s grants nothing for this honour.") % {"program": program.name}
            return ent
        if not covers(program, honour.organization):
            ent.problem = _("%(org)s is not registered in the region of %(program)s.") % {
                "org": honour.organization.name, "program": program.name}
            return ent
        ent.value, ent.is_cap, ent.line = yuan(ent.rate.amount), ent.rate.is_cap, ent.rate.line
    ent.earlier = _earlier(program, ent.organization, ent.line)
    ent.deducted = min(sum((p.amount for p in ent.earlier), Decimal("0")), ent.value)
    ent.due = ent.value - ent.deducted
    return ent


def _parse_amount(amount) -> Decimal | None:
    if amount is None or str(amount).strip() == "":
        return None
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except InvalidOperation:
        raise AwardsError(_("Enter the amount in yuan as a number, e.g. 600000 or 600000.00."), "input") from None
    if not value.is_finite() or value < 0:
        raise AwardsError(_("The amount cannot be negative."), "input")
    if value >= MAX_AMOUNT:
        raise AwardsError(_("Enter the amount in yuan as a number, e.g. 600000 or 600000.00."), "input")
    return yuan(value)


def _live_payment_exists(program, *, application=None, honour=None) -> bool:
    payments = Payment.objects.filter(program=program, status__in=LIVE)
    return payments.filter(application=application).exists() if application else payments.filter(honour=honour).exists()


@transaction.atomic
def payment_approve(*, program_id: int, actor, approved_on=None, application_id: int | None = None,
                    honour_id: int | None = None, amount=None, note: str = "") -> Payment:
    """Approve the prize of an awarded application or the grant for an external honour.

    The amount defaults to what is due after deductions; a fixed prize is paid in full, a ceiling
    (不高于) allows less. Side effects: one `Payment` (status approved), audit `awards.payment_approved`.
    """
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office approves payments."), "role")
    if (application_id is None) == (honour_id is None):
        raise AwardsError(_("Choose an awarded application or an external honour."), "input")
    program = AwardProgram.objects.filter(pk=program_id).first()
    if program is None:
        raise AwardsError(_("No such program."), "not_found")
    application = honour = None
    if application_id is not None:
        application = Application.objects.select_related("organization", "round__program", "tier").filter(
            pk=application_id).first()
        organization_id = application.organization_id if application else None
    else:
        honour = ExternalHonour.objects.select_related("organization").filter(pk=honour_id).first()
        organization_id = honour.organization_id if honour else None
    if organization_id is None:
        raise AwardsError(_("No such award or honour."), "not_found")
    # Serialise every payment decision of this organisation: each one reads the line's history.
    Organization.objects.select_for_update().get(pk=organization_id)
    if _live_payment_exists(program, application=application, honour=honour):
        raise AwardsError(_("A payment for this is already approved; recover it before deciding again."), "exists")
    ent = entitlement_for(program=program, application=application, honour=honour)
    if ent.problem:
        raise AwardsError(ent.problem, "state")
    value = _parse_amount(amount)
    value = ent.due if value is None else value
    if value > ent.due:
        raise AwardsError(_("At most %(due)s yuan is due: %(value)s yuan entitlement less %(deducted)s yuan paid "
                            "earlier for the same achievement (highest, not repeated).") % {
            "due": ent.due, "value": ent.value, "deducted": ent.deducted}, "input")
    if not ent.is_cap and value != ent.due:
        raise AwardsError(_("The prize is a fixed amount: %(due)s yuan.") % {"due": ent.due}, "input")
    approved_on = approved_on or timezone.localdate()
    payment = Payment.objects.create(
        program=program, organization=ent.organization, application=application, honour=honour, rate=ent.rate,
        basis=ent.basis[:200], line=ent.line, entitlement=ent.value, entitlement_is_cap=ent.is_cap,
        deducted=ent.deducted, amount=value, approved_on=approved_on, note=(note or "").strip(), created_by=actor)
    audit_record(action="awards.payment_approved", obj=payment, actor=actor, after={
        "program": program.code, "organization": ent.organization.credit_code, "basis": payment.basis,
        "entitlement": ent.value, "deducted": ent.deducted, "deducted_payments": [p.pk for p in ent.earlier],
        "amount": value, "approved_on": approved_on})
    return payment


def _locked_payment(payment_id) -> Payment:
    payment = Payment.objects.filter(pk=payment_id).select_related("organization").first()
    if payment is None:
        raise AwardsError(_("No such payment."), "not_found")
    Organization.objects.select_for_update().get(pk=payment.organization_id)
    return Payment.objects.select_for_update().get(pk=payment_id)


@transaction.atomic
def payment_mark_paid(*, payment_id: int, actor, paid_on=None, reference: str = "") -> Payment:
    """approved → paid. Side effects: audit `awards.payment_paid`."""
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office records payments."), "role")
    payment = _locked_payment(payment_id)
    if payment.status != Payment.Status.APPROVED:
        raise AwardsError(_("Only an approved payment can be marked paid (this one is “%(status)s”).") % {
            "status": payment.get_status_display()}, "state")
    paid_on = paid_on or timezone.localdate()
    if paid_on < payment.approved_on:
        raise AwardsError(_("A payment cannot be paid before it was approved (%(day)s).") % {
            "day": date_format(payment.approved_on)}, "input")
    before = {"status": payment.status}
    payment.status, payment.paid_on = Payment.Status.PAID, paid_on
    payment.reference = (reference or "").strip()[:100]
    payment.save(update_fields=["status", "paid_on", "reference", "updated_at"])
    audit_record(action="awards.payment_paid", obj=payment, actor=actor, before=before,
                 after={"status": payment.status, "paid_on": paid_on, "reference": payment.reference,
                        "amount": payment.amount})
    return payment


@transaction.atomic
def payment_recover(*, payment_id: int, actor, reason: str, recovered_on=None) -> Payment:
    """approved or paid → recovered (Hangzhou 2025 六(三), 六(五): 收回…资助经费). Side effects:
    audit `awards.payment_recovered`; the amount no longer counts against later entitlements."""
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office recovers payments."), "role")
    reason = (reason or "").strip()
    if not reason:
        raise AwardsError(_("Give the reason for the recovery: it is recorded."), "input")
    payment = _locked_payment(payment_id)
    if payment.status == Payment.Status.RECOVERED:
        raise AwardsError(_("This payment was already recovered."), "state")
    before = {"status": payment.status}
    payment.status, payment.recovered_on = Payment.Status.RECOVERED, recovered_on or timezone.localdate()
    payment.note = (payment.note + "\n" if payment.note else "") + reason
    payment.save(update_fields=["status", "recovered_on", "note", "updated_at"])
    audit_record(action="awards.payment_recovered", obj=payment, actor=actor, before=before,
                 after={"status": payment.status, "recovered_on": payment.recovered_on, "reason": reason,
                        "amount": payment.amount})
    return payment


@transaction.atomic
def honour_record(*, organization_id: int, kind: str, year: int, actor, reference: str = "") -> ExternalHonour:
    """Record an honour received outside the portal. Side effects: audit `awards.honour_recorded`."""
    if not permissions.can_manage_awards(actor):
        raise AwardsError(_("Only the review office records honours."), "role")
    if kind not in HonourKind.values:
        raise AwardsError(_("Choose one of the listed honours."), "input")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise AwardsError(_("Give the year as four digits."), "input") from None
    if not 1990 <= year <= timezone.localdate().year:
        raise AwardsError(_("Give a year between 1990 and this year."), "input")
    organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
    if organization is None:
        raise AwardsError(_("No such organisation."), "not_found")
    if ExternalHonour.objects.filter(organization=organization, kind=kind, year=year).exists():
        raise AwardsError(_("This honour is already recorded for %(org)s.") % {"org": organization.name}, "exists")
    honour = ExternalHonour.objects.create(organization=organization, kind=kind, year=year,
                                           reference=(reference or "").strip()[:200], recorded_by=actor)
    audit_record(action="awards.honour_recorded", obj=honour, actor=actor,
                 after={"organization": organization.credit_code, "kind": kind, "year": year,
                        "reference": honour.reference})
    return honour


def incentives_load(paths=None) -> int:
    """Upsert the incentive tables shipped in awards/fixtures/incentives (idempotent)."""
    count = 0
    for path in paths or sorted(FIXTURES.glob("*.json")):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        program = AwardProgram.objects.filter(code=data["program"]).first()
        if program is None:
            continue
        for order, row in enumerate(data["rates"]):
            tier = Tier.objects.get(program=program, code=row["tier"]) if row.get("tier") else None
            IncentiveRate.objects.update_or_create(program=program, code=row["code"], defaults={
                "tier": tier, "honour_kind": row.get("honour_kind", ""),
                "amount": Decimal(row["amount"]) if row.get("amount") else None,
                "is_cap": row.get("is_cap", True), "line": row.get("line", ""),
                "source_article": row.get("source_article", ""), "order": order})
            count += 1
    return count


def line_total(program, organization, line) -> Decimal:
    return Payment.objects.filter(program=program, organization=organization, line=line, status__in=LIVE).aggregate(
        s=Sum("amount"))["s"] or Decimal("0")
