"""Loading record sources, screening rules and evaluation weights from their fixtures (idempotent)."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from applications.models import AwardProgram

from .models import EvaluationProfile, RecordSource, ScreeningRule, rule_problems

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@transaction.atomic
def sources_load(path=FIXTURES / "sources.json") -> list[RecordSource]:
    sources = []
    for item in json.loads(Path(path).read_text(encoding="utf-8")):
        source, _ = RecordSource.objects.update_or_create(code=item["code"], defaults={
            "name_zh": item["name_zh"], "name_en": item.get("name_en", ""), "family": item["family"],
            "record_type": item["record_type"],
            "column_mapping": item["column_mapping"], "date_format": item.get("date_format", "")})
        sources.append(source)
    return sources


def _decimal(value):
    return Decimal(str(value)) if value is not None else None


@transaction.atomic
def screening_load(path) -> AwardProgram:
    """A program's screening rules and evaluation weights; rules missing from the file are
    deactivated. Refuses (ValueError) a rule that cites no article or cannot work as written."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    program = AwardProgram.objects.get(code=data["program"])
    evaluation = data.get("evaluation", {})
    EvaluationProfile.objects.update_or_create(program=program, defaults={
        "window_years": evaluation.get("window_years", 3), "weights": evaluation.get("weights", {})})
    codes = []
    for item in data["rules"]:
        codes.append(item["code"])
        fields = {
            "kind": item.get("kind", ScreeningRule.Kind.RECORDS), "articles": item.get("articles", []),
            "record_type": item["record_type"], "outcome": item["outcome"],
            "window_years": item.get("window_years"), "only_current": item.get("only_current", False),
            "min_severity": item.get("min_severity", 0), "grades": item.get("grades", []),
            "grade_contains": item.get("grade_contains", False), "grade_or_amount": item.get("grade_or_amount", False),
            "amount_min_10k": _decimal(item.get("amount_min_10k")), "min_count": item.get("min_count", 1),
            "figures": item.get("figures", {}), "tolerance_pct": _decimal(item.get("tolerance_pct")),
            "source_article": item["source_article"], "description_zh": item["description_zh"],
            "description_en": item.get("description_en", ""), "active": item.get("active", True)}
        problems = rule_problems(ScreeningRule(**fields))
        if not fields["articles"]:
            problems.append("no article key")
        if problems:
            raise ValueError(f"{path}: rule {item['code']}: {'; '.join(str(p) for p in problems)}")
        ScreeningRule.objects.update_or_create(program=program, code=item["code"], defaults=fields)
    ScreeningRule.objects.filter(program=program).exclude(code__in=codes).update(active=False)
    return program


def load_all():
    sources_load()
    loaded = []
    for path in sorted((FIXTURES / "screening").glob("*.json")):
        code = json.loads(path.read_text(encoding="utf-8"))["program"]
        if AwardProgram.objects.filter(code=code).exists():
            loaded.append(screening_load(path))
    return loaded
