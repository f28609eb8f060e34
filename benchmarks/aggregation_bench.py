"""Aggregation at scale, without a database: the ranking page's computation on synthetic scores.

A round: 500 applications × 7 experts × 23 items (groups of 7 experts reviewing 5 applications,
drawn from a pool of 350, every expert in two groups so the calibration graph is connected) →
`aggregation_s`; a province-wide history: 10,000 × 20 × 23 (groups of 20 from a pool of 1,000)
→ `aggregation_large_s`. Measured: `aggregation.analyse` (trimmed means, spreads, disagreement
flags, consensus, expert effects by least squares, calibrated totals, ICC and alpha per group,
deviations) plus the final score and the ranks. The input frame is built before timing, sorted
by application and item as `load_scores` returns it. Before printing, the result is checked: a
planted lenient expert's effect is found.
"""

import time

import numpy as np
import pandas as pd

# The GB/T 19580-2012 item maxima (23 items, 1,000 points).
ITEM_POINTS = [70, 30, 50, 30, 40, 40, 40, 50, 30, 40, 40, 40, 30, 40, 60, 50, 50, 40, 30, 120, 60, 40, 0]


def bench(name, value, unit):
    print(f"BENCH {name} {value} {unit}", flush=True)


def info(message):
    print(f"# {message}", flush=True)


def synthetic(n_apps, per_app, per_group_apps, pool, *, seed=19580):
    rng = np.random.default_rng(seed)
    points = np.array(ITEM_POINTS[:22] + [1000 - sum(ITEM_POINTS[:22])], dtype=float)
    n_items = len(points)
    n_groups = -(-n_apps // per_group_apps)
    members = np.stack([rng.choice(pool, per_app, replace=False) for _ in range(n_groups)])
    group = np.arange(n_apps) // per_group_apps
    effect = rng.normal(0, 4, pool)
    effect[0] = 15.0  # a lenient expert
    quality = rng.uniform(30, 80, n_apps)
    app = np.repeat(np.arange(1, n_apps + 1), n_items * per_app)
    item = np.tile(np.repeat(np.arange(1, n_items + 1), per_app), n_apps)
    expert = members[group].repeat(n_items, axis=0).reshape(-1)
    noise = rng.normal(0, 6, len(app))
    percent = np.clip(np.round((quality[app - 1] + effect[expert] + noise) / 5) * 5, 0, 100)
    max_points = points[item - 1]
    frame = pd.DataFrame({"application": app, "expert": expert + 1, "group": group[app - 1] + 1, "item": item,
                          "points": percent * max_points / 100, "percent": percent, "max_points": max_points})
    consensus = pd.DataFrame({"application": [1, 2], "item": [1, 2], "percent": [50, 55]})
    bigdata = pd.Series(rng.uniform(50, 100, n_apps), index=np.arange(1, n_apps + 1))
    return frame, consensus, bigdata


def measure(frame, consensus, bigdata):
    from review import aggregation

    started = time.perf_counter()
    result = aggregation.analyse(frame, method=aggregation.TRIMMED_MEAN, threshold=20, consensus=consensus)
    table = aggregation.final_scores(result.applications["calibrated"], None, bigdata, expert_weight=0.7,
                                     bigdata_weight=0.3, total_points=1000)
    table["rank"] = aggregation.rank(table)
    seconds = time.perf_counter() - started
    top = result.experts["effect"].idxmax()
    assert top == 1, f"the planted lenient expert is not found (top effect: expert {top})"
    assert result.parts == 1
    return seconds, result


def run(scale="full"):
    for name, shape in (("aggregation_s", (500, 7, 5, 350)), ("aggregation_large_s", (10_000, 20, 5, 1_000))):
        data = synthetic(*shape)
        measure(*data)  # warm-up (imports, allocations)
        seconds = min(measure(*data)[0] for _ in range(3))
        info(f"{shape[0]:,} applications × {shape[1]} experts × 23 items, pool {shape[3]:,}: "
             f"{len(data[0]):,} item scores")
        bench(name, round(seconds, 4), "s")


if __name__ == "__main__":
    run()
