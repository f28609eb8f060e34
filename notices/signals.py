"""What the public pages show changes: bump their cache version on commit (notices/cache.py).

Applications change state through `application_transition`, which saves the row (post_save);
rounds, programs, tiers and eligibility rules are edited through their services or the admin.
"""

from django.db.models.signals import post_delete, post_save

from applications.models import Application, AwardProgram, EligibilityRule, Organization, Round, Tier

from . import cache
from .models import NoticeEntry, Objection, PublicNotice

WATCHED = (Application, Round, AwardProgram, Tier, EligibilityRule, Organization, PublicNotice, NoticeEntry, Objection)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    cache.invalidate_on_commit()


def connect():
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"notices-cache-{model._meta.label_lower}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"notices-cache-{model._meta.label_lower}-delete")
