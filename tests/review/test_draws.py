"""The expert draw: checkable by anybody (replay, hash), steerable by nobody (the office cannot enter
the number; a changed list is refused), and the rules of `select` over random candidate lists."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review import draws
from review.models import DrawnExpert, ExpertDraw
from tests.review.support import make_expert, review_round

# --- select(): pure, over random candidate lists -------------------------------------------

SECTIONS = "CFIM"


@st.composite
def draw_inputs(draw):
    n = draw(st.integers(0, 30))
    candidates = [[i + 1, "".join(sorted(draw(st.sets(st.sampled_from(SECTIONS), min_size=1)))),
                   draw(st.sampled_from(["11", "11", "12", "13"]))] for i in range(n)]
    count = draw(st.integers(1, 12))
    per_section = draw(st.dictionaries(st.sampled_from(SECTIONS), st.integers(1, 3), max_size=3))
    share = draw(st.sampled_from([0, 0.2, 0.3, 0.5, 1]))
    seed = draw(st.text("0123456789abcdef", min_size=64, max_size=64))
    return candidates, {"count": count, "per_section": per_section, "home_province": "11",
                        "max_partner_share": share}, seed


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(draw_inputs())
def test_select_keeps_its_rules(inputs):
    candidates, constraints, seed = inputs
    chosen = draws.select(candidates, constraints, seed)
    again = draws.select([list(c) for c in candidates], dict(constraints), seed)
    assert chosen == again, "the same inputs give the same result"
    by_id = {c[0]: c for c in candidates}
    assert len(chosen) == len(set(chosen)) and set(chosen) <= set(by_id)
    count = constraints["count"]
    assert len(chosen) <= count
    partners = [e for e in chosen if by_id[e][2] != "11"]
    assert len(partners) <= math.floor(constraints["max_partner_share"] * count), "partner share"
    homes = [c for c in candidates if c[2] == "11"]
    cap = math.floor(constraints["max_partner_share"] * count)
    assert len(chosen) == min(count, len(homes) + min(cap, len(candidates) - len(homes)))
    if sum(constraints["per_section"].values()) <= count:
        for section, needed in constraints["per_section"].items():
            if sum(1 for c in homes if section in c[1]) >= needed:
                assert sum(1 for e in chosen if section in by_id[e][1]) >= needed, (section, needed)


def test_a_different_seed_gives_a_different_order():
    candidates = [[i, "C", "11"] for i in range(1, 41)]
    constraints = {"count": 10, "per_section": {}, "home_province": "11", "max_partner_share": 0}
    first = draws.select(candidates, constraints, draws.seed_for("a" * 64, "1"))
    second = draws.select(candidates, constraints, draws.seed_for("a" * 64, "2"))
    assert first != second


def test_a_changed_candidate_list_changes_the_hash():
    constraints = {"count": 2, "per_section": {"C": 1}}
    candidates = [[1, "C", "11"], [2, "F", "11"], [3, "C", "12"]]
    base = draws.candidates_hash(7, "material", constraints, candidates)
    assert draws.candidates_hash(7, "material", constraints, [list(c) for c in candidates]) == base
    assert draws.candidates_hash(7, "material", constraints, candidates[:-1]) != base
    assert draws.candidates_hash(7, "material", constraints, [[1, "C", "11"], [2, "CF", "11"], [3, "C", "12"]]) != base
    assert draws.candidates_hash(7, "material", {"count": 3, "per_section": {"C": 1}}, candidates) != base
    assert draws.candidates_hash(7, "site", constraints, candidates) != base


# --- In the database ------------------------------------------------------------------------


@pytest.fixture
def drawing(make_user):
    rnd, _apps = review_round(make_user, n_applications=4, sections="CF")
    pool = [make_expert(make_user, sections="C") for _ in range(6)] + [make_expert(make_user, sections="F")
                                                                       for _ in range(4)]
    pool += [make_expert(make_user, sections="C", region="120101", shared=True) for _ in range(4)]
    make_expert(make_user, sections="C", examined=False)  # never a candidate
    make_expert(make_user, sections="C", status="suspended")  # never a candidate
    make_expert(make_user, sections="C", region="310101", shared=True)  # no partner region
    return rnd, pool, make_user("office"), make_user("supervisor")


pytestmark = pytest.mark.django_db


def test_a_replay_gives_the_identical_result(drawing):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=6, per_section={"F": 2})
    assert {c[0] for c in draw.candidates} == {e.pk for e in pool}
    draw = draws.draw_run(draw_id=draw.pk, public_input="20260317", actor=supervisor)
    stored = ExpertDraw.objects.get(pk=draw.pk)

    replay = draws.draw_replay(stored)

    assert replay == {"hash_matches": True, "sha256": stored.candidates_sha256, "result": stored.result,
                      "result_matches": True, "algorithm_matches": True}
    assert stored.seed == draws.seed_for(stored.candidates_sha256, "20260317")
    assert list(stored.drawn.values_list("expert_id", flat=True)) == stored.result
    by_id = {c[0]: c for c in stored.candidates}
    assert sum("F" in by_id[e][1] for e in stored.result) >= 2, "per-section minimum"
    assert sum(by_id[e][2] != "11" for e in stored.result) <= math.floor(0.3 * 6), "partner share"


def test_a_tampered_candidate_list_is_refused(drawing):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=4)
    original = draw.candidates_sha256
    tampered = [c for c in draw.candidates if c[0] != pool[0].pk]
    ExpertDraw.objects.filter(pk=draw.pk).update(candidates=tampered)
    draw.refresh_from_db()

    assert draws.candidates_hash(rnd.pk, "material", draw.constraints, draw.candidates) != original
    assert draws.draw_replay(draw)["hash_matches"] is False
    with pytest.raises(draws.DrawError) as refused:
        draws.draw_run(draw_id=draw.pk, public_input="42", actor=supervisor)
    assert refused.value.code == "tampered"
    draw.refresh_from_db()
    assert draw.status == ExpertDraw.Status.FROZEN and draw.result == [] and not DrawnExpert.objects.exists()


def test_a_changed_result_no_longer_replays(drawing):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=4)
    draw = draws.draw_run(draw_id=draw.pk, public_input="42", actor=supervisor)
    forged = [c[0] for c in draw.candidates if c[0] not in draw.result][:1] + draw.result[1:]
    ExpertDraw.objects.filter(pk=draw.pk).update(result=forged)
    draw.refresh_from_db()
    replay = draws.draw_replay(draw)
    assert replay["hash_matches"] and not replay["result_matches"]


@pytest.mark.parametrize("role", ["office", "guidance", "expert", None])
def test_only_a_supervisor_runs_a_draw(drawing, make_user, role):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=4)
    actor = office if role == "office" else make_user(role)
    with pytest.raises(draws.DrawError) as refused:
        draws.draw_run(draw_id=draw.pk, public_input="42", actor=actor)
    assert refused.value.code == "role"
    assert ExpertDraw.objects.get(pk=draw.pk).status == ExpertDraw.Status.FROZEN


def test_the_number_is_checked_and_a_draw_is_made_once(drawing):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=4)
    for bad in ("", "abc", "-1", "1" * 19):
        with pytest.raises(draws.DrawError) as refused:
            draws.draw_run(draw_id=draw.pk, public_input=bad, actor=supervisor)
        assert refused.value.code == "input"
    draws.draw_run(draw_id=draw.pk, public_input="7", actor=supervisor)
    with pytest.raises(draws.DrawError) as refused:
        draws.draw_run(draw_id=draw.pk, public_input="8", actor=supervisor)
    assert refused.value.code == "state"


def test_replacements_exclude_every_expert_already_drawn(drawing):
    rnd, pool, office, supervisor = drawing
    draw = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=5, per_section={})
    draw = draws.draw_run(draw_id=draw.pk, public_input="1234", actor=supervisor)
    rows = list(draw.drawn.select_related("expert"))
    draws.drawn_respond(drawn_id=rows[0].pk, accept=False, actor=office, reason="出差")
    draws.drawn_respond(drawn_id=rows[1].pk, accept=True, actor=office)

    count, per_section = draws.replacement_constraints(draw)
    assert count == 1
    again = draws.draw_freeze(round_id=rnd.pk, stage="material", actor=office, count=count,
                              per_section=per_section, replaces_id=draw.pk)
    assert not {c[0] for c in again.candidates} & set(draw.result), "drawn experts are no candidates"
    again = draws.draw_run(draw_id=again.pk, public_input="99", actor=supervisor)
    assert len(again.result) == 1 and again.result[0] not in draw.result
    assert again.replaces_id == draw.pk and draws.draw_replay(again)["result_matches"]
    assert draws.declined_needing_replacement(draw) == []


def test_the_same_inputs_give_the_same_draw_in_two_rounds_of_the_database(drawing):
    """Two draws frozen over the same list with the same number: identical hash, seed and result
    (the list and the constraints, not the row's id or time, make the hash)."""
    rnd, pool, office, supervisor = drawing
    first = draws.draw_freeze(round_id=rnd.pk, stage="site", actor=office, count=4)
    second = draws.draw_freeze(round_id=rnd.pk, stage="site", actor=office, count=4)
    assert first.candidates_sha256 == second.candidates_sha256
    first = draws.draw_run(draw_id=first.pk, public_input="5", actor=supervisor)
    result = draws.select(second.candidates, second.constraints, draws.seed_for(second.candidates_sha256, "5"))
    assert result == first.result
