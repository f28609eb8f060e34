"""Aggregation, consensus, calibration, inter-rater statistics and the final score of a review stage.

Pure functions on pandas DataFrames in long form — one row per expert, application and item,
columns `application, expert, group, item, points, percent, max_points` (`COLUMNS`) — plus
`load_scores`, which reads a round's submitted scorecards of one stage in one query, and
`consensus_record`, the group leader's consensus score (audited). The ranking and statistics
pages recompute everything on each request (`analyse`); internally the long frame becomes a
dense (application × item, expert slot) array, so 10,000 applications × 20 experts × 23 items
take well under a second (`make bench`: `aggregation_s`, `aggregation_large_s`).

Aggregation (the program's `aggregation`): per item, the experts' percentages are combined by

- mean;
- median (the mean of the two middle values for an even number of experts);
- trimmed mean: the single highest and the single lowest percentage are dropped when at least
  three experts scored the item, and the rest averaged; with one or two experts it is the mean.

Item points = aggregate percentage × the item's maximum / 100; an application's total is the sum
of its item points. Spread is max − min (percentage points) and the population standard
deviation of the experts' percentages. An item is flagged when its spread exceeds the program's
`disagreement_threshold` ("expert scores of one item further apart than this are flagged",
percentage points, strictly greater). A consensus score the group leader recorded replaces the
aggregate of that item (the flag stays visible, marked resolved).

Calibration: each expert's total of an application is modelled as
    total_ij = application_i + expert_j + noise,
fitted by least squares over all the experts' overlapping work (optionally with the program's
earlier work, `history`). Eliminating the application terms leaves the reduced normal
equations L e = b (L is a graph Laplacian of who scored with whom); they fix the expert effects
only up to a constant per connected part of that graph, so the effects are made to sum to zero
in each part (solved as (L + Σ u_c u_cᵀ) e = b with u_c the normalised indicator of part c — the
same answer as numpy's minimum-norm `lstsq`, faster for large pools). Groups no shared expert
links can therefore not be compared with each other: within such a part the calibration only
redistributes leniency among its own experts. The calibrated total is the raw total plus the
change the effects make to the aggregate of the experts' totals: agg(total_ij − expert_j) −
agg(total_ij), with the program's method (for the mean: minus the mean effect of the
application's experts, exactly the fitted application term). A group's leniency is the mean
effect of its experts.

Inter-rater statistics per group, with the (application, item) pairs as units and the experts'
percentages as ratings: ICC(2,1) (Shrout & Fleiss: two-way random effects, absolute agreement,
single rater; only for groups whose experts all scored all their units, else None) and
Krippendorff's alpha with the interval metric (missing ratings allowed). Per expert: the mean
deviation of their total from the mean total of the same application.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

COLUMNS = ["application", "expert", "group", "item", "points", "percent", "max_points"]
MEAN, TRIMMED_MEAN, MEDIAN = "mean", "trimmed_mean", "median"


@dataclass
class Analysis:
    """What `analyse` computed. Frames are indexed by ids (application, item, expert, group)."""

    items: pd.DataFrame         # one row per (application, item)
    applications: pd.DataFrame  # index application
    scorecards: pd.DataFrame    # one row per (application, expert)
    experts: pd.DataFrame       # index expert
    groups: pd.DataFrame        # index group
    parts: int                  # connected parts of the who-scored-with-whom graph


# --- Items ------------------------------------------------------------------------------------

def _dense(app_codes, item_codes, n_items, values):
    """The values as a (n_apps × n_items, k) array sorted ascending in each row (NaN last), and
    the number of values per row. Rows of the input sorted by (application, item) skip a sort."""
    pair = app_codes.astype(np.int64) * n_items + item_codes
    if len(pair) > 1 and not (np.diff(pair) >= 0).all():
        order = np.argsort(pair, kind="stable")
        pair, values = pair[order], values[order]
    n_rows = (int(app_codes.max()) + 1 if len(app_codes) else 0) * n_items
    counts = np.bincount(pair, minlength=n_rows)
    k = int(counts.max()) if len(counts) else 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(pair)) - starts[pair]
    cube = np.full((n_rows, max(k, 1)), np.nan)
    cube[pair, slot] = values
    cube.sort(axis=1)
    return cube, counts


def combine(cube: np.ndarray, counts: np.ndarray, method: str) -> np.ndarray:
    """Aggregate each row of a sorted (NaN last) array by `method`; NaN for empty rows."""
    n = counts
    rows = np.arange(len(n))
    safe = np.maximum(n, 1)
    total = np.nansum(cube, axis=1)
    low = cube[:, 0]
    high = cube[rows, safe - 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / safe, np.nan)
        if method == MEDIAN:
            upper = cube[rows, safe // 2]
            lower = cube[rows, np.maximum((safe - 1) // 2, 0)]
            return np.where(n > 0, (upper + lower) / 2, np.nan)
        if method == TRIMMED_MEAN:
            trimmed = (total - low - high) / np.maximum(n - 2, 1)
            return np.where(n >= 3, trimmed, mean)
    return mean


def aggregate_items(frame: pd.DataFrame, *, method: str = MEAN, threshold: float = 20,
                    consensus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (application, item): experts `n`, aggregate `percent` and `points`, `spread` (max −
    min, percentage points), `std` (population), `flagged` (spread > threshold), `consensus`
    (the leader's percentage or NaN), and `final_percent`/`final_points` (consensus when given)."""
    return _items(frame, method, threshold, consensus)[0]


