"""Hangzhou's cultivation grant (003 四(三): 达到杭州市实施卓越绩效模式培育机制要求的组织 … 不高于20万元
的一次性资助), recorded through the awards app's funding services: the requirement met becomes an
`ExternalHonour` of kind `cultivation`, the grant a `Payment` under the program's incentive table,
so the "highest, not repeated" rule (就高不重复) is applied there, in one place."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import AwardProgram
from awards import funding
from awards.errors import AwardsError
from awards.models import ExternalHonour, HonourKind, Payment

from . import permissions
from .errors import CultivationError


def programs_with_grant():
    """Programs whose incentive table pays the cultivation grant (Hangzhou)."""
    return AwardProgram.objects.filter(incentive_rates__honour_kind=HonourKind.CULTIVATION).distinct().order_by("code")


@transaction.atomic
def cultivation_grant(*, program_id, organization_id, year, actor, amount=None, approved_on=None,
                      reference="", note="") -> Payment:
    """Record the requirement met in `year` and approve the grant (at most the rate, less what the
    same achievement line already paid). Side effects: `awards.honour_recorded` (when not yet
    recorded) and `awards.payment_approved`, both audited by the awards app."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office records cultivation grants."), "role")
    if not programs_with_grant().filter(pk=program_id).exists():
        raise CultivationError(_("This program pays no cultivation grant."), "input")
    try:
        honour = ExternalHonour.objects.filter(organization_id=organization_id, kind=HonourKind.CULTIVATION,
                                               year=year).first()
        if honour is None:
            honour = funding.honour_record(organization_id=organization_id, kind=HonourKind.CULTIVATION, year=year,
                                           actor=actor, reference=reference)
        return funding.payment_approve(program_id=program_id, actor=actor, honour_id=honour.pk, amount=amount,
                                       approved_on=approved_on, note=note)
    except AwardsError as exc:
        raise CultivationError(exc.message, exc.code) from None


def grants(organization_ids=None):
    payments = Payment.objects.filter(honour__kind=HonourKind.CULTIVATION).select_related(
        "program", "organization", "honour").order_by("-approved_on", "-pk")
    if organization_ids is not None:
        payments = payments.filter(organization_id__in=organization_ids)
    return payments
