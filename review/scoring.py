"""Scorecards: one expert's GB/Z 19579 scores of one application in one stage.

Every write goes through here, inside a transaction that locks the scorecard row, and is audited:

- `scorecard_for` opens (creates once) the scorecard of an expert who may review the application
  now (`access.can_review`, in the stage the round is in), with one row per criteria item;
- `scorecard_save` stores percentages (0–100 in 5 % steps), strengths, opportunities and the
  overall comment; it names the version it was typed against and a stale one is refused with the
  stored values (code "stale"), so two tabs never lose an update;
- `scorecard_submit` locks a complete scorecard; a submitted scorecard refuses every write;
- `scorecard_reopen` lets the group leader of the application's group reopen one, with a reason.

Points are percentage × item maximum / 100, as Decimal; category and overall totals are sums and
can never exceed the criteria's total (every percentage is at most 100).

Once any scorecard exists for a round of a program, the program's criteria are frozen: editing or
deleting its CriteriaVersion, Category or Item is refused (`connect_criteria_freeze`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, CriteriaVersion
from applications.models.programs import Category, Item
from award_portal.audit import audit_record

from . import access
from .models import Expert, GroupMember, ItemScore, Scorecard

STEP = 5
PERCENTAGES = tuple(range(0, 101, STEP))
TEXT_MAX = 5000
COMMENT_MAX = 10000
CENT = Decimal("0.01")

#: GB/Z 19579 scoring bands (DOMAIN.md §1.2): (lowest %, highest %, process gist, result gist).
BANDS = (
    (0, 5, gettext_lazy("No systematic approach; anecdotal information."),
     gettext_lazy("No results reported, or poor results.")),
    (10, 25, gettext_lazy("Beginning of a systematic approach; early deployment; reactive rather than preventive."),
     gettext_lazy("Few results reported; some improvement; little comparison.")),
    (30, 45, gettext_lazy("An effective, systematic approach to the basic requirements; beginning of evaluation "
                          "and improvement."),
     gettext_lazy("Improvement or good levels in many areas; early trends; some comparisons.")),
    (50, 65, gettext_lazy("An effective approach to the overall requirements; well deployed; fact-based "
                          "improvement."),
     gettext_lazy("Good trends in most areas; favourable comparisons in some.")),
    (70, 85, gettext_lazy("Responsive to multiple requirements; organisational learning; integrated."),
     gettext_lazy("Good to excellent levels; sustained trends; leadership in many areas.")),
    (90, 100, gettext_lazy("Fully responsive; innovation; fully integrated."),
     gettext_lazy("Excellent levels; benchmark leadership; fully integrated.")),
)


def band_of(percent, item_type: str) -> str:
    """The band description of a percentage for a process or result item ("" when not scored)."""
    if percent is None:
        return ""
    for low, high, process, result in BANDS:
        if low <= percent <= high:
            return str(result if item_type == "result" else process)
    return ""


def bands_for_page() -> list[dict]:
    return [{"low": low, "high": high, "process": str(process), "result": str(result)}
            for low, high, process, result in BANDS]


class ScoringError(Exception):
    """A refused scorecard operation: `code` says why ("forbidden", "stage", "locked", "stale",
    "version", "invalid", "incomplete", "not_leader", "reason", "not_submitted", "not_found");
    `current` holds the stored values on "stale"."""

    def __init__(self, code: str, message, current: dict | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.current = current
        self.fields = fields or {}


# --- reading ----------------------------------------------------------------------------------


def points(percent, item_points) -> Decimal | None:
    if percent is None:
        return None
    return (Decimal(percent) * Decimal(item_points) / Decimal(100)).quantize(CENT)


def item_scores(scorecard) -> list[ItemScore]:
    """The scorecard's rows with item and category, in the criteria's order (one query)."""
    return list(scorecard.item_scores.select_related("item__category")
                .order_by("item__category__order", "item__category__number", "item__order", "item__number"))


def totals(rows, total_points: int = 1000) -> dict:
    """Points per category and overall from rows of `item_scores` (never above the maxima)."""
    categories: dict[int, Decimal] = {}
    overall = Decimal(0)
    for row in rows:
        value = points(row.percent, row.item.points) or Decimal(0)
        categories[row.item.category_id] = categories.get(row.item.category_id, Decimal(0)) + value
        overall += value
    return {"categories": {k: v.quantize(CENT) for k, v in categories.items()},
            "overall": min(overall, Decimal(total_points)).quantize(CENT)}


def snapshot(scorecard, rows=None) -> dict:
    """The stored values, as the page's field names: {"p-<item>": "50", "s-<item>": ..., ...}."""
    rows = rows if rows is not None else item_scores(scorecard)
    values = {"overall_comment": scorecard.overall_comment}
    for row in rows:
        values[f"p-{row.item_id}"] = "" if row.percent is None else str(row.percent)
        values[f"s-{row.item_id}"] = row.strengths
        values[f"o-{row.item_id}"] = row.opportunities
    return values