def _items(frame, method, threshold, consensus):
    app_codes, apps = pd.factorize(frame["application"].to_numpy(), sort=True)
    item_codes, items = pd.factorize(frame["item"].to_numpy(), sort=True)
    apps, items = pd.Index(apps), pd.Index(items)
    n_items = len(items)
    percent = frame["percent"].to_numpy(dtype=float)
    cube, counts = _dense(app_codes, item_codes, n_items, percent)
    agg = combine(cube, counts, method)
    rows = np.arange(len(counts))
    safe = np.maximum(counts, 1)
    spread = np.where(counts > 0, cube[rows, safe - 1] - cube[:, 0], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.nanstd(cube, axis=1) if cube.size else np.zeros(0)
    max_points = np.zeros(n_items)
    max_points[item_codes] = frame["max_points"].to_numpy(dtype=float)
    max_rows = np.tile(max_points, len(apps))
    final = agg.copy()
    cons = np.full(len(counts), np.nan)
    if consensus is not None and len(consensus):
        a = apps.get_indexer(consensus["application"].to_numpy())
        i = items.get_indexer(consensus["item"].to_numpy())
        ok = (a >= 0) & (i >= 0)
        where = a[ok].astype(np.int64) * n_items + i[ok]
        cons[where] = consensus["percent"].to_numpy(dtype=float)[ok]
        final = np.where(np.isnan(cons), agg, cons)
    table = pd.DataFrame({
        "application": np.repeat(np.asarray(apps), n_items), "item": np.tile(np.asarray(items), len(apps)),
        "n": counts, "max_points": max_rows, "percent": agg, "points": agg * max_rows / 100,
        "spread": spread, "std": std, "flagged": spread > threshold, "consensus": cons,
        "final_percent": final, "final_points": final * max_rows / 100,
    })
    table = table[table["n"] > 0].reset_index(drop=True)
    return table, (app_codes, apps, item_codes, items, cube, counts)


# --- Calibration ------------------------------------------------------------------------------

def _parts(card_target, card_expert, n_experts):
    """Connected part of each expert in the bipartite graph target–expert (label propagation)."""
    labels = np.arange(n_experts)
    n_targets = int(card_target.max()) + 1 if len(card_target) else 0
    while True:
        target_label = np.full(n_targets, n_experts)
        np.minimum.at(target_label, card_target, labels[card_expert])
        new = labels.copy()
        np.minimum.at(new, card_expert, target_label[card_target])
        if (new == labels).all():
            break
        labels = new[new]  # pointer jumping speeds up long chains
    _u, parts = np.unique(labels, return_inverse=True)
    return parts


def fit_expert_effects(target, expert, total) -> tuple[pd.Series, np.ndarray]:
    """Least-squares expert effects of total_ij = target_i + expert_j + noise, summing to zero in
    each connected part. Returns (effects indexed by expert id, part of each expert)."""
    t_codes, _t = pd.factorize(np.asarray(target))
    e_codes, experts = pd.factorize(np.asarray(expert), sort=True)
    y = np.asarray(total, dtype=float)
    n_e, n_t = len(experts), int(t_codes.max()) + 1 if len(t_codes) else 0
    if n_e == 0:
        return pd.Series(dtype=float), np.zeros(0, dtype=int)
    m = np.bincount(t_codes, minlength=n_t).astype(float)
    y_bar = np.bincount(t_codes, weights=y, minlength=n_t) / np.maximum(m, 1)
    b = np.bincount(e_codes, weights=y - y_bar[t_codes], minlength=n_e)
    # L = diag(Σ_i 1) − Σ_i (1/m_i) 1_i 1_iᵀ over the experts j, k of each target i: every pair of
    # a target's experts at once from a (targets × slots) table, summed by one bincount.
    order = np.argsort(t_codes, kind="stable")
    counts = m.astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(order)) - starts[t_codes[order]]
    k_max = int(counts.max())
    table = np.full((n_t, k_max), -1, dtype=np.int64)
    table[t_codes[order], slot] = e_codes[order]
    j = np.broadcast_to(table[:, :, None], (n_t, k_max, k_max))
    k = np.broadcast_to(table[:, None, :], (n_t, k_max, k_max))
    w = np.broadcast_to((-1.0 / np.maximum(m, 1))[:, None, None], (n_t, k_max, k_max))
    valid = (j >= 0) & (k >= 0)
    flat = j[valid] * n_e + k[valid]
    lap = np.bincount(flat, weights=w[valid], minlength=n_e * n_e).reshape(n_e, n_e)
    lap[np.diag_indices(n_e)] += np.bincount(e_codes, minlength=n_e)
    parts = _parts(t_codes, e_codes, n_e)
    for p in range(parts.max() + 1):
        members = np.flatnonzero(parts == p)
        lap[np.ix_(members, members)] += 1.0 / len(members)
    try:
        effects = np.linalg.solve(lap, b)
    except np.linalg.LinAlgError:
        effects = np.linalg.lstsq(lap, b, rcond=None)[0]
    return pd.Series(effects, index=experts, name="effect"), parts


