"""A stage's ranking, recomputed from the submitted scorecards: the one read the ranking page, the
selection page, the round summary and the committee's deliberation share.

`ranking_table(rnd, stage)` gives one row per scored application with raw, calibrated, material,
site, big-data and final (weighted) scores, rank, spread, disagreements and whether it lies below
the program's score floor. `final_scores(rnd)` gives {application_id: final score} of the latest
scored stage. A fixed number of queries whatever the number of applications.
"""

import numpy as np
import pandas as pd

from applications.models import Application

from . import aggregation
from .models import ExpertGroup, ReviewSettings, Stage


def num(value):
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else round(value, 2)


def _bigdata(rnd, application_ids) -> pd.Series:
    """Each application's big-data score (0–100) in the program's latest evaluation run of the
    round (or of every organisation), two queries."""
    from bigdata.models import IndicatorScore, Run
    from bigdata.screening import latest_run

    run = latest_run(rnd.program, kind=Run.Kind.EVALUATION, round=rnd)
    if run is None or not application_ids:
        return pd.Series(dtype=float)
    org_of = dict(Application.objects.filter(pk__in=application_ids).values_list("organization_id", "pk"))
    scores = IndicatorScore.objects.filter(run=run, organization_id__in=list(org_of)).values_list(
        "organization_id", "score")
    return pd.Series({org_of[org]: float(score) for org, score in scores}, dtype=float)


def analyse_stage(rnd, stage):
    program = rnd.program
    frame = aggregation.load_scores(rnd.pk, stage)
    if frame.empty:
        return frame, None
    history = aggregation.load_history(program.pk, exclude_round_id=rnd.pk, exclude_stage=stage)
    result = aggregation.analyse(frame, method=program.aggregation, threshold=program.disagreement_threshold,
                                 consensus=aggregation.load_consensus(rnd.pk, stage), history=history)
    return frame, result


def _rank_by(program) -> str:
    row = ReviewSettings.objects.filter(program=program).values_list("rank_by", flat=True).first()
    return row or ReviewSettings.RankBy.RAW


def ranking_table(rnd, stage):
    """(rows for the template, analysis of the stage, rank_by)."""
    program = rnd.program
    rank_by = _rank_by(program)
    frame, result = analyse_stage(rnd, stage)
    if result is None:
        return [], None, rank_by
    apps = result.applications
    material = apps[rank_by]
    site = None
    if stage == Stage.SITE:
        _f, earlier = analyse_stage(rnd, Stage.MATERIAL)
        site = material
        material = earlier.applications[rank_by].reindex(apps.index) if earlier is not None else \
            pd.Series(np.nan, index=apps.index)
    bigdata = _bigdata(rnd, [int(a) for a in apps.index])
    table = aggregation.final_scores(material, site, bigdata, expert_weight=program.expert_weight,
                                     bigdata_weight=program.bigdata_weight,
                                     total_points=program.criteria.total_points)
    table["rank"] = aggregation.rank(table)
    objects = Application.objects.filter(pk__in=[int(a) for a in apps.index]).select_related("organization")
    numbers = dict(ExpertGroup.objects.filter(round=rnd, stage=stage).values_list("pk", "number"))
    by_pk = {a.pk: a for a in objects}
    rows = []
    for app_id, row in table.sort_values(["rank", "final"], ascending=[True, False]).iterrows():
        a = apps.loc[app_id]
        rows.append({
            "rank": int(row["rank"]), "application": by_pk.get(int(app_id)), "pk": int(app_id),
            "group": numbers.get(int(a["group"])), "experts": int(a["experts"]),
            "raw": num(a["raw"]), "calibrated": num(a["calibrated"]), "material": num(row["material"]),
            "site": num(row["site"]), "bigdata": num(row["bigdata"]), "bigdata_scaled": num(row["bigdata_scaled"]),
            "final": num(row["final"]), "spread": num(a["spread"]), "disagreements": int(a["disagreements"]),
            "open_disagreements": int(a["open_disagreements"]),
            "below_floor": program.score_floor is not None and row["final"] < program.score_floor,
        })
    return rows, result, rank_by




def final_scores(rnd) -> dict[int, float]:
    """{application id: final score} of the round's latest scored stage (site review if any
    application was scored there, else material review)."""
    for stage in (Stage.SITE, Stage.MATERIAL):
        rows, _result, _rank_by = ranking_table(rnd, stage)
        if rows:
            return {row["pk"]: row["final"] for row in rows if row["final"] is not None}
    return {}
