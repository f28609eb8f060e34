"""Aggregation, consensus, calibration and statistics against hand-computed examples (pure
functions; `consensus_record` with the database)."""

import math

import pandas as pd
import pytest

from review import aggregation as agg
from review.aggregation import COLUMNS


def _frame(rows):
    """rows: (application, expert, group, item, max_points, percent)."""
    return pd.DataFrame([(a, e, g, i, p * m / 100, p, m) for a, e, g, i, m, p in rows], columns=COLUMNS)


def _one_item(percents, app=1, item=1, max_points=100, group=1):
    return _frame([(app, e, group, item, max_points, p) for e, p in enumerate(percents, start=1)])


def test_trimmed_mean_drops_the_highest_and_lowest_from_three_experts():
    frame = _one_item([40, 60, 65, 90], max_points=80)
    items = agg.aggregate_items(frame, method=agg.TRIMMED_MEAN, threshold=20)
    row = items.iloc[0]
    assert row["percent"] == pytest.approx((60 + 65) / 2)      # 40 and 90 dropped
    assert row["points"] == pytest.approx(62.5 * 80 / 100)     # 50 points
    assert row["spread"] == 50
    mean = (40 + 60 + 65 + 90) / 4
    assert row["std"] == pytest.approx(math.sqrt(sum((x - mean) ** 2 for x in [40, 60, 65, 90]) / 4))


def test_trimmed_mean_of_two_experts_is_their_mean_and_median_of_even_count_is_middle_mean():
    assert agg.aggregate_items(_one_item([40, 60]), method=agg.TRIMMED_MEAN).iloc[0]["percent"] == 50
    assert agg.aggregate_items(_one_item([40, 60, 65, 90]), method=agg.MEDIAN).iloc[0]["percent"] == 62.5
    assert agg.aggregate_items(_one_item([40, 60, 95]), method=agg.MEDIAN).iloc[0]["percent"] == 60
    assert agg.aggregate_items(_one_item([40, 60, 95]), method=agg.MEAN).iloc[0]["percent"] == 65


def test_disagreement_is_flagged_only_beyond_the_threshold():
    frame = _frame([(1, 1, 1, 1, 50, 40), (1, 2, 1, 1, 50, 60),    # spread 20: not beyond 20
                    (1, 1, 1, 2, 50, 40), (1, 2, 1, 2, 50, 65)])   # spread 25: flagged
    items = agg.aggregate_items(frame, threshold=20).set_index("item")
    assert not items.loc[1, "flagged"]
    assert items.loc[2, "flagged"]
    result = agg.analyse(frame, threshold=20)
    assert result.applications.loc[1, "disagreements"] == 1
    assert result.applications.loc[1, "open_disagreements"] == 1


def test_consensus_replaces_the_aggregate_of_its_item():
    frame = _frame([(1, 1, 1, 1, 40, 30), (1, 2, 1, 1, 40, 80), (1, 1, 1, 2, 60, 50), (1, 2, 1, 2, 60, 50)])
    consensus = pd.DataFrame({"application": [1], "item": [1], "percent": [60]})
    result = agg.analyse(frame, method=agg.MEAN, threshold=20, consensus=consensus)
    items = result.items.set_index("item")
    assert items.loc[1, "percent"] == 55                      # the experts' mean, still shown
    assert items.loc[1, "final_points"] == pytest.approx(24)  # 60 % × 40
    assert items.loc[1, "flagged"]
    # raw total: 24 (consensus) + 30 (50 % × 60), not 22 + 30.
    assert result.applications.loc[1, "raw"] == pytest.approx(54)
    assert result.applications.loc[1, "open_disagreements"] == 0


def _two_groups_sharing_expert_3():
    """Group 1 (experts 1, 2, 3) scores applications 10 and 11; group 2 (experts 3, 4, 5)
    scores 20 and 21. Experts 4 and 5 give every item 10 points of percentage more than the
    others would. 10 and 20 are equally good (60 %), as are 11 and 21 (50 %). Two items of 40
    and 60 points: a 100-point criteria."""
    quality = {10: 60, 11: 50, 20: 60, 21: 50}
    rows = []
    for app, experts, group in [(10, [1, 2, 3], 1), (11, [1, 2, 3], 1), (20, [3, 4, 5], 2), (21, [3, 4, 5], 2)]:
        for e in experts:
            for item, max_points in [(1, 40), (2, 60)]:
                rows.append((app, e, group, item, max_points, quality[app] + (10 if e in (4, 5) else 0)))
    return _frame(rows)