# --- Inter-rater statistics ---------------------------------------------------------------------

def group_statistics(unit_group, cube, counts, card_group, card_expert, card_sum, card_n) -> pd.DataFrame:
    """ICC(2,1) and Krippendorff's alpha (interval) per group, the units being the rows of
    `cube` (one (application, item) pair each, group `unit_group`). The ICC needs complete data:
    every expert of the group rated every unit of the group (else None)."""
    g_codes, groups = pd.factorize(unit_group, sort=True)
    groups = pd.Index(groups)
    n_g = len(groups)
    m = counts.astype(float)
    s1 = np.nansum(cube, axis=1)
    s2 = np.nansum(cube * cube, axis=1)
    live = m > 0
    # Krippendorff's alpha, interval metric, from per-unit sums.
    pairable = m >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        d_unit = np.where(pairable, 2 * (m * s2 - s1 * s1) / np.maximum(m - 1, 1), 0.0)
    n_val = np.bincount(g_codes, weights=np.where(pairable, m, 0), minlength=n_g)
    sum1 = np.bincount(g_codes, weights=np.where(pairable, s1, 0), minlength=n_g)
    sum2 = np.bincount(g_codes, weights=np.where(pairable, s2, 0), minlength=n_g)
    d_obs = np.bincount(g_codes, weights=d_unit, minlength=n_g)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = d_obs / n_val
        d_e = 2 * (n_val * sum2 - sum1 * sum1) / (n_val * (n_val - 1))
        alpha = np.where((n_val > 1) & (d_e > 0), 1 - d_o / d_e, np.nan)
    # ICC(2,1) from two-way ANOVA sums.
    n_units = np.bincount(g_codes, weights=live, minlength=n_g)
    cells = np.bincount(g_codes, weights=m, minlength=n_g)
    total = np.bincount(g_codes, weights=s1, minlength=n_g)
    total2 = np.bincount(g_codes, weights=s2, minlength=n_g)
    with np.errstate(invalid="ignore", divide="ignore"):
        row_ss = np.bincount(g_codes, weights=np.where(live, s1 * s1 / np.maximum(m, 1), 0), minlength=n_g)
    cg = groups.get_indexer(card_group)
    ok = cg >= 0
    pairs = pd.DataFrame({"g": cg[ok], "e": card_expert[ok], "s": card_sum[ok], "n": card_n[ok]})
    per_rater = pairs.groupby(["g", "e"], sort=False).agg(s=("s", "sum"), n=("n", "sum"))
    gi = per_rater.index.get_level_values("g").to_numpy()
    k = np.bincount(gi, minlength=n_g).astype(float)
    col_ss = np.bincount(gi, weights=per_rater["s"].to_numpy() ** 2 / per_rater["n"].to_numpy(), minlength=n_g)
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = total * total / cells
        sst = total2 - correction
        ssr = row_ss - correction
        ssc = col_ss - correction
        sse = sst - ssr - ssc
        msr = ssr / (n_units - 1)
        msc = ssc / (k - 1)
        mse = sse / ((n_units - 1) * (k - 1))
        icc = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n_units)
    complete = (cells == n_units * k) & (n_units >= 2) & (k >= 2)
    icc = np.where(complete, icc, np.nan)
    return pd.DataFrame({"units": n_units.astype(int), "experts": k.astype(int), "icc": icc, "alpha": alpha},
                        index=pd.Index(groups, name="group"))


