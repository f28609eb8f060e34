"""Campaigns (004 廊坊 百争创、千导入): create one, track organisations, mark them cultivated to
apply and record the quality methods they adopt. Each write locks what it changes and is audited.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import AwardProgram, Organization
from award_portal.audit import audit_record

from . import permissions
from .errors import CultivationError
from .models import Campaign, Method, MethodAdoption, TrackedOrganization


def _date(value, label):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise CultivationError(_("Give %(field)s as a date (YYYY-MM-DD).") % {"field": label}, "input") from None


def _count(value, label):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 1 or number > 1_000_000:
        raise CultivationError(_("Give %(field)s as a whole number above zero.") % {"field": label}, "input")
    return number


@transaction.atomic
def campaign_create(*, actor, program_id, name_zh, starts_on, ends_on, target_cultivated, target_adopting,
                    name_en="", is_public=True) -> Campaign:
    """Side effects: one `Campaign`, audit `cultivation.campaign_created`."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office runs cultivation campaigns."), "role")
    program = AwardProgram.objects.filter(pk=program_id).first()
    if program is None:
        raise CultivationError(_("Choose the award program the campaign belongs to."), "input")
    name_zh = (name_zh or "").strip()
    if not name_zh:
        raise CultivationError(_("Give the campaign's name in Chinese."), "input")
    starts_on, ends_on = _date(starts_on, _("the start")), _date(ends_on, _("the end"))
    if ends_on < starts_on:
        raise CultivationError(_("The campaign cannot end before it starts."), "input")
    campaign = Campaign.objects.create(
        program=program, name_zh=name_zh[:200], name_en=(name_en or "").strip()[:200], starts_on=starts_on,
        ends_on=ends_on, target_cultivated=_count(target_cultivated, _("the target of organisations cultivated")),
        target_adopting=_count(target_adopting, _("the target of organisations adopting methods")),
        is_public=bool(is_public), created_by=actor)
    audit_record(action="cultivation.campaign_created", obj=campaign, actor=actor, after={
        "program": program.code, "name": campaign.name_zh, "starts_on": starts_on, "ends_on": ends_on,
        "target_cultivated": campaign.target_cultivated, "target_adopting": campaign.target_adopting,
        "is_public": campaign.is_public})
    return campaign


@transaction.atomic
def organization_track(*, campaign_id, actor, credit_code, tracked_since=None, cultivated=False,
                       note="") -> TrackedOrganization:
    """Start tracking an organisation (found by its credit code), optionally as cultivated to apply.
    Side effects: one `TrackedOrganization`, audit `cultivation.organization_tracked`."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office tracks organisations."), "role")
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise CultivationError(_("No such campaign."), "not_found")
    organization = Organization.objects.filter(credit_code=(credit_code or "").strip().upper()).first()
    if organization is None:
        raise CultivationError(_("No organisation is registered with this credit code."), "input")
    since = _date(tracked_since, _("the date")) if tracked_since else timezone.localdate()
    if TrackedOrganization.objects.filter(campaign=campaign, organization=organization).exists():
        raise CultivationError(_("%(org)s is already tracked by this campaign.") % {"org": organization.name}, "exists")
    tracked = TrackedOrganization.objects.create(
        campaign=campaign, organization=organization, tracked_since=since, cultivated_on=since if cultivated else None,
        note=(note or "").strip()[:500], added_by=actor)
    audit_record(action="cultivation.organization_tracked", obj=tracked, actor=actor, after={
        "campaign": campaign.pk, "organization": organization.credit_code, "tracked_since": since,
        "cultivated_on": tracked.cultivated_on})
    return tracked


@transaction.atomic
def tracked_cultivate(*, tracked_id, actor, cultivated_on=None) -> TrackedOrganization:
    """Mark a tracked organisation as cultivated to apply (百争创). Side effects: audit
    `cultivation.organization_cultivated`."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office decides whom it cultivates to apply."), "role")
    tracked = TrackedOrganization.objects.select_for_update().filter(pk=tracked_id).first()
    if tracked is None:
        raise CultivationError(_("No such tracked organisation."), "not_found")
    if tracked.cultivated_on:
        raise CultivationError(_("This organisation is already cultivated to apply."), "exists")
    day = _date(cultivated_on, _("the date")) if cultivated_on else timezone.localdate()
    tracked.cultivated_on = day
    tracked.save(update_fields=["cultivated_on"])
    audit_record(action="cultivation.organization_cultivated", obj=tracked, actor=actor,
                 before={"cultivated_on": None}, after={"cultivated_on": day})
    return tracked


