"""Who a vote carries: the one rule, a pure function the tally, the pages and the tests share.

A candidate is carried when more than half of the members entitled to vote on it (present, not
recused) are in favour (过半数: the measures name no threshold; this is the assumption, in the
rules register). The carried candidates fill the vote's places in order of votes in favour; places
may stay empty (Hangzhou 三(一) 可空缺, Beijing art. 4 可少额或空缺). When the last place falls inside a
group of equal votes, the whole group is tied: the outcome is not decided until the committee
resolves it by a further vote or a recorded decision. Ties are never broken silently (not by
score, not by order on the list).
"""

from dataclasses import dataclass

ELECTED, NOT_ELECTED, TIED = "elected", "not_elected", "tied"


@dataclass(frozen=True)
class Count:
    key: int
    yes: int
    entitled: int  # members present and not recused from this candidate


def carried(count: Count) -> bool:
    return count.entitled > 0 and 2 * count.yes > count.entitled


def decide(counts: list[Count], places: int) -> dict[int, str]:
    """{key: elected | not_elected | tied}."""
    result = {c.key: NOT_ELECTED for c in counts}
    passing = sorted((c for c in counts if carried(c)), key=lambda c: -c.yes)
    if len(passing) <= places:
        for c in passing:
            result[c.key] = ELECTED
        return result
    boundary = passing[places - 1].yes if places > 0 else None
    if places == 0:
        return result
    if passing[places].yes != boundary:
        for c in passing[:places]:
            result[c.key] = ELECTED
        return result
    for c in passing:
        if c.yes > boundary:
            result[c.key] = ELECTED
        elif c.yes == boundary:
            result[c.key] = TIED
    return result
