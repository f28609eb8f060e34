"""Loading award programs and criteria sets from their JSON fixtures (idempotent upserts).

A program is data: `applications/fixtures/programs/<code>.json` references a criteria set in
`applications/fixtures/criteria/<code>.json`. Loading twice changes nothing; loading an edited
file updates the rows in place (matched by their codes and numbers).
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    AwardProgram,
    Category,
    CriteriaVersion,
    EligibilityRule,
    Item,
    ProgramArticle,
    ProgramNoticeStage,
    Recommender,
    Tier,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROGRAM_FIELDS = [
    "name_zh", "name_en", "issuing_government", "region_code", "cycle", "requires_recommendation",
    "objection_verification_days", "reapply_wait_editions", "reapply_wait_years", "revocation_window_years",
    "self_evaluation_interval_years", "self_evaluation_period_years", "in_force_from", "score_floor", "expert_weight",
    "bigdata_weight", "aggregation", "disagreement_threshold", "max_attachment_mb", "max_attachments",
    "source_documents",
]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _read(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@transaction.atomic
def criteria_load(path) -> CriteriaVersion:
    data = _read(path)
    based_on = CriteriaVersion.objects.get(code=data["based_on"]) if data.get("based_on") else None
    version, _ = CriteriaVersion.objects.update_or_create(code=data["code"], defaults={
        "name_zh": data["name_zh"], "name_en": data.get("name_en", ""),
        "total_points": data["total_points"], "based_on": based_on, "source": data.get("source", "")})
    for c_order, cat in enumerate(data["categories"]):
        category, _ = Category.objects.update_or_create(version=version, number=cat["number"], defaults={
            "name_zh": cat["name_zh"], "name_en": cat.get("name_en", ""), "points": cat["points"],
            "order": c_order})
        for i_order, item in enumerate(cat["items"]):
            Item.objects.update_or_create(category=category, number=item["number"], defaults={
                "name_zh": item["name_zh"], "name_en": item.get("name_en", ""), "points": item["points"],
                "item_type": item["type"], "order": i_order})
        category.full_clean()
    version.full_clean()
    return version


def _criteria_path(code):
    return FIXTURES / "criteria" / f"{code}.json"


@transaction.atomic
def program_load(path) -> AwardProgram:
    data = _read(path)
    criteria = CriteriaVersion.objects.filter(code=data["criteria"]).first() or criteria_load(
        _criteria_path(data["criteria"]))
    defaults = {f: data[f] for f in PROGRAM_FIELDS if f in data}
    for f in ("expert_weight", "bigdata_weight"):
        if f in defaults:
            defaults[f] = Decimal(str(defaults[f]))
    if "in_force_from" in defaults:
        defaults["in_force_from"] = _date(defaults["in_force_from"])
    program, _ = AwardProgram.objects.update_or_create(code=data["code"], defaults={**defaults,
                                                                                   "criteria": criteria})
    program.full_clean()
    for stage in data.get("notice_stages", []):
        ProgramNoticeStage.objects.update_or_create(program=program, stage=stage["stage"],
                                                    defaults={"working_days": stage["working_days"]})
    for tier in data.get("tiers", []):
        obj, _ = Tier.objects.update_or_create(program=program, code=tier["code"], defaults={
            "name_zh": tier["name_zh"], "name_en": tier.get("name_en", ""), "rank": tier["rank"],
            "quota": tier["quota"],
            "prize_amount": Decimal(str(tier["prize_amount"])) if tier.get("prize_amount") is not None else None,
            "prize_is_cap": tier.get("prize_is_cap", False),
            "voting_method": tier.get("voting_method", "deliberation"),
            "bars_reapplication": tier.get("bars_reapplication", True)})
        obj.full_clean()
    for rec in data.get("recommenders", []):
        recommender, _ = Recommender.objects.update_or_create(code=rec["code"], defaults={
            "name_zh": rec["name_zh"], "name_en": rec.get("name_en", ""), "kind": rec["kind"],
            "region_code": rec.get("region_code", ""),
            "established_on": _date(rec.get("established_on")), "dissolved_on": _date(rec.get("dissolved_on"))})
        program.recommenders.add(recommender)
    for order, rule in enumerate(data.get("eligibility_rules", []), start=1):
        obj, _ = EligibilityRule.objects.update_or_create(program=program, order=order, defaults={
            "kind": rule["kind"], "params": rule.get("params", {}), "source_article": rule["source_article"],
            "description_zh": rule["description_zh"], "description_en": rule.get("description_en", ""),
            "articles": rule.get("articles", []), "active": rule.get("active", True)})
        obj.full_clean()
    EligibilityRule.objects.filter(program=program, order__gt=len(data.get("eligibility_rules", []))).update(
        active=False)
    articles_load(program, data.get("articles", []))
    return program


ARTICLE_FIELDS = ["ref_zh", "ref_en", "summary_zh", "summary_en", "status", "settings", "transitions",
                  "note_zh", "note_en", "assumption_zh", "assumption_en"]


def articles_load(program, articles: list[dict]):
    """The program's catalogue of articles (the rules register's rows); keys absent from the file go.

    In bulk: a catalogue has dozens of articles and every test that loads the programs pays for it."""
    existing = {a.key: a for a in ProgramArticle.objects.filter(program=program)}
    statuses = set(ProgramArticle.Status.values)
    created, updated = [], []
    for order, article in enumerate(articles, start=1):
        if not article.get("key") or article.get("status") not in statuses:
            raise ValidationError(f"article {article.get('key')!r}: a key and a status ({', '.join(sorted(statuses))})")
        fields = {f: article[f] for f in ARTICLE_FIELDS if f in article}
        obj = existing.get(article["key"])
        if obj is None:
            created.append(ProgramArticle(program=program, key=article["key"], order=order, **fields))
        else:
            for name, value in {**fields, "order": order}.items():
                setattr(obj, name, value)
            updated.append(obj)
    ProgramArticle.objects.bulk_create(created)
    if updated:
        ProgramArticle.objects.bulk_update(updated, ARTICLE_FIELDS + ["order"])
    ProgramArticle.objects.filter(program=program).exclude(key__in=[a["key"] for a in articles]).delete()


#: Callbacks run after the shipped programs are loaded: program data kept by other apps
#: (awards: the incentive tables), loaded with the programs wherever they are loaded.
AFTER_LOAD: list = []


def register_after_load(callback) -> None:
    if callback not in AFTER_LOAD:
        AFTER_LOAD.append(callback)


def load_all_programs() -> list[AwardProgram]:
    for path in sorted((FIXTURES / "criteria").glob("*.json")):
        data = _read(path)
        if not data.get("based_on"):
            criteria_load(path)
    for path in sorted((FIXTURES / "criteria").glob("*.json")):
        if _read(path).get("based_on"):
            criteria_load(path)
    programs = []
    for path in sorted((FIXTURES / "programs").glob("*.json")):
        try:
            programs.append(program_load(path))
        except ValidationError as exc:
            raise ValidationError(f"{path.name}: {exc}") from exc
    for callback in AFTER_LOAD:
        callback()
    return programs
