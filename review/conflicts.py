"""Conflicts of interest: declared, derived from records, or set by the office.

Derived conflicts come from an expert's current employer or one left within
`REVIEW_EMPLOYER_CONFLICT_YEARS` (default 3), any company of the same group (集团), a consulting
or coaching relationship, and explicit exclusions. They are recomputed whenever an expert's or an
organisation's identity data changes (signals in `apps.py` call `conflicts_recompute_for`). The
office may dismiss a false positive with a reason; a dismissed derived conflict stays dismissed
while the record behind it is unchanged.

A conflict that appears while the expert sits in a group reviewing that organisation takes the
expert out of the group at once (access revoked in the same transaction); the office's home page
then lists the group as needing a replacement.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Organization
from award_portal.audit import audit_record

from .models import Conflict, CorporateGroupMember, Employment, Expert, Relationship

R = Conflict.Reason
SRC = Conflict.Source


class ConflictError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message


def employer_years() -> int:
    return int(getattr(settings, "REVIEW_EMPLOYER_CONFLICT_YEARS", 3))


def _cutoff(today=None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - employer_years())
    except ValueError:  # 29 February
        return today.replace(year=today.year - employer_years(), day=28)


def derived_for(expert_ids, today=None) -> dict[int, dict[tuple[int, str], str]]:
    """{expert id: {(organization id, reason): detail}} from the records, for many experts at once."""
    cutoff = _cutoff(today)
    wanted: dict[int, dict[tuple[str, str], str]] = {e: {} for e in expert_ids}
    employments = Employment.objects.filter(expert_id__in=expert_ids).exclude(credit_code="")
    for emp in employments.only("expert_id", "credit_code", "employer", "ended_on"):
        if emp.ended_on is None or emp.ended_on >= cutoff:
            wanted[emp.expert_id][(emp.credit_code, R.EMPLOYER)] = emp.employer
    employer_codes = {code for rows in wanted.values() for code, _r in rows}
    group_of = dict(CorporateGroupMember.objects.filter(credit_code__in=employer_codes)
                    .values_list("credit_code", "group_id"))
    if group_of:
        siblings: dict[int, list[str]] = {}
        for code, group_id in CorporateGroupMember.objects.filter(group_id__in=set(group_of.values())) \
                .values_list("credit_code", "group_id"):
            siblings.setdefault(group_id, []).append(code)
        for expert_id, rows in wanted.items():
            for code, reason in list(rows):
                if reason == R.EMPLOYER and code in group_of:
                    for sibling in siblings[group_of[code]]:
                        if sibling != code:
                            rows.setdefault((sibling, R.CORPORATE_GROUP), rows[(code, reason)])
    for rel in Relationship.objects.filter(expert_id__in=expert_ids):
        if rel.kind != Relationship.Kind.EXCLUSION and rel.ended_on is not None and rel.ended_on < cutoff:
            continue
        wanted[rel.expert_id][(rel.credit_code, rel.kind)] = rel.organization_name or rel.note
    codes = {code for rows in wanted.values() for code, _r in rows}
    org_of = dict(Organization.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
    return {expert_id: {(org_of[code], reason): detail for (code, reason), detail in rows.items() if code in org_of}
            for expert_id, rows in wanted.items()}


@transaction.atomic
def conflicts_recompute_for(expert_ids, today=None) -> int:
    """Bring the derived conflicts of these experts in line with their records. Returns how many
    conflicts appeared."""
    from .assignment import conflict_takes_effect

    expert_ids = list(expert_ids)
    if not expert_ids:
        return 0
    wanted = derived_for(expert_ids, today)
    existing = {(c.expert_id, c.organization_id, c.reason): c
                for c in Conflict.objects.select_for_update().filter(expert_id__in=expert_ids, source=SRC.DERIVED)}
    stale = [c.pk for key, c in existing.items() if (key[1], key[2]) not in wanted.get(key[0], {})]
    if stale:
        Conflict.objects.filter(pk__in=stale).delete()
    new = [Conflict(expert_id=e, organization_id=org, source=SRC.DERIVED, reason=reason, detail=detail[:500])
           for e, rows in wanted.items() for (org, reason), detail in rows.items()
           if (e, org, reason) not in existing]
    Conflict.objects.bulk_create(new, batch_size=2000)
    for conflict in new:
        conflict_takes_effect(conflict.expert_id, conflict.organization_id)
    if new or stale:
        audit_record(action="review.conflicts_derived", object_type="review.expert",
                     object_id=",".join(map(str, expert_ids))[:64],
                     object_repr=_("%(n)s expert(s)") % {"n": len(expert_ids)},
                     after={"added": len(new), "removed": len(stale)})
    return len(new)


def experts_linked_to(credit_code: str) -> list[int]:
    """Experts whose records name this organisation, or a company of its group."""
    codes = {credit_code}
    group = CorporateGroupMember.objects.filter(credit_code=credit_code).values_list("group_id", flat=True).first()
    if group is not None:
        codes |= set(CorporateGroupMember.objects.filter(group_id=group).values_list("credit_code", flat=True))
    ids = set(Employment.objects.filter(credit_code__in=codes).values_list("expert_id", flat=True))
    ids |= set(Relationship.objects.filter(credit_code__in=codes).values_list("expert_id", flat=True))
    return sorted(ids)


@transaction.atomic
def conflict_declare(*, expert: Expert, organization_id: int, detail: str, actor=None) -> Conflict:
    """The expert declares a conflict (at any time; after assignment it takes effect at once)."""
    from .assignment import conflict_takes_effect

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise ConflictError(_("Choose the organisation."))
    if not detail.strip():
        raise ConflictError(_("Say what the conflict is."))
    conflict, created = Conflict.objects.get_or_create(
        expert=expert, organization=organization, source=SRC.DECLARED, reason=R.OTHER,
        defaults={"detail": detail.strip()[:2000]})
    if not created and conflict.dismissed_at is not None:
        conflict.dismissed_at, conflict.dismissed_by, conflict.dismissal_reason = None, None, ""
        conflict.detail = detail.strip()[:2000]
        conflict.save()
    audit_record(action="review.conflict_declared", obj=expert, actor=actor,
                 after={"organization": organization.pk, "detail": detail.strip()[:500]})
    conflict_takes_effect(expert.pk, organization.pk)
    return conflict


@transaction.atomic
def conflict_set_by_office(*, expert_id: int, organization_id: int, reason: str, detail: str, actor) -> Conflict:
    from .assignment import conflict_takes_effect

    if reason not in R.values:
        raise ConflictError(_("Choose the reason."))
    if not Organization.objects.filter(pk=organization_id).exists():
        raise ConflictError(_("Choose the organisation."))
    conflict, _created = Conflict.objects.update_or_create(
        expert_id=expert_id, organization_id=organization_id, source=SRC.OFFICE, reason=reason,
        defaults={"detail": detail.strip()[:2000], "dismissed_at": None, "dismissed_by": None,
                  "dismissal_reason": ""})
    audit_record(action="review.conflict_set", obj=conflict.expert, actor=actor,
                 after={"organization": organization_id, "reason": reason, "detail": detail.strip()[:500]})
    conflict_takes_effect(expert_id, organization_id)
    return conflict


@transaction.atomic
def conflict_dismiss(*, conflict_id: int, actor, reason: str) -> Conflict:
    """The office dismisses a false positive, with a reason. The expert is not re-added to any
    group automatically: the office assigns again if it wants."""
    conflict = Conflict.objects.select_for_update().filter(pk=conflict_id).first()
    if conflict is None:
        raise ConflictError(_("No such conflict."), "missing")
    if conflict.dismissed_at is not None:
        raise ConflictError(_("This conflict is already dismissed."), "state")
    if not reason.strip():
        raise ConflictError(_("Give the reason for dismissing the conflict."), "reason")
    conflict.dismissed_at = timezone.now()
    conflict.dismissed_by = actor
    conflict.dismissal_reason = reason.strip()[:2000]
    conflict.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_reason"])
    audit_record(action="review.conflict_dismissed", obj=conflict.expert, actor=actor,
                 after={"conflict": conflict.pk, "organization": conflict.organization_id, "reason": reason.strip()})
    return conflict


def active_conflicts():
    return Conflict.objects.filter(dismissed_at__isnull=True)


def conflicted_pairs(expert_ids=None, organization_ids=None) -> set[tuple[int, int]]:
    qs = active_conflicts()
    if expert_ids is not None:
        qs = qs.filter(expert_id__in=list(expert_ids))
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=list(organization_ids))
    return set(qs.values_list("expert_id", "organization_id"))


def has_conflict(expert_id: int, organization_id: int) -> bool:
    return active_conflicts().filter(expert_id=expert_id, organization_id=organization_id).exists()