# --- Everything -------------------------------------------------------------------------------

def analyse(frame: pd.DataFrame, *, method: str = MEAN, threshold: float = 20,
            consensus: pd.DataFrame | None = None, history: pd.DataFrame | None = None) -> Analysis:
    """Items, application totals (raw and calibrated), scorecards, experts and groups of one stage.

    `consensus`: columns application, item, percent. `history`: earlier work of the same experts
    (columns target, expert, total; targets distinct from this stage's applications) that joins
    the calibration fit only, so experts of groups that never met can still be compared."""
    items, (app_codes, apps, item_codes, _items_index, cube, counts) = _items(frame, method, threshold, consensus)
    n_items = len(_items_index)
    expert = frame["expert"].to_numpy()
    e_codes, experts = pd.factorize(expert, sort=True)
    n_e = len(experts)
    card_key = app_codes.astype(np.int64) * max(n_e, 1) + e_codes
    card_codes, card_keys = pd.factorize(card_key)
    n_cards = len(card_keys)
    points = frame["points"].to_numpy(dtype=float)
    percent = frame["percent"].to_numpy(dtype=float)
    card_total = np.bincount(card_codes, weights=points, minlength=n_cards)
    card_sum = np.bincount(card_codes, weights=percent, minlength=n_cards)
    card_n = np.bincount(card_codes, minlength=n_cards).astype(float)
    card_app = (card_keys // max(n_e, 1)).astype(np.int64)
    card_exp = (card_keys % max(n_e, 1)).astype(np.int64)
    group_of_app = np.zeros(len(apps), dtype=frame["group"].to_numpy().dtype)
    group_of_app[app_codes] = frame["group"].to_numpy()
    card_group = group_of_app[card_app]

    # Application totals.
    app_of_item = apps.get_indexer(items["application"].to_numpy())
    raw = np.bincount(app_of_item, weights=items["final_points"].to_numpy(), minlength=len(apps))
    flags = np.bincount(app_of_item, weights=items["flagged"].to_numpy(dtype=float), minlength=len(apps))
    open_flags = np.bincount(app_of_item, weights=(items["flagged"] & items["consensus"].isna()).to_numpy(
        dtype=float), minlength=len(apps))
    n_cards_app = np.bincount(card_app, minlength=len(apps)).astype(float)
    mean_total = np.bincount(card_app, weights=card_total, minlength=len(apps)) / np.maximum(n_cards_app, 1)
    lo = np.full(len(apps), np.inf)
    hi = np.full(len(apps), -np.inf)
    np.minimum.at(lo, card_app, card_total)
    np.maximum.at(hi, card_app, card_total)
    sq = np.bincount(card_app, weights=(card_total - mean_total[card_app]) ** 2, minlength=len(apps))
    deviation = card_total - mean_total[card_app]

    # Calibration over this stage's cards (and the history, if any).
    target, who, total = card_app, np.asarray(experts)[card_exp], card_total
    if history is not None and len(history):
        offset = len(apps)
        h_codes, _h = pd.factorize(history["target"].to_numpy())
        target = np.concatenate([target, h_codes + offset])
        who = np.concatenate([who, history["expert"].to_numpy()])
        total = np.concatenate([total, history["total"].to_numpy(dtype=float)])
    effects, parts = fit_expert_effects(target, who, total)
    effect_of_card = effects.reindex(np.asarray(experts)[card_exp]).to_numpy()
    mean_effect = np.bincount(card_app, weights=effect_of_card, minlength=len(apps)) / np.maximum(n_cards_app, 1)
    zeros = np.zeros(n_cards, dtype=np.int64)
    as_scored = combine(*_dense(card_app, zeros, 1, card_total), method)
    adjusted = combine(*_dense(card_app, zeros, 1, card_total - effect_of_card), method)
    calibrated = np.clip(raw + adjusted - as_scored, 0, None)

    applications = pd.DataFrame({
        "group": group_of_app, "experts": n_cards_app.astype(int), "raw": raw, "calibrated": calibrated,
        "effect": mean_effect, "spread": hi - lo, "std": np.sqrt(sq / np.maximum(n_cards_app, 1)),
        "disagreements": flags.astype(int), "open_disagreements": open_flags.astype(int),
    }, index=pd.Index(apps, name="application"))
    scorecards = pd.DataFrame({
        "application": np.asarray(apps)[card_app], "expert": np.asarray(experts)[card_exp], "group": card_group,
        "total": card_total, "deviation": deviation, "effect": effect_of_card,
    })
    n_cards_exp = np.bincount(card_exp, minlength=n_e).astype(float)
    expert_table = pd.DataFrame({
        "applications": n_cards_exp.astype(int),
        "mean_deviation": np.bincount(card_exp, weights=deviation, minlength=n_e) / np.maximum(n_cards_exp, 1),
        "effect": effects.reindex(experts).to_numpy(),
    }, index=pd.Index(experts, name="expert"))
    first_group = pd.Series(card_group).groupby(card_exp, sort=True).first()
    expert_table["group"] = first_group.reindex(range(n_e)).to_numpy()

    unit_group = np.repeat(group_of_app, n_items)
    stats = group_statistics(unit_group, cube, counts, card_group, card_exp, card_sum, card_n)
    gm = pd.DataFrame({"g": card_group, "e": card_exp}).drop_duplicates()
    gm["effect"] = expert_table["effect"].to_numpy()[gm["e"].to_numpy()]
    stats["leniency"] = gm.groupby("g")["effect"].mean().reindex(stats.index)
    stats["applications"] = pd.Series(group_of_app).value_counts().reindex(stats.index).fillna(0).astype(int)
    return Analysis(items=items, applications=applications, scorecards=scorecards, experts=expert_table,
                    groups=stats, parts=int(parts.max()) + 1 if len(parts) else 0)


# --- The final score --------------------------------------------------------------------------

def final_scores(material: pd.Series, site: pd.Series | None, bigdata: pd.Series | None, *,
                 expert_weight, bigdata_weight, total_points) -> pd.DataFrame:
    """The final score of each application and every component (index: application).

    Expert score: the site review's score where the application has one, else the material
    review's. The site review verifies on site what the material claims, so its score is the
    later and better-informed judgement of the same criteria, not a second opinion to average
    (Beijing 2016, bj2016: "评审专家评价和大数据评价相结合 … 形成定性+定量相结合的评价模式" —
    the experts give the qualitative part, the big data the quantitative one; the program's
    weights combine only those two).

    Final = expert × expert_weight + big data (0–100 scaled to the criteria total) ×
    bigdata_weight; without a big-data score, or with a zero big-data weight, the expert score
    stands alone (as `bigdata.evaluation.combined_score`).
    """
    ew, bw, total = float(expert_weight), float(bigdata_weight), float(total_points)
    table = pd.DataFrame({"material": material.astype(float)})
    table["site"] = (site.astype(float) if site is not None else pd.Series(dtype=float)).reindex(table.index)
    table["expert"] = table["site"].where(table["site"].notna(), table["material"])
    big = (bigdata.astype(float) if bigdata is not None else pd.Series(dtype=float)).reindex(table.index)
    table["bigdata"] = big
    table["bigdata_scaled"] = big * total / 100
    weighted = table["expert"] * ew + table["bigdata_scaled"] * bw
    table["final"] = weighted.where(big.notna() & (bw > 0), table["expert"]).round(2)
    return table


def rank(table: pd.DataFrame, column: str = "final") -> pd.Series:
    """Competition ranks (1, 2, 2, 4) by `column`, highest first."""
    return table[column].rank(method="min", ascending=False).astype(int)


# --- The database -----------------------------------------------------------------------------

def load_scores(round_id: int, stage: str) -> pd.DataFrame:
    """The submitted, scored items of a round's stage as a frame of `COLUMNS`, in one query,
    sorted by application and item."""
    from django.db.models import OuterRef, Subquery

    from .models import GroupApplication, ItemScore, Scorecard

    group = GroupApplication.objects.filter(application_id=OuterRef("scorecard__application_id"),
                                            stage=stage).values("group_id")[:1]
    rows = (ItemScore.objects.filter(scorecard__application__round_id=round_id, scorecard__stage=stage,
                                     scorecard__status=Scorecard.Status.SUBMITTED, percent__isnull=False)
            .annotate(group_id=Subquery(group))
            .order_by("scorecard__application_id", "item_id", "scorecard__expert_id")
            .values_list("scorecard__application_id", "scorecard__expert_id", "group_id", "item_id",
                         "item__points", "percent"))
    frame = pd.DataFrame(list(rows), columns=["application", "expert", "group", "item", "max_points", "percent"])
    frame["group"] = frame["group"].fillna(0).astype(int)
    frame["points"] = frame["percent"].astype(float) * frame["max_points"].astype(float) / 100
    return frame[COLUMNS]


def load_history(program_id: int, *, exclude_round_id: int, exclude_stage: str) -> pd.DataFrame:
    """Totals of the program's other submitted scorecards (other rounds and stages), one query:
    columns target ("application:stage"), expert, total — for the calibration fit."""
    from django.db.models import F, FloatField, Q, Sum

    from .models import ItemScore, Scorecard

    rows = (ItemScore.objects.filter(scorecard__application__round__program_id=program_id,
                                     scorecard__status=Scorecard.Status.SUBMITTED, percent__isnull=False)
            .exclude(Q(scorecard__application__round_id=exclude_round_id) & Q(scorecard__stage=exclude_stage))
            .values("scorecard__application_id", "scorecard__stage", "scorecard__expert_id")
            .annotate(total=Sum(F("percent") * F("item__points"), output_field=FloatField()))
            .order_by())
    frame = pd.DataFrame([(f"{r['scorecard__application_id']}:{r['scorecard__stage']}", r["scorecard__expert_id"],
                           r["total"] / 100) for r in rows], columns=["target", "expert", "total"])
    return frame


def load_consensus(round_id: int, stage: str) -> pd.DataFrame:
    from .models import ConsensusScore

    rows = ConsensusScore.objects.filter(application__round_id=round_id, stage=stage).values_list(
        "application_id", "item_id", "percent")
    return pd.DataFrame(list(rows), columns=["application", "item", "percent"])


class ConsensusError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def leads_group_of(user, application_id: int, stage: str) -> bool:
    """Whether the user's expert profile leads the group reviewing this application in this stage."""
    from .models import GroupMember

    return GroupMember.objects.filter(
        expert__user=user, is_leader=True, group__stage=stage,
        group__assignments__application_id=application_id, group__assignments__stage=stage).exists()


def consensus_record(*, application_id: int, stage: str, item_id: int, percent: int, reason: str, actor):
    """The group leader records (or changes) the consensus percentage of an item, with a reason.

    Refused unless the actor leads the application's group in this stage and may review the
    application now (`access.can_review`); the percentage must be 0–100 in steps of 5 and the
    item one of the round's criteria. Audited (`review.consensus_recorded`)."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from applications.models import Application, Item
    from award_portal.audit import audit_record

    from .access import can_review
    from .models import ConsensusScore, Stage

    if stage not in Stage.values:
        raise ConsensusError(_("No such stage."), "missing")
    reason = (reason or "").strip()
    with transaction.atomic():
        application = Application.objects.select_related("round__program").filter(pk=application_id).first()
        if application is None or not can_review(actor, application) or not leads_group_of(
                actor, application_id, stage):
            raise ConsensusError(_("Only the leader of the group reviewing this application records a consensus "
                                   "score."), "forbidden")
        item = Item.objects.filter(pk=item_id, category__version_id=application.round.program.criteria_id).first()
        if item is None:
            raise ConsensusError(_("This item is not one of the round's criteria."), "invalid")
        if percent is None or not (0 <= int(percent) <= 100) or int(percent) % 5:
            raise ConsensusError(_("A percentage from 0 to 100 in steps of 5."), "invalid")
        if not reason:
            raise ConsensusError(_("Give the reason for the consensus score."), "invalid")
        old = ConsensusScore.objects.select_for_update().filter(application=application, stage=stage,
                                                                item=item).first()
        before = {"percent": old.percent, "reason": old.reason} if old else None
        row, _created = ConsensusScore.objects.update_or_create(
            application=application, stage=stage, item=item,
            defaults={"percent": int(percent), "reason": reason, "recorded_by": actor})
        audit_record(action="review.consensus_recorded", obj=application, actor=actor, before=before,
                     after={"stage": stage, "item": item.number, "percent": int(percent), "reason": reason})
    return row


def as_decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return Decimal(str(round(float(value), 2)))