def current_stage(application) -> str | None:
    return access.STAGE_OF_PHASE.get(application.round.phase)


def is_group_leader(user, application, stage) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return GroupMember.objects.filter(
        is_leader=True, expert__user=user, expert__status=Expert.Status.ACTIVE,
        group__stage=stage, group__assignments__application=application,
        group__assignments__stage=stage).exists()


# --- opening ----------------------------------------------------------------------------------


def scorecard_for(expert: Expert, application: Application, stage: str | None = None) -> Scorecard:
    """The expert's scorecard of the application in the round's current stage, created with one
    row per criteria item the first time. Refused unless the expert may review it now."""
    if not access.expert_can_review(expert, application):
        raise ScoringError("forbidden", _("You do not review this application."))
    current = current_stage(application)
    if stage is None:
        stage = current
    if current is None or stage != current:
        raise ScoringError("stage", _("This application is not in that review stage now."))
    card = Scorecard.objects.filter(application=application, expert=expert, stage=stage).first()
    if card is not None:
        return card
    with transaction.atomic():
        card, created = Scorecard.objects.get_or_create(application=application, expert=expert, stage=stage)
        if created:
            items = Item.objects.filter(category__version_id=application.round.program.criteria_id)
            ItemScore.objects.bulk_create([ItemScore(scorecard=card, item=item) for item in items],
                                          ignore_conflicts=True)
    return card


# --- writing ----------------------------------------------------------------------------------


def _locked(scorecard_id, expert=None) -> Scorecard:
    query = Scorecard.objects.select_for_update().filter(pk=scorecard_id)
    if expert is not None:
        query = query.filter(expert=expert)
    card = query.first()
    if card is None:
        raise ScoringError("not_found", _("No such scorecard."))
    return Scorecard.objects.select_related("application__round__program__criteria", "expert__user").get(pk=card.pk)


def _check_writable(card: Scorecard) -> None:
    if card.status == Scorecard.Status.SUBMITTED:
        raise ScoringError("locked", _("This scorecard is submitted and locked; only the group leader can reopen it."))
    user = card.expert.user
    if user is None or not access.can_review(user, card.application):
        raise ScoringError("forbidden", _("You do not review this application."))
    if current_stage(card.application) != card.stage:
        raise ScoringError("stage", _("This application is not in that review stage now."))


def _version(version) -> int:
    if version is None or str(version).strip() == "":
        raise ScoringError("version", _("This save did not say which version of the scorecard it was typed against; "
                                        "reload the page."))
    try:
        return int(str(version).strip())
    except ValueError:
        raise ScoringError("version", _("This page is out of date or damaged (its version is not a number): "
                                        "reload it.")) from None