@transaction.atomic
def method_adopt(*, tracked_id, actor, method, adopted_on) -> MethodAdoption:
    """Record a quality method the organisation adopted (千导入), by the office or the organisation
    itself. Side effects: one `MethodAdoption`, audit `cultivation.method_adopted`."""
    tracked = TrackedOrganization.objects.select_for_update().filter(pk=tracked_id).first()
    if tracked is None:
        raise CultivationError(_("No such tracked organisation."), "not_found")
    if not permissions.can_record_method(actor, tracked):
        raise CultivationError(_("Only the review office or the organisation itself records its methods."), "role")
    if method not in Method.values:
        raise CultivationError(_("Choose one of the listed methods."), "input")
    day = _date(adopted_on, _("the date"))
    if day > timezone.localdate():
        raise CultivationError(_("A method cannot be adopted in the future."), "input")
    if MethodAdoption.objects.filter(tracked=tracked, method=method).exists():
        raise CultivationError(_("This method is already recorded for this organisation."), "exists")
    try:
        with transaction.atomic():
            adoption = MethodAdoption.objects.create(tracked=tracked, method=method, adopted_on=day,
                                                     recorded_by=actor)
    except IntegrityError:
        raise CultivationError(_("This method is already recorded for this organisation."), "exists") from None
    audit_record(action="cultivation.method_adopted", obj=adoption, actor=actor, after={
        "organization": tracked.organization.credit_code, "campaign": tracked.campaign_id, "method": method,
        "adopted_on": day})
    return adoption


@transaction.atomic
def register_import(*, campaign_id, actor, rows) -> int:
    """Bring a campaign's existing register in at once (a city's paper ledger of the organisations
    it serves): `rows` of `(credit_code, tracked_since, cultivated_on | None, [(method, adopted_on), …])`.
    Organisations already tracked are left alone; an unknown code or method refuses the whole import.
    Side effects: the rows, one audit `cultivation.register_imported` with the counts. Returns rows added."""
    if not permissions.can_manage_cultivation(actor):
        raise CultivationError(_("Only the review office tracks organisations."), "role")
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise CultivationError(_("No such campaign."), "not_found")
    rows = list(rows)
    orgs = dict(Organization.objects.filter(credit_code__in=[r[0] for r in rows]).values_list("credit_code", "pk"))
    have = set(TrackedOrganization.objects.filter(campaign=campaign).values_list("organization_id", flat=True))
    new, adoptions = [], []
    for code, since, cultivated_on, methods in rows:
        if code not in orgs:
            raise CultivationError(_("No organisation is registered with this credit code.") + f" ({code})", "input")
        if orgs[code] in have:
            continue
        if any(m not in Method.values for m, _day in methods):
            raise CultivationError(_("Choose one of the listed methods."), "input")
        have.add(orgs[code])
        new.append(TrackedOrganization(campaign=campaign, organization_id=orgs[code], tracked_since=since,
                                       cultivated_on=cultivated_on, added_by=actor))
        adoptions.append(methods)
    TrackedOrganization.objects.bulk_create(new, batch_size=500)
    created = {t.organization_id: t.pk for t in TrackedOrganization.objects.filter(
        campaign=campaign, organization_id__in=[t.organization_id for t in new])}
    MethodAdoption.objects.bulk_create([
        MethodAdoption(tracked_id=created[t.organization_id], method=m, adopted_on=day, recorded_by=actor)
        for t, methods in zip(new, adoptions, strict=True) for m, day in methods], batch_size=1000)
    audit_record(action="cultivation.register_imported", obj=campaign, actor=actor, after={
        "tracked": len(new), "cultivated": sum(1 for t in new if t.cultivated_on),
        "methods": sum(len(m) for m in adoptions)})
    return len(new)
