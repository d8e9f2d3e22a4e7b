"""Pair scores: one scalar version (for explanations and circles) and one
vectorised NumPy version (for candidate graphs). Both compute the same
floating-point operations in the same order, so they agree exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import I64
from .features import Features
from .timeweek import BIN_MINUTES
from .types import BothGain, Weights

U64 = npt.NDArray[np.uint64]

__all__ = [
    "HOURS_FULL_MINUTES",
    "PairScore",
    "feasible_pairs",
    "gain",
    "is_mutual",
    "mutual_pairs",
    "pair_score",
    "score_pairs",
    "scores_only",
]

#: Shared free minutes per week at which the hours component reaches 1.
HOURS_FULL_MINUTES = 120
#: Gain of learning k skills from the partner: 1 - 0.3 ** k (0, 0.7, 0.91, ...).
GAIN_BASE = 0.3
_GAIN = np.array([1.0 - GAIN_BASE**k for k in range(64)])


def gain(k: int) -> float:
    """Return the benefit of learning ``k`` of one's wanted skills from a partner."""
    return float(_GAIN[min(k, 63)])


@dataclass(frozen=True)
class PairScore:
    """Score of a pair and its parts (each in [0, 1])."""

    score: float
    skill_swap: float
    one_way_skill: float
    stage_closeness: float
    shared_goals: float
    shared_hours: float
    same_org_other_department: float
    a_teaches_b: frozenset[int]
    b_teaches_a: frozenset[int]
    shared_goal_ids: frozenset[int]
    shared_minutes: int
    can_meet: bool
    shared_language: bool


def _combine(
    w: Weights, swap: float, one: float, stage: float, goals: float, hours: float, org: float
) -> float:
    total = (
        w.skill_swap
        + w.one_way_skill
        + w.stage_closeness
        + w.shared_goals
        + w.shared_hours
        + w.same_org_other_department
    )
    value = (
        w.skill_swap * swap
        + w.one_way_skill * one
        + w.stage_closeness * stage
        + w.shared_goals * goals
        + w.shared_hours * hours
        + w.same_org_other_department * org
    )
    return value / total


def pair_score(f: Features, i: int, j: int, weights: Weights) -> PairScore:
    """Score members ``i`` and ``j`` of ``f`` (scalar version).

    Components: ``skill_swap`` = sqrt(g(a->b) * g(b->a)) where g(k) = 1 - 0.3**k
    counts what one offers that the other wants (zero unless *both* gain);
    ``one_way_skill`` = max of the two gains; ``stage_closeness`` =
    1 - |level difference| / 4 (0.5 when a stage is unknown);
    ``shared_goals`` = min(shared, 2) / 2; ``shared_hours`` = shared free
    minutes / 120, capped at 1; ``same_org_other_department`` = 1 when both
    name the same organisation and different departments. The score is the
    weighted mean. ``can_meet`` and ``shared_language`` are the hard
    requirements; the score does not include them.
    """
    ab = f.offers_sets[i] & f.wants_sets[j]
    ba = f.offers_sets[j] & f.wants_sets[i]
    g_ab, g_ba = gain(len(ab)), gain(len(ba))
    swap = math.sqrt(g_ab * g_ba)
    one = max(g_ab, g_ba)
    si, sj = int(f.stage[i]), int(f.stage[j])
    stage = 1.0 - abs(si - sj) / 4.0 if si and sj else 0.5
    shared_goals = f.goal_sets[i] & f.goal_sets[j]
    goals = min(len(shared_goals), 2) / 2.0
    minutes = (f.free_ints[i] & f.free_ints[j]).bit_count() * BIN_MINUTES
    hours = min(minutes / HOURS_FULL_MINUTES, 1.0)
    org = (
        1.0
        if f.org[i] >= 0
        and f.org[i] == f.org[j]
        and f.dept[i] >= 0
        and f.dept[j] >= 0
        and f.dept[i] != f.dept[j]
        else 0.0
    )
    return PairScore(
        score=_combine(weights, swap, one, stage, goals, hours, org),
        skill_swap=swap,
        one_way_skill=one,
        stage_closeness=stage,
        shared_goals=goals,
        shared_hours=hours,
        same_org_other_department=org,
        a_teaches_b=ab,
        b_teaches_a=ba,
        shared_goal_ids=shared_goals,
        shared_minutes=minutes,
        can_meet=(f.window_ints[i] & f.window_ints[j]) != 0,
        shared_language=not f.lang_sets[i].isdisjoint(f.lang_sets[j]),
    )


def _any_common(cols: U64, a: I64, b: I64, right: U64 | None = None) -> npt.NDArray[np.bool_]:
    """Whether row ``a[k]`` of a column-major bit set shares a bit with row ``b[k]``
    (of ``right``, when given: e.g. what one offers against what the other wants)."""
    other = cols if right is None else right
    acc = cols[0].take(a)
    acc &= other[0].take(b)
    for w in range(1, cols.shape[0]):
        word = cols[w].take(a)
        word &= other[w].take(b)
        acc |= word
    return acc != 0


