"""The big-data evaluation: a 0–100 quantitative score per organisation from documented
indicators, weighted per program, combined with the expert score under the program's weights.

Indicators over the program's window (default 3 years before the reference date):
  complaints   100 − 10 × complaints per year (floor 0); no complaints → 100
  spot_checks  share of spot checks passed × 100; no spot checks → 80 (no evidence either way)
  media        70 + 30 × (positive − negative) / reports, clipped to 0–100; no reports → 70
  penalties    100 − 20 × penalties − fines in 10k yuan (floor 0)
  credit       best rating: AAA 100, AA 95, A 90, BBB 80, BB 65, B 50, CCC 35, CC 20, C 10; none → 60
The counting is one SQL aggregate per chunk; the scoring of a chunk's organisations is pandas.
"""

import time
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import F

from applications.eligibility import add_years
from applications.models import Organization

from .models import EvaluationProfile, IndicatorScore, Run, RunChunk

DEFAULT_WEIGHTS = {"complaints": 0.25, "spot_checks": 0.25, "media": 0.15, "penalties": 0.2, "credit": 0.15}
RATING_POINTS = {"AAA": 100, "AA": 95, "A": 90, "BBB": 80, "BB": 65, "B": 50, "CCC": 35, "CC": 20, "C": 10}

AGGREGATE_SQL = """
    SELECT r.organization_id,
      SUM(CASE WHEN r.record_type = 'complaint' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'spot_check' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'spot_check' AND r.grade = '不合格' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'media_report' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'media_report' AND r.grade = '正面' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'media_report' AND r.grade = '负面' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'penalty' THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.record_type = 'penalty' THEN COALESCE(r.amount_10k, 0) ELSE 0 END),
      MAX(CASE WHEN r.record_type = 'credit_rating' THEN
          CASE r.grade WHEN 'AAA' THEN 100 WHEN 'AA' THEN 95 WHEN 'A' THEN 90 WHEN 'BBB' THEN 80 WHEN 'BB' THEN 65
                       WHEN 'B' THEN 50 WHEN 'CCC' THEN 35 WHEN 'CC' THEN 20 WHEN 'C' THEN 10 END END)
    FROM bigdata_publicrecord r
    WHERE r.organization_id BETWEEN %(lo)s AND %(hi)s AND r.occurred_on >= %(since)s AND r.occurred_on <= %(ref)s
      AND r.source_id IN ({sources})
    GROUP BY r.organization_id
"""
COLUMNS = ["organization_id", "complaints", "spot_checks", "spot_failed", "media", "media_positive",
           "media_negative", "penalties", "fines_10k", "credit"]


def profile_for(program) -> tuple[dict, int]:
    profile = EvaluationProfile.objects.filter(program=program).first()
    if profile is None:
        return DEFAULT_WEIGHTS, 3
    return profile.weights or DEFAULT_WEIGHTS, profile.window_years


def score_frame(counts: pd.DataFrame, weights: dict, window_years: int) -> pd.DataFrame:
    """Sub-scores and the weighted score for each row of indicator counts (vectorised)."""
    c = counts.fillna({k: 0 for k in COLUMNS if k != "credit"})
    per_year = c["complaints"].astype(float) / max(window_years, 1)
    scores = pd.DataFrame(index=c.index)
    scores["complaints"] = (100 - 10 * per_year).clip(lower=0)
    checks = c["spot_checks"].astype(float)
    scores["spot_checks"] = np.where(checks > 0, 100 * (checks - c["spot_failed"].astype(float)) / checks.where(
        checks > 0, 1), 80.0)
    media = c["media"].astype(float)
    balance = (c["media_positive"].astype(float) - c["media_negative"].astype(float)) / media.where(media > 0, 1)
    scores["media"] = np.where(media > 0, (70 + 30 * balance).clip(0, 100), 70.0)
    scores["penalties"] = (100 - 20 * c["penalties"].astype(float) - c["fines_10k"].astype(float)).clip(lower=0)
    scores["credit"] = c["credit"].astype(float).fillna(60.0)
    total = sum(scores[k] * float(w) for k, w in weights.items())
    scores["score"] = total.round(2)
    return scores


def evaluate_chunk(*, chunk_id: int) -> int:
    started = time.perf_counter()
    chunk = RunChunk.objects.select_related("run__program").get(pk=chunk_id)
    if chunk.status == RunChunk.Status.DONE:
        return 0
    run = chunk.run
    weights, window = profile_for(run.program)
    params = {"lo": chunk.org_from, "hi": chunk.org_to, "ref": run.reference_date,
              "since": add_years(run.reference_date, -window)}
    with connection.cursor() as cursor:
        from .screening import sources_sql

        sources = sources_sql(["complaint", "spot_check", "media_report", "penalty", "credit_rating"])
        cursor.execute(AGGREGATE_SQL.format(sources=sources), params)
        counts = pd.DataFrame(cursor.fetchall(), columns=COLUMNS)
    org_ids = pd.DataFrame({"organization_id": list(Organization.objects.filter(
        id__gte=chunk.org_from, id__lte=chunk.org_to).values_list("id", flat=True))})
    counts = org_ids.merge(counts, on="organization_id", how="left")
    scores = score_frame(counts, weights, window)
    rows = []
    for org_id, raw, sub in zip(counts["organization_id"], counts.to_dict("records"), scores.to_dict("records"),
                                strict=True):
        components = {k: (None if pd.isna(v) else float(v)) for k, v in raw.items() if k != "organization_id"}
        components.update({f"{k}_score": round(float(v), 2) for k, v in sub.items() if k != "score"})
        rows.append(IndicatorScore(run=run, organization_id=int(org_id), score=Decimal(str(sub["score"])),
                                   components=components))
    with transaction.atomic():
        IndicatorScore.objects.filter(run=run, organization_id__gte=chunk.org_from,
                                      organization_id__lte=chunk.org_to).delete()
        IndicatorScore.objects.bulk_create(rows, batch_size=2000)
        RunChunk.objects.filter(pk=chunk.pk).update(status=RunChunk.Status.DONE, attempts=F("attempts") + 1,
                                                    seconds=time.perf_counter() - started)
        Run.objects.filter(pk=run.pk).update(chunks_done=F("chunks_done") + 1, status=Run.Status.RUNNING)
    return len(rows)


def bigdata_score(organization, program) -> IndicatorScore | None:
    """The organisation's score in the program's latest successful evaluation run."""
    from .screening import latest_run

    run = latest_run(program, kind=Run.Kind.EVALUATION)
    if run is None:
        return None
    return IndicatorScore.objects.filter(run=run, organization=organization).first()


def combined_score(*, expert_points: Decimal, bigdata_score_100: Decimal | None, program) -> Decimal:
    """Final score out of the criteria total: expert evaluation and big data under program weights.

    The big-data score (0–100) is scaled to the criteria's total points; without one, the
    expert score stands alone.
    """
    total = Decimal(program.criteria.total_points)
    if bigdata_score_100 is None or program.bigdata_weight == 0:
        return Decimal(expert_points).quantize(Decimal("0.01"))
    scaled = Decimal(bigdata_score_100) * total / Decimal(100)
    value = program.expert_weight * Decimal(expert_points) + program.bigdata_weight * scaled
    return value.quantize(Decimal("0.01"))
