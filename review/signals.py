"""Recompute derived conflicts when identity data changes (an expert's employers or relationships,
a group of companies, an organisation's credit code)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _recompute(expert_ids):
    from .conflicts import conflicts_recompute_for

    ids = sorted(set(expert_ids))
    if ids:
        transaction.on_commit(lambda: conflicts_recompute_for(ids))


def _expert_record_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _recompute([instance.expert_id])


def _group_member_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .conflicts import experts_linked_to
    from .models import CorporateGroupMember

    codes = set(CorporateGroupMember.objects.filter(group_id=instance.group_id).values_list("credit_code", flat=True))
    codes.add(instance.credit_code)
    ids = set()
    for code in codes:
        ids |= set(experts_linked_to(code))
    _recompute(ids)


def _organization_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created or update_fields is None or "credit_code" in update_fields:
        from .conflicts import experts_linked_to

        _recompute(experts_linked_to(instance.credit_code))


def connect():
    from applications.models import Organization

    from .models import CorporateGroupMember, Employment, Relationship

    for model in (Employment, Relationship):
        post_save.connect(_expert_record_changed, sender=model, dispatch_uid=f"review-conflicts-{model.__name__}")
        post_delete.connect(_expert_record_changed, sender=model, dispatch_uid=f"review-conflicts-del-{model.__name__}")
    post_save.connect(_group_member_changed, sender=CorporateGroupMember, dispatch_uid="review-conflicts-group")
    post_delete.connect(_group_member_changed, sender=CorporateGroupMember, dispatch_uid="review-conflicts-group-del")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="review-conflicts-org")