def _common_count(left: U64, right: U64, a: I64, b: I64) -> I64:
    """Popcount of ``left[a[k]] & right[b[k]]`` (column-major bit sets)."""
    total = np.zeros(len(a), dtype=np.int64)
    for w in range(left.shape[0]):
        word = left[w].take(a)
        word &= right[w].take(b)
        total += np.bitwise_count(word)
    return total


def feasible_pairs(f: Features, i: I64, j: I64, chunk: int = 1 << 18) -> npt.NDArray[np.bool_]:
    """Return whether each pair shares a meeting window and a language (vectorised).

    A one-word summary of each window mask rules most pairs out first; the
    rest are checked on all W = 11 words. Time O(P + P' * W) for P pairs of
    which P' pass the summary, in chunks of ``chunk`` pairs; memory
    O(P + chunk).
    """
    ok = np.zeros(len(i), dtype=bool)
    for lo in range(0, len(i), chunk):
        a, b = i[lo : lo + chunk], j[lo : lo + chunk]
        maybe = f.window_summary.take(a)
        maybe &= f.window_summary.take(b)
        rows = np.flatnonzero(maybe)
        a, b = a[rows], b[rows]
        ok[lo + rows] = _any_common(f.langs_cols, a, b) & _any_common(f.window_cols, a, b)
    return ok


def score_pairs(
    f: Features,
    i: I64,
    j: I64,
    weights: Weights,
    chunk: int = 1 << 18,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Vectorised :func:`pair_score`: return (scores, feasible) for pairs (i[k], j[k]).

    ``feasible`` is can-meet and shared-language. The floating-point
    operations are those of :func:`pair_score`, in the same order, so the
    scores are identical. Time O(P * W) for P pairs and W 64-bit words per
    member; memory O(P + chunk).
    """
    scores = np.empty(len(i), dtype=np.float64)
    ok = np.empty(len(i), dtype=bool)
    for lo in range(0, len(i), chunk):
        a, b = i[lo : lo + chunk], j[lo : lo + chunk]
        ok[lo : lo + chunk] = _any_common(f.langs_cols, a, b) & _any_common(f.window_cols, a, b)
        scores[lo : lo + chunk] = _scores(f, a, b, weights)
    return scores, ok


def scores_only(
    f: Features, i: I64, j: I64, weights: Weights, chunk: int = 1 << 18
) -> npt.NDArray[np.float64]:
    """The scores of :func:`score_pairs` without the feasibility check."""
    scores = np.empty(len(i), dtype=np.float64)
    for lo in range(0, len(i), chunk):
        scores[lo : lo + chunk] = _scores(f, i[lo : lo + chunk], j[lo : lo + chunk], weights)
    return scores


def _scores(f: Features, a: I64, b: I64, weights: Weights) -> npt.NDArray[np.float64]:
    g_ab = _GAIN[np.minimum(_common_count(f.offers_cols, f.wants_cols, a, b), 63)]
    g_ba = _GAIN[np.minimum(_common_count(f.offers_cols, f.wants_cols, b, a), 63)]
    swap = np.sqrt(g_ab * g_ba)
    one = np.maximum(g_ab, g_ba)
    sa, sb = f.stage.take(a).astype(np.int64), f.stage.take(b).astype(np.int64)
    stage = np.where((sa > 0) & (sb > 0), 1.0 - np.abs(sa - sb) / 4.0, 0.5)
    goals = np.minimum(_common_count(f.goals_cols, f.goals_cols, a, b), 2) / 2.0
    minutes = _common_count(f.free_cols, f.free_cols, a, b) * BIN_MINUTES
    hours = np.minimum(minutes / HOURS_FULL_MINUTES, 1.0)
    oa, ob = f.org.take(a), f.org.take(b)
    da, db = f.dept.take(a), f.dept.take(b)
    org = ((oa >= 0) & (oa == ob) & (da >= 0) & (db >= 0) & (da != db)).astype(np.float64)
    return _combine(weights, swap, one, stage, goals, hours, org)  # type: ignore[arg-type,return-value]


def is_mutual(scored: PairScore, kind: BothGain) -> bool:
    """Return whether both partners of a scored pair gain (``"off"``: as in a skill swap).

    A skill swap: each offers a skill the other wants (``skill_swap > 0``);
    shared goals: at least one goal in common.
    """
    if kind == "shared_goals":
        return bool(scored.shared_goal_ids)
    return bool(scored.a_teaches_b and scored.b_teaches_a)


def mutual_pairs(
    f: Features, i: I64, j: I64, kind: BothGain, chunk: int = 1 << 18
) -> npt.NDArray[np.bool_]:
    """Vectorised :func:`is_mutual` for the pairs ``(i[k], j[k])``; time O(P * W)."""
    out = np.empty(len(i), dtype=bool)
    for lo in range(0, len(i), chunk):
        a, b = i[lo : lo + chunk], j[lo : lo + chunk]
        if kind == "shared_goals":
            out[lo : lo + chunk] = _any_common(f.goals_cols, a, b)
        else:
            teaches = _any_common(f.offers_cols, a, b, f.wants_cols)
            out[lo : lo + chunk] = teaches & _any_common(f.offers_cols, b, a, f.wants_cols)
    return out