def test_calibration_removes_the_lenient_experts_effect():
    result = agg.analyse(_two_groups_sharing_expert_3(), method=agg.MEAN, threshold=30)
    apps = result.applications
    # Raw: group 2's applications gain (10 + 10 + 0) / 3 points from its lenient experts.
    assert apps.loc[10, "raw"] == pytest.approx(60)
    assert apps.loc[20, "raw"] == pytest.approx(60 + 20 / 3)
    # Fit: experts 4 and 5 are 10 points above 1, 2, 3; effects sum to zero:
    # 3x + 2(x + 10) = 0 → x = −4, lenient experts +6.
    effects = result.experts["effect"]
    assert effects.loc[[1, 2, 3]].tolist() == pytest.approx([-4, -4, -4])
    assert effects.loc[[4, 5]].tolist() == pytest.approx([6, 6])
    # Calibrated: raw − mean effect of the application's experts: 60 + 4 = 64 and
    # 66.67 − (−4 + 6 + 6) / 3 = 64 — equally good applications score the same.
    assert apps.loc[10, "calibrated"] == pytest.approx(64)
    assert apps.loc[20, "calibrated"] == pytest.approx(64)
    assert apps.loc[11, "calibrated"] == pytest.approx(apps.loc[21, "calibrated"])
    # Group leniency: mean of its experts' effects.
    assert result.groups.loc[1, "leniency"] == pytest.approx(-4)
    assert result.groups.loc[2, "leniency"] == pytest.approx((-4 + 6 + 6) / 3)
    assert result.parts == 1


def test_calibration_with_the_trimmed_mean_uses_the_same_method():
    result = agg.analyse(_two_groups_sharing_expert_3(), method=agg.TRIMMED_MEAN, threshold=30)
    apps = result.applications
    assert apps.loc[20, "raw"] == pytest.approx(70)   # items: trimmed mean of 60, 70, 70 = 70
    # agg(total − effect): trimmed mean of 60 + 4, 70 − 6, 70 − 6 = 64; raw 70 + (64 − 70).
    assert apps.loc[20, "calibrated"] == pytest.approx(64)
    assert apps.loc[10, "calibrated"] == pytest.approx(64)


def test_unlinked_groups_keep_their_totals_and_effects_sum_to_zero_in_each():
    frame = _two_groups_sharing_expert_3()
    frame = frame[~((frame["expert"] == 3) & (frame["group"] == 2))]  # no shared expert
    result = agg.analyse(frame, method=agg.MEAN, threshold=30)
    assert result.parts == 2
    assert result.experts.loc[[4, 5], "effect"].sum() == pytest.approx(0)
    assert result.applications.loc[20, "calibrated"] == pytest.approx(result.applications.loc[20, "raw"])


def test_deviation_icc_and_alpha_by_hand():
    # Group 1: two experts, two applications, one item of 100 points. Expert 2 is 10 above.
    frame = _frame([(1, 1, 1, 1, 100, 50), (1, 2, 1, 1, 100, 60), (2, 1, 1, 1, 100, 70), (2, 2, 1, 1, 100, 80)])
    result = agg.analyse(frame, threshold=30)
    assert result.experts.loc[1, "mean_deviation"] == pytest.approx(-5)
    assert result.experts.loc[2, "mean_deviation"] == pytest.approx(5)
    # ANOVA: grand 65; rows 55, 75 → SSR = 2 × (100 + 100) = 400, MSR 400; columns 60, 70 →
    # SSC = 2 × (25 + 25) = 100, MSC 100; SST = 225 + 25 + 25 + 225 = 500, SSE 0.
    # ICC(2,1) = (400 − 0) / (400 + 0 + 2 × 100 / 2) = 0.8.
    assert result.groups.loc[1, "icc"] == pytest.approx(0.8)
    # Alpha (interval): D_o = (1/4) Σ_u 2 × 100 / 1 = 100; D_e = Σ over the 12 ordered pairs of
    # (50, 60, 70, 80) squared differences / (4 × 3) = 2 × (100+400+900+100+400+100) / 12 = 333.3.
    assert result.groups.loc[1, "alpha"] == pytest.approx(1 - 100 / (4000 / 12))


def test_final_score_site_replaces_material_and_big_data_is_scaled_and_weighted():
    material = pd.Series({1: 600.0, 2: 700.0, 3: 500.0})
    site = pd.Series({1: 650.0})
    bigdata = pd.Series({1: 80.0, 2: 90.0})
    table = agg.final_scores(material, site, bigdata, expert_weight=0.7, bigdata_weight=0.3, total_points=1000)
    assert table.loc[1, "expert"] == 650
    assert table.loc[1, "final"] == pytest.approx(0.7 * 650 + 0.3 * 800)  # 695
    assert table.loc[2, "final"] == pytest.approx(0.7 * 700 + 0.3 * 900)  # 760
    assert table.loc[3, "final"] == 500                                    # no big data: expert alone
    assert agg.rank(table).to_dict() == {1: 2, 2: 1, 3: 3}