def parse_percent(value):
    """None for "not scored", else a whole percentage in 5 % steps from 0 to 100 (ValueError otherwise)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    number = int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    if number not in PERCENTAGES:
        raise ValueError(value)
    return number


def _clean_text(value, limit: int, label) -> str:
    text = "" if value is None else str(value).replace("\x00", "").replace("\r\n", "\n")
    if len(text) > limit:
        raise ScoringError("invalid", _("%(field)s is longer than %(max)s characters.") % {"field": label, "max": limit})
    return text


def scorecard_save(*, scorecard_id: int, expert: Expert, version, items: dict | None = None,
                   overall_comment=None) -> Scorecard:
    """Store what changed; `items` maps item ids to {"percent", "strengths", "opportunities"}
    (each key optional). Refused whole on a stale version (code "stale", with `current`), on a
    submitted scorecard, on a percentage outside 0–100 in 5 % steps or a text too long. A stale
    save holding exactly the stored values writes nothing and is not refused."""
    items = items or {}
    with transaction.atomic():
        card = _locked(scorecard_id, expert)
        _check_writable(card)
        wanted = _version(version)
        rows = item_scores(card)
        by_item = {row.item_id: row for row in rows}
        changed_rows, changes, errors = {}, {}, {}
        for raw_id, values in items.items():
            try:
                item_id = int(raw_id)
            except (TypeError, ValueError):
                raise ScoringError("invalid", _("No such item on this scorecard.")) from None
            row = by_item.get(item_id)
            if row is None or not isinstance(values, dict):
                raise ScoringError("invalid", _("No such item on this scorecard."))
            if "percent" in values:
                try:
                    percent = parse_percent(values["percent"])
                except (TypeError, ValueError):
                    errors[f"p-{item_id}"] = _("Choose a percentage from 0 to 100 in steps of 5.")
                    continue
                if percent != row.percent:
                    changes.setdefault(row.item.number, {})["percent"] = [row.percent, percent]
                    row.percent = percent
                    changed_rows[item_id] = row
            for field, label in (("strengths", _("Strengths")), ("opportunities", _("Opportunities for improvement"))):
                if field in values:
                    text = _clean_text(values[field], TEXT_MAX, f"{row.item.number} {label}")
                    if text != getattr(row, field):
                        changes.setdefault(row.item.number, {})[field] = len(text)
                        setattr(row, field, text)
                        changed_rows[item_id] = row
        if errors:
            raise ScoringError("invalid", next(iter(errors.values())), fields=errors)
        comment_changed = False
        if overall_comment is not None:
            comment = _clean_text(overall_comment, COMMENT_MAX, _("Overall comment"))
            comment_changed = comment != card.overall_comment
            card.overall_comment = comment
        if not changed_rows and not comment_changed:
            return card
        if wanted != card.version:
            fresh = Scorecard.objects.get(pk=card.pk)
            raise ScoringError("stale", _("This scorecard was changed in another window since you loaded it: "
                                          "both versions are shown, choose which to keep."),
                               current={"version": fresh.version, "values": snapshot(fresh, item_scores(fresh))})
        if changed_rows:
            ItemScore.objects.bulk_update(list(changed_rows.values()), ["percent", "strengths", "opportunities"])
        card.version += 1
        card.save(update_fields=["overall_comment", "version", "updated_at"])
        audit_record(action="review.scorecard_saved", obj=card, actor=expert.user,
                     after={"application": card.application_id, "stage": card.stage, "version": card.version,
                            "items": changes, "overall_comment": len(card.overall_comment) if comment_changed
                            else None})
    return card


def scorecard_submit(*, scorecard_id: int, expert: Expert, version) -> Scorecard:
    """Lock a scorecard whose every item is scored; its version must be the stored one."""
    with transaction.atomic():
        card = _locked(scorecard_id, expert)
        _check_writable(card)
        if _version(version) != card.version:
            raise ScoringError("stale", _("This scorecard was changed in another window since you loaded it: "
                                          "reload it and check before submitting."),
                               current={"version": card.version, "values": snapshot(card)})
        rows = item_scores(card)
        missing = [row.item.number for row in rows if row.percent is None]
        if missing or not rows:
            raise ScoringError("incomplete", _("Score every item before submitting (missing: %(items)s).")
                               % {"items": ", ".join(missing) or "—"})
        result = totals(rows, card.application.round.program.criteria.total_points)
        card.status = Scorecard.Status.SUBMITTED
        card.submitted_at = timezone.now()
        card.version += 1
        card.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        audit_record(action="review.scorecard_submitted", obj=card, actor=expert.user,
                     after={"application": card.application_id, "stage": card.stage, "version": card.version,
                            "total": str(result["overall"])})
    return card


def scorecard_reopen(*, scorecard_id: int, actor, reason: str) -> Scorecard:
    """The leader of the group reviewing the application in that stage reopens a submitted
    scorecard, with a reason (audited)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        card = _locked(scorecard_id)
        if not is_group_leader(actor, card.application, card.stage):
            raise ScoringError("not_leader", _("Only the leader of the group reviewing this application reopens "
                                               "its scorecards."))
        if current_stage(card.application) != card.stage:
            raise ScoringError("stage", _("This application is not in that review stage now."))
        if card.status != Scorecard.Status.SUBMITTED:
            raise ScoringError("not_submitted", _("This scorecard is not submitted."))
        if not reason:
            raise ScoringError("reason", _("Give the reason for reopening the scorecard."))
        reason = _clean_text(reason, 2000, _("Reason"))
        card.status = Scorecard.Status.DRAFT
        card.submitted_at = None
        card.version += 1
        card.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        audit_record(action="review.scorecard_reopened", obj=card, actor=actor,
                     after={"application": card.application_id, "stage": card.stage, "expert": card.expert_id,
                            "version": card.version, "reason": reason})
    return card


