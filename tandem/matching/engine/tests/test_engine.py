"""Tests of the matching engine (no Django needed)."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tandem.matching.engine import (
    MatchConfig,
    Member,
    Rules,
    Slot,
    Weights,
    match_members,
)
from tandem.matching.engine import match as match_module
from tandem.matching.engine.candidates import candidate_graph
from tandem.matching.engine.features import encode
from tandem.matching.engine.scoring import feasible_pairs, is_mutual, pair_score, score_pairs
from tandem.matching.engine.solver import (
    bottleneck_matching,
    max_weight_matching,
    mutual_first_matching,
    solve_matching,
)

JAN = dt.date(2027, 1, 6)
WED_EVENING = (Slot(2, 18 * 60, 20 * 60),)


def member(mid: str, **kw: object) -> Member:
    base: dict[str, object] = {
        "id": mid,
        "name": mid.capitalize(),
        "time_zone": "Europe/London",
        "availability": WED_EVENING,
        "stage": "mid",
    }
    base.update(kw)
    return Member(**base)


def config(**kw: object) -> MatchConfig:
    return MatchConfig(reference_date=JAN, **kw)


def ids(result: object) -> list[tuple[str, ...]]:
    return sorted(g.members for g in result.groups)


def test_engine_never_imports_django() -> None:
    code = (
        "import sys, tandem.matching.engine, tandem.interchange.members_csv;"
        "print([m for m in sys.modules if m == 'django' or m.startswith('django.')])"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


# --- scoring ----------------------------------------------------------------


def test_true_swap_scores_far_above_one_way() -> None:
    ana = member("ana", offers=("Spanish",), wants=("skiing",))
    ben = member("ben", offers=("skiing",), wants=("Spanish",))
    cy = member("cy", offers=("chess",), wants=("Spanish",))
    f = encode([ana, ben, cy], JAN, 60)
    swap = pair_score(f, 0, 1, Weights()).score
    one_way = pair_score(f, 0, 2, Weights()).score
    assert swap - one_way > 0.25
    assert pair_score(f, 0, 2, Weights()).skill_swap == 0.0


def test_score_components_and_range() -> None:
    a = member("a", stage="student", goals=("x", "y"), organisation="Acme", department="Sales")
    b = member("b", stage="executive", goals=("Y",), organisation="acme", department="IT")
    s = pair_score(encode([a, b], JAN, 60), 0, 1, Weights())
    assert s.stage_closeness == 0.0
    assert s.shared_goals == 0.5
    assert s.same_org_other_department == 1.0
    assert s.shared_minutes == 120
    assert 0.0 <= s.score <= 1.0


def test_same_department_gets_no_org_bonus() -> None:
    a = member("a", organisation="Acme", department="Sales")
    b = member("b", organisation="Acme", department="sales")
    assert pair_score(encode([a, b], JAN, 60), 0, 1, Weights()).same_org_other_department == 0


# --- time zones -----------------------------------------------------------------


def _can_meet(a: Member, b: Member, day: dt.date) -> bool:
    return pair_score(encode([a, b], day, 60), 0, 1, Weights()).can_meet


def test_new_york_and_london_meet_only_while_their_offsets_differ_by_four_hours() -> None:
    # US clocks change 14 March 2027, UK clocks 28 March 2027.
    london = member("l", time_zone="Europe/London", availability=(Slot(2, 17 * 60, 18 * 60),))
    new_york = member("n", time_zone="America/New_York", availability=(Slot(2, 13 * 60, 14 * 60),))
    assert not _can_meet(london, new_york, dt.date(2027, 3, 10))
    assert _can_meet(london, new_york, dt.date(2027, 3, 17))
    assert _can_meet(london, new_york, dt.date(2027, 3, 24))
    assert not _can_meet(london, new_york, dt.date(2027, 3, 31))


def test_kolkata_half_hour_offset() -> None:
    kolkata = member(
        "k", time_zone="Asia/Kolkata", availability=(Slot(0, 18 * 60 + 30, 19 * 60 + 30),)
    )
    london = member("l", time_zone="Europe/London", availability=(Slot(0, 13 * 60, 14 * 60),))
    half = member(
        "h", time_zone="Europe/London", availability=(Slot(0, 13 * 60 + 30, 14 * 60 + 30),)
    )
    assert _can_meet(kolkata, london, JAN)
    assert not _can_meet(kolkata, half, JAN)


def test_slot_wrapping_over_the_utc_week_boundary() -> None:
    sydney = member("s", time_zone="Australia/Sydney", availability=(Slot(0, 8 * 60, 10 * 60),))
    london = member("l", time_zone="Europe/London", availability=(Slot(6, 21 * 60, 23 * 60),))
    assert _can_meet(sydney, london, JAN)


# --- reasons ----------------------------------------------------------------------


def test_reasons_show_each_local_time_when_zones_differ() -> None:
    ana = member(
        "ana",
        time_zone="Europe/Madrid",
        offers=("Spanish",),
        wants=("skiing",),
        goals=("public speaking", "leadership"),
    )
    ben = member(
        "ben",
        time_zone="America/New_York",
        availability=(Slot(2, 12 * 60, 14 * 60),),
        offers=("skiing",),
        wants=("Spanish",),
        goals=("Leadership", "Public speaking"),
    )
    result = match_members([ana, ben], config())
    assert result.groups[0].reasons == (
        "Ana teaches Spanish to Ben; Ben teaches skiing to Ana",
        "both mid-career",
        "shared goals: leadership, public speaking",
        "both free Wednesday 18:00-20:00 for Ana (Europe/Madrid), "
        "12:00-14:00 for Ben (America/New_York)",
        "2 hours a week when both are free",
    )


def test_reasons_same_local_time_in_different_zones() -> None:
    a = member("a", time_zone="Europe/Madrid", offers=("x",), wants=("y",))
    b = member("b", time_zone="Europe/Paris", offers=("y",), wants=("x",), stage="senior")
    reasons = match_members([a, b], config()).groups[0].reasons
    assert "close career stages (mid-career and senior)" in reasons
    assert "both free Wednesday 18:00-20:00, each in their own time zone" in reasons


# --- hard rules ---------------------------------------------------------------------


def _four() -> list[Member]:
    return [
        member(x, offers=("a",), wants=("b",)) if i % 2 else member(x, offers=("b",), wants=("a",))
        for i, x in enumerate(["p", "q", "r", "s"])
    ]


def test_exclusion_by_either_side_is_kept() -> None:
    ms = _four()
    ms[0] = member("p", offers=("b",), wants=("a",), exclude=frozenset({"q"}))
    ms[3] = member("s", offers=("a",), wants=("b",), exclude=frozenset({"p"}))
    result = match_members(ms, config(maximise_matched=True))
    assert ids(result) == [("p", "r"), ("q", "s")]


def test_no_shared_language_no_pair() -> None:
    a = member("a", languages=("French",))
    b = member("b", languages=("german",))
    result = match_members([a, b], config())
    assert result.groups == ()
    assert {u.reason for u in result.unmatched} == {match_module.REASON_NO_LANGUAGE}


def test_unmatched_reasons() -> None:
    a = member("a", availability=())
    b = member("b", availability=(Slot(0, 60, 120),))
    c = member("c", exclude=frozenset({"d"}))
    d = member("d")
    result = match_members([a, b, c, d], config())
    reasons = {u.member: u.reason for u in result.unmatched}
    assert reasons == {
        "a": match_module.REASON_NO_HOURS,
        "b": match_module.REASON_NO_SHARED_HOUR,
        "c": match_module.REASON_EXCLUDED,
        "d": match_module.REASON_EXCLUDED,
    }


def test_all_candidates_taken_reason() -> None:
    ms = [
        member("a", offers=("x",), wants=("y",)),
        member("b", offers=("y",), wants=("x",)),
        member("c"),
    ]
    result = match_members(ms, config())
    assert ids(result) == [("a", "b")]
    assert result.unmatched[0].reason == match_module.REASON_ALL_TAKEN


def test_locks_forbids_and_history() -> None:
    ms = _four()
    rules = Rules(locks=(("p", "s"),), forbids=(("q", "r"),))
    result = match_members(ms, config(), rules)
    assert ("p", "s") in ids(result)
    assert [g.locked for g in result.groups if g.members == ("p", "s")] == [True]
    assert ("q", "r") not in ids(result)
    history = Rules(history=(("p", "q"), ("r", "s")))
    assert not {("p", "q"), ("r", "s")} & set(ids(match_members(ms, config(), history)))
    repeat = match_members(ms, config(allow_repeats=True), history)
    assert len(repeat.groups) == 2


def test_conflicting_lock_is_an_error() -> None:
    with pytest.raises(ValueError, match="locked together"):
        match_members(_four(), config(), Rules(locks=(("p", "q"),), forbids=(("q", "p"),)))
    with pytest.raises(ValueError, match="more than one partner"):
        match_members(_four(), config(), Rules(locks=(("p", "q"), ("q", "r"))))
    with pytest.raises(ValueError, match="not among the members"):
        match_members(_four(), config(), Rules(forbids=(("p", "zz"),)))


# --- trios, options -------------------------------------------------------------------


def test_odd_one_out_joins_the_best_pair_as_a_trio() -> None:
    ms = [
        member("a", offers=("x",), wants=("y",)),
        member("b", offers=("y",), wants=("x",)),
        member("c", offers=("p",), wants=("q",)),
        member("d", offers=("q",), wants=("p",)),
        member("e", offers=("q", "p"), wants=("p",)),
    ]
    assert len(match_members(ms, config()).unmatched) == 1
    result = match_members(ms, config(allow_trios=True))
    assert result.unmatched == ()
    assert ("a", "b") in ids(result)
    assert next(g for g in ids(result) if len(g) == 3) == ("c", "d", "e")


def test_maximise_matched_prefers_more_pairs() -> None:
    # Path a-b-c-d: the heavy middle edge alone vs the two light outer edges.
    n, i, j = 4, np.array([0, 1, 2]), np.array([1, 2, 3])
    w = np.array([0.2, 0.9, 0.2])
    assert max_weight_matching(n, i, j, w) == [(1, 2)]
    assert max_weight_matching(n, i, j, w, maximise_matched=True) == [(0, 1), (2, 3)]


def test_fairness_raises_the_weakest_pair() -> None:
    # Square a-b-c-d: {ab, cd} total 1.2 (weakest 0.1), {bc, da} total 1.0 (weakest 0.5).
    i, j = np.array([0, 2, 1, 0]), np.array([1, 3, 2, 3])
    w = np.array([0.1, 1.0, 0.5, 0.5])
    assert max_weight_matching(4, i, j, w) == [(0, 1), (2, 3)]
    threshold, pairs = bottleneck_matching(4, i, j, w, target=2)
    assert threshold == 0.5
    assert pairs == [(0, 3), (1, 2)]


@given(st.integers(4, 14), st.integers(0, 10_000), st.booleans())
@settings(max_examples=40, deadline=None)
def test_solver_equals_networkx_optimum(n: int, seed: int, cardinality: bool) -> None:
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < 0.4]
    if not pairs:
        return
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    w = np.round(rng.random(len(pairs)), 3) + 0.001
    got = max_weight_matching(n, i, j, w, maximise_matched=cardinality)
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(i.tolist(), j.tolist(), w.tolist(), strict=True))
    best = nx.max_weight_matching(graph, maxcardinality=cardinality)
    weight = dict(zip(pairs, w.tolist(), strict=True))
    total = sum(weight[(min(a, b), max(a, b))] for a, b in got)
    expected = sum(weight[(min(a, b), max(a, b))] for a, b in best)
    if cardinality:
        assert len(got) == len(best)
    assert total == pytest.approx(expected, abs=1e-4)


def _random_graph(n: int, seed: int, density: float = 0.4) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < density]
    i = np.array([p[0] for p in pairs], dtype=np.int64)
    j = np.array([p[1] for p in pairs], dtype=np.int64)
    return i, j, np.round(rng.random(len(pairs)), 3) + 0.001


@given(st.integers(3, 16), st.integers(0, 10_000))
@settings(max_examples=60, deadline=None)
def test_relaxation_is_a_matching_within_its_proven_bound(n: int, seed: int) -> None:
    i, j, w = _random_graph(n, seed)
    if len(i) == 0:
        return
    relaxed = solve_matching(n, i, j, w, exact_limit=0)
    exact = solve_matching(n, i, j, w)
    seen = [x for pair in relaxed.pairs for x in pair]
    assert len(seen) == len(set(seen))  # nobody twice
    weight = dict(zip(zip(i.tolist(), j.tolist(), strict=True), w.tolist(), strict=True))
    assert all(pair in weight for pair in relaxed.pairs)  # only real edges
    assert relaxed.weight == pytest.approx(sum(weight[p] for p in relaxed.pairs))
    assert exact.exact and not relaxed.exact
    # The bound is a proof: no matching (the exact optimum included) weighs more.
    assert relaxed.weight <= exact.weight + 1e-9
    assert exact.weight <= relaxed.bound + 1e-9
    assert relaxed.gap == pytest.approx(1 - relaxed.weight / relaxed.bound)


@given(st.integers(2, 9), st.integers(2, 9), st.integers(0, 10_000))
# A light matching, where the bound's allowance for the integer scaling is a visible share.
@example(left=2, right=3, seed=495)
@settings(max_examples=40, deadline=None)
def test_relaxation_is_exact_on_two_sided_graphs(left: int, right: int, seed: int) -> None:
    # No odd cycles, so the assignment relaxation has an integral optimum.
    rng = np.random.default_rng(seed)
    pairs = [(a, left + b) for a in range(left) for b in range(right) if rng.random() < 0.5]
    if not pairs:
        return
    i, j = np.array(pairs).T
    w = np.round(rng.random(len(pairs)), 3) + 0.001
    relaxed = solve_matching(left + right, i, j, w, exact_limit=0)
    exact = solve_matching(left + right, i, j, w)
    assert relaxed.weight == pytest.approx(exact.weight, abs=1e-6)
    # The bound is the optimum plus the allowance for rounding the weights to integers and back
    # (solver.relaxed_matching): millionths of a point, which as a share of a light matching can
    # exceed 1e-6 (the example above) but as an amount stays far below any pair's weight.
    assert 0 <= relaxed.bound - relaxed.weight < 1e-5


def test_large_runs_record_how_close_they_are_to_the_best() -> None:
    ms = _random_members(400, 5)
    exact = match_members(ms, config())
    relaxed = match_members(ms, config(exact_limit=100))
    assert exact.stats.exact and exact.stats.certified_gap == 0.0
    assert not relaxed.stats.exact
    assert 0.0 <= relaxed.stats.certified_gap < 0.01
    # The proof holds: the exact run's total is within the certified gap of the relaxed one.
    assert relaxed.stats.total_score >= (1 - relaxed.stats.certified_gap) * exact.stats.total_score
    assert relaxed.stats.total_score <= exact.stats.total_score + 1e-9
    again = match_members(ms, config(exact_limit=100))
    assert again == relaxed  # deterministic


# --- circles ---------------------------------------------------------------------------


def test_circles_group_compatible_people() -> None:
    ms = [member(f"m{k}", offers=(f"s{k % 3}",), wants=(f"s{(k + 1) % 3}",)) for k in range(10)]
    ms.append(member("late", availability=(Slot(5, 60, 180),)))
    result = match_members(ms, config(format="circles", circle_size=4, seed=3))
    sizes = sorted(len(g.members) for g in result.groups)
    assert all(3 <= s <= 5 for s in sizes)
    assert sum(sizes) == 10
    assert [u.member for u in result.unmatched] == ["late"]
    assert any("all free Wednesday 18:00-20:00" in r for r in result.groups[0].reasons)


def test_circles_keep_rules_and_locks() -> None:
    ms = [member(f"m{k}", offers=("x",), wants=("x",)) for k in range(9)]
    rules = Rules(locks=(("m0", "m8"),), forbids=(("m1", "m2"), ("m1", "m3")))
    result = match_members(ms, config(format="circles", circle_size=3), rules)
    groups = [set(g.members) for g in result.groups]
    assert any({"m0", "m8"} <= g for g in groups)
    assert not any({"m1", "m2"} <= g or {"m1", "m3"} <= g for g in groups)


# --- properties ------------------------------------------------------------------------

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Member], Rules]:
    n = draw(st.integers(2, 16))
    ms = []
    for k in range(n):
        slots = draw(
            st.lists(
                st.tuples(st.integers(0, 6), st.integers(0, 20), st.integers(1, 4)),
                max_size=3,
            )
        )
        ms.append(
            Member(
                id=f"m{k}",
                name=f"M{k}",
                time_zone=draw(st.sampled_from(ZONES)),
                availability=tuple(
                    sorted(
                        {Slot(d, h * 60, min(1440, (h + length) * 60)) for d, h, length in slots}
                    )
                ),
                offers=tuple(draw(st.lists(st.sampled_from("abcde"), max_size=2))),
                wants=tuple(draw(st.lists(st.sampled_from("abcde"), max_size=2))),
                goals=tuple(draw(st.lists(st.sampled_from("xyz"), max_size=2))),
                stage=draw(st.sampled_from(["", "student", "mid", "executive"])),
                languages=tuple(
                    draw(st.lists(st.sampled_from(["English", "Hindi"]), min_size=1, max_size=2))
                ),
                exclude=frozenset(
                    draw(st.lists(st.sampled_from([f"m{x}" for x in range(n)]), max_size=2))
                )
                - {f"m{k}"},
            )
        )
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    forbids = tuple((f"m{a}", f"m{b}") for a, b in draw(st.lists(pair, max_size=3)))
    history = tuple((f"m{a}", f"m{b}") for a, b in draw(st.lists(pair, max_size=3)))
    return ms, Rules(forbids=forbids, history=history)


def _check_rules(ms: list[Member], rules: Rules, result: object, whole_group_window: bool) -> None:
    by_id = {m.id: i for i, m in enumerate(ms)}
    f = encode(ms, JAN, 60)
    seen: list[str] = []
    blocked = {frozenset(p) for p in rules.forbids + rules.history}
    for g in result.groups:
        seen.extend(g.members)
        idx = [by_id[x] for x in g.members]
        window = -1
        for x in idx:
            window &= f.window_ints[x]
        assert window != 0, "a group without a shared free hour"
        for a, b in itertools.combinations(g.members, 2):
            ma, mb = ms[by_id[a]], ms[by_id[b]]
            assert b not in ma.exclude and a not in mb.exclude
            assert frozenset((a, b)) not in blocked
            assert set(ma.languages) & set(mb.languages)
    assert len(seen) == len(set(seen)), "someone matched twice"
    assert not set(seen) & {u.member for u in result.unmatched}
    assert len(seen) + len(result.unmatched) == len(ms)


@given(
    populations(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 3),
    st.sampled_from([None, 0]),
)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pairs_keep_every_rule(
    data: tuple[list[Member], Rules],
    trios: bool,
    maximise: bool,
    fair: bool,
    seed: int,
    exact_limit: int | None,
) -> None:
    ms, rules = data
    cfg = config(
        allow_trios=trios,
        maximise_matched=maximise,
        fairness=fair,
        seed=seed,
        exact_limit=exact_limit,  # 0: the relaxation, whatever the size
    )
    result = match_members(ms, cfg, rules)
    _check_rules(ms, rules, result, False)
    assert all(len(g.members) in ((2, 3) if trios else (2,)) for g in result.groups)
    assert match_members(ms, cfg, rules) == result


@given(populations(), st.integers(3, 5), st.integers(0, 3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_circles_keep_every_rule(data: tuple[list[Member], Rules], size: int, seed: int) -> None:
    ms, rules = data
    cfg = config(format="circles", circle_size=size, seed=seed)
    result = match_members(ms, cfg, rules)
    _check_rules(ms, rules, result, True)
    assert all(3 <= len(g.members) <= 5 for g in result.groups)
    assert match_members(ms, cfg, rules) == result


@given(populations())
@settings(max_examples=30, deadline=None)
def test_vectorised_score_equals_scalar(data: tuple[list[Member], Rules]) -> None:
    ms, _ = data
    f = encode(ms, JAN, 60)
    i, j = np.triu_indices(len(ms), 1)
    scores, ok = score_pairs(f, i.astype(np.int64), j.astype(np.int64), Weights())
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        s = pair_score(f, a, b, Weights())
        assert scores[k] == s.score
        assert ok[k] == (s.can_meet and s.shared_language)


def test_index_mode_matches_like_dense_mode_on_small_input() -> None:
    ms = [
        member(f"m{k}", offers=(f"s{k % 5}",), wants=(f"s{(k + 2) % 5}",), goals=(f"g{k % 3}",))
        for k in range(40)
    ]
    dense = match_members(ms, config())
    index = match_members(ms, config(dense_limit=10))
    assert dense.stats.matched == index.stats.matched == 40
    assert index.stats.total_score >= 0.99 * dense.stats.total_score


# --- candidate search ------------------------------------------------------------------


def _random_members(n: int, seed: int) -> list[Member]:
    """Members with few tags so that index keys collide often; some fields left blank."""
    rng = np.random.default_rng(seed)
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata"]
    stages = ["", "student", "early", "mid", "senior", "executive"]
    out = []
    for k in range(n):
        slots = {
            Slot(int(rng.integers(0, 3)), int(h) * 60, int(h) * 60 + int(rng.integers(1, 4)) * 60)
            for h in rng.choice([8, 12, 18, 19], size=int(rng.integers(0, 4)))
        }
        out.append(
            Member(
                id=f"m{k}",
                name=f"M{k}",
                time_zone=zones[int(rng.integers(0, 3))],
                availability=tuple(sorted(slots)),
                offers=tuple(f"s{x}" for x in rng.choice(8, size=int(rng.integers(0, 3)))),
                wants=tuple(f"s{x}" for x in rng.choice(8, size=int(rng.integers(0, 3)))),
                goals=tuple(f"g{x}" for x in rng.choice(5, size=int(rng.integers(0, 4)))),
                stage=stages[int(rng.integers(0, 6))],
                organisation=["", "Acme", "Beta"][int(rng.integers(0, 3))],
                department=["", "Sales", "IT"][int(rng.integers(0, 3))],
                languages=("English",) if rng.random() < 0.9 else ("Hindi",),
            )
        )
    return out


@pytest.mark.parametrize(
    ("n", "k", "seed", "weights"),
    [
        (300, 20, 0, Weights()),
        (300, 5, 1, Weights()),
        (250, 8, 2, Weights(stage_closeness=0.5, same_org_other_department=0.0)),
        (250, 3, 3, Weights(skill_swap=0.0, shared_goals=1.0, shared_hours=0.0)),
    ],
)
def test_index_search_gives_the_dense_graph(n: int, k: int, seed: int, weights: Weights) -> None:
    ms = _random_members(n, seed)
    f = encode(ms, JAN, 60)
    active = [x for x in range(n) if x % 7 != 3]
    rng = np.random.default_rng(seed)
    blocked = np.unique(
        [a * n + b for a, b in (sorted(rng.choice(n, 2, replace=False)) for _ in range(200))]
    ).astype(np.int64)
    dense = candidate_graph(f, active, weights, blocked, k, dense_limit=n, seed=0)
    index = candidate_graph(f, active, weights, blocked, k, dense_limit=0, seed=0)
    for got, expected in zip(index, dense, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert len(dense[0]) > n  # the graph is not trivial


@given(populations(), st.integers(1, 4))
@settings(max_examples=40, deadline=None)
def test_index_search_equals_dense_on_small_populations(
    data: tuple[list[Member], Rules], k: int
) -> None:
    ms, _ = data
    f = encode(ms, JAN, 60)
    active = list(range(len(ms)))
    none = np.zeros(0, dtype=np.int64)
    dense = candidate_graph(f, active, Weights(), none, k, dense_limit=len(ms), seed=0)
    index = candidate_graph(f, active, Weights(), none, k, dense_limit=0, seed=0)
    for got, expected in zip(index, dense, strict=True):
        np.testing.assert_array_equal(got, expected)


@given(populations())
@settings(max_examples=30, deadline=None)
def test_feasibility_filter_equals_scalar(data: tuple[list[Member], Rules]) -> None:
    ms, _ = data
    f = encode(ms, JAN, 60)
    i, j = np.triu_indices(len(ms), 1)
    ok = feasible_pairs(f, i.astype(np.int64), j.astype(np.int64))
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        s = pair_score(f, a, b, Weights())
        assert ok[k] == (s.can_meet and s.shared_language)


# -- both gain first (mutual pairs) --------------------------------------------------


def _brute_lexicographic(
    n: int, edges: list[tuple[int, int, float, bool]], cardinality: bool
) -> tuple[int, int, float]:
    """Best (pairs, mutual pairs, total) over every matching, by exhaustive enumeration."""
    best = (0, 0, 0.0)

    def walk(k: int, used: int, pairs: int, mutual: int, total: float) -> None:
        nonlocal best
        if k == len(edges):
            key = (pairs if cardinality else 0, mutual, total)
            if key[:2] > best[:2] or (key[:2] == best[:2] and total > best[2]):
                best = key
            return
        walk(k + 1, used, pairs, mutual, total)
        a, b, w, m = edges[k]
        if not used & (1 << a | 1 << b):
            walk(k + 1, used | 1 << a | 1 << b, pairs + 1, mutual + m, total + w)

    walk(0, 0, 0, 0, 0.0)
    return best


@given(st.integers(2, 10), st.integers(0, 10_000), st.booleans(), st.sampled_from([0.3, 0.6]))
@settings(max_examples=120, deadline=None)
def test_mutual_first_reaches_the_lexicographic_optimum(
    n: int, seed: int, cardinality: bool, density: float
) -> None:
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < density]
    if not pairs:
        return
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    # Few distinct weights, so ties and trade-offs between the tiers are common.
    w = rng.choice([0.05, 0.2, 0.5, 0.9, 1.0], size=len(pairs))
    mutual = rng.random(len(pairs)) < 0.4
    sol = mutual_first_matching(n, i, j, w, mutual, maximise_matched=cardinality)
    edges = list(zip(i.tolist(), j.tolist(), w.tolist(), mutual.tolist(), strict=True))
    want_pairs, want_mutual, want_total = _brute_lexicographic(n, edges, cardinality)
    index = {(a, b): k for k, (a, b) in enumerate(pairs)}
    chosen = [index[p] for p in sol.pairs]
    assert len({x for p in sol.pairs for x in p}) == 2 * len(sol.pairs)
    if cardinality:
        assert len(sol.pairs) == want_pairs
    assert int(mutual[chosen].sum()) == want_mutual
    assert float(w[chosen].sum()) == pytest.approx(want_total, abs=1e-6)
    assert sol.exact
    assert max_weight_matching(n, i, j, w, mutual=mutual, maximise_matched=cardinality) == (
        sol.pairs
    )


def test_mutual_first_proves_the_tiers_without_the_usual_bonuses() -> None:
    # No bonus given: the last, proof-sized one still reaches the best counts.
    i, j = np.array([0, 1, 2]), np.array([1, 2, 3])
    w, mutual = np.array([0.2, 0.9, 0.2]), np.array([False, True, False])
    sol = mutual_first_matching(4, i, j, w, mutual, maximise_matched=True, bonuses=())
    assert (sol.pairs, sol.exact) == ([(0, 1), (2, 3)], True)
    sol = mutual_first_matching(4, i, j, w, mutual, maximise_matched=False, bonuses=())
    assert sol.pairs == [(1, 2)]


def _skills_population(rng: np.random.Generator, n: int) -> list[Member]:
    skills, goals = ["a", "b", "c", "d"], ["g1", "g2", "g3"]
    stages = ["student", "early", "mid", "senior", "executive"]
    out = []
    for k in range(n):
        out.append(
            member(
                f"m{k}",
                offers=tuple(rng.choice(skills, size=int(rng.integers(0, 3)), replace=False)),
                wants=tuple(rng.choice(skills, size=int(rng.integers(0, 3)), replace=False)),
                goals=tuple(rng.choice(goals, size=int(rng.integers(0, 2)), replace=False)),
                stage=str(rng.choice(stages)),
                availability=WED_EVENING if rng.random() < 0.9 else (Slot(0, 600, 700),),
            )
        )
    return out


@given(
    st.integers(2, 10),
    st.integers(0, 10_000),
    st.sampled_from(["skill_swap", "shared_goals"]),
    st.booleans(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_both_gain_first_matches_brute_force_on_members(
    n: int, seed: int, kind: str, maximise: bool
) -> None:
    ms = _skills_population(np.random.default_rng(seed), n)
    cfg = config(both_gain=kind, maximise_matched=maximise)
    result = match_members(ms, cfg)
    f = encode(ms, JAN, cfg.min_meeting_minutes)
    edges = []
    for a, b in itertools.combinations(range(n), 2):
        scored = pair_score(f, a, b, cfg.weights)
        if scored.can_meet and scored.shared_language and scored.score > 0:
            edges.append((a, b, scored.score, is_mutual(scored, kind)))
    want_pairs, want_mutual, want_total = _brute_lexicographic(n, edges, maximise)
    assert result.stats.mutual_pairs == want_mutual
    assert result.stats.total_score == pytest.approx(want_total, abs=1e-6)
    if maximise:
        assert result.stats.pairs == want_pairs
    assert result.stats.exact


def test_both_gain_prefers_a_skill_swap_to_a_higher_score() -> None:
    # a-b share two goals and an organisation but only b teaches a; c-d and a-c, b-d swap.
    ms = [
        member("a", offers=("x",), wants=("y",), goals=("g", "h")),
        member("b", offers=("y",), wants=("z",), goals=("g", "h")),
        member("c", offers=("y",), wants=("x",)),
        member("d", offers=("z",), wants=("y",)),
    ]
    off = match_members(ms, config(maximise_matched=True))
    on = match_members(ms, config(maximise_matched=True, both_gain="skill_swap"))
    assert on.stats.mutual_pairs == 2
    assert ids(on) == [("a", "c"), ("b", "d")]
    assert on.stats.mutual_pairs >= off.stats.mutual_pairs
    assert on.stats.pairs == off.stats.pairs == 2


def test_unknown_both_gain_is_refused() -> None:
    with pytest.raises(ValueError, match="both gain"):
        config(both_gain="kindness")