# --- criteria frozen once scoring began ------------------------------------------------------


def criteria_frozen(version_id) -> bool:
    return version_id is not None and Scorecard.objects.filter(
        application__round__program__criteria_id=version_id).exists()


def _version_ids(instance) -> set:
    if isinstance(instance, CriteriaVersion):
        return {instance.pk}
    if isinstance(instance, Category):
        ids = {instance.version_id}
        if instance.pk:
            ids |= set(Category.objects.filter(pk=instance.pk).values_list("version_id", flat=True))
        return ids
    if isinstance(instance, Item):
        category_ids = {instance.category_id}
        if instance.pk:
            category_ids |= set(Item.objects.filter(pk=instance.pk).values_list("category_id", flat=True))
        return set(Category.objects.filter(pk__in=[c for c in category_ids if c]).values_list("version_id", flat=True))
    return set()


FROZEN_MESSAGE = gettext_lazy("These criteria are frozen: experts have begun scoring a round that uses them. "
                              "Create a new criteria version instead.")


def _unchanged(instance) -> bool:
    """A save that writes exactly the stored values (an idempotent loader re-saving the criteria)."""
    if instance.pk is None:
        return False
    fields = [f.attname for f in instance._meta.concrete_fields]
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    return stored is not None and all(stored[name] == getattr(instance, name) for name in fields)


def _refuse_save(sender, instance, raw=False, **kwargs):
    if raw or _unchanged(instance):
        return
    if any(criteria_frozen(v) for v in _version_ids(instance)):
        raise ValidationError(FROZEN_MESSAGE, code="criteria_frozen")


def _refuse_delete(sender, instance, **kwargs):
    if any(criteria_frozen(v) for v in _version_ids(instance)):
        raise ProtectedError(str(FROZEN_MESSAGE), {instance})


def connect_criteria_freeze() -> None:
    from applications.criteria_freeze import register_freeze

    register_freeze(criteria_frozen)
    for model in (CriteriaVersion, Category, Item):
        pre_save.connect(_refuse_save, sender=model, dispatch_uid=f"review-criteria-frozen-{model.__name__}")
        pre_delete.connect(_refuse_delete, sender=model, dispatch_uid=f"review-criteria-frozen-del-{model.__name__}")


# --- the expert's to-do list ------------------------------------------------------------------


def scoring_todo(user) -> list:
    """Home-page to-do items: applications the expert reviews now whose scorecard of the current
    stage is not submitted yet."""
    from django.db.models import Exists, OuterRef, Q
    from django.urls import reverse

    from award_portal.todo import TodoItem

    from .models import Stage
    from .permissions import expert_profile

    expert = expert_profile(user)
    if expert is None or expert.status != Expert.Status.ACTIVE:
        return []
    submitted = Scorecard.objects.filter(application=OuterRef("pk"), expert=expert, status=Scorecard.Status.SUBMITTED) \
        .filter(Q(stage=Stage.MATERIAL, application__round__phase=access.RoundPhase.MATERIAL_REVIEW)
                | Q(stage=Stage.SITE, application__round__phase=access.RoundPhase.SITE_REVIEW))
    pending = access.reviewable_applications(user).filter(~Exists(submitted)).order_by("pk")
    return [TodoItem(title=f"{a.number} · {a.organization.name}", url=reverse("review-scorecard", args=[a.pk]),
                     section=_("Scorecards to submit"), order=23) for a in pending]
