"""Reasons in words for pairs and groups."""

from __future__ import annotations

from collections.abc import Sequence

from .features import Features
from .scoring import PairScore, pair_score
from .timeweek import BIN_MINUTES, BINS, FULL, format_window, runs
from .types import Weights

__all__ = ["STAGE_PHRASES", "explain_group", "explain_pair", "explain_scored", "join_words"]

STAGE_NAMES = ("", "student", "early-career", "mid-career", "senior", "executive")
STAGE_PHRASES = (
    "",
    "both students",
    "both early-career",
    "both mid-career",
    "both senior",
    "both executives",
)
REASON_LOCKED = "locked by the coordinator"
REASON_NO_WINDOW = "no common free hour found"


def join_words(items: Sequence[str]) -> str:
    """Join ``["a", "b", "c"]`` as ``"a, b and c"``.

    >>> join_words(["Spanish", "skiing", "chess"])
    'Spanish, skiing and chess'
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _skills(f: Features, ids: frozenset[int]) -> str:
    return join_words(sorted((f.skill_names[i] for i in ids), key=str.casefold))


def _hours(minutes: int, who: str) -> str:
    hours = minutes / 60
    text = f"{hours:g}"
    return f"{text} hour{'' if hours == 1 else 's'} a week when {who} are free"


def _window_sentence(f: Features, members: Sequence[int], who: str) -> list[str]:
    common = -1
    free = -1
    for m in members:
        common &= f.window_ints[m]
        free &= f.free_ints[m]
    if not common:
        return [REASON_NO_WINDOW]
    # The longest stretch of common free time that contains a meeting window
    # (ties: the earliest in the week).
    best = max(
        (r for r in runs(free) if common & _run_mask(r)),
        key=lambda r: (r[1], -r[0]),
    )
    people = [(f.members[m].name, f.members[m].time_zone) for m in members]
    when = format_window(best[0], best[1], people, f.reference_date)
    total = free.bit_count() * BIN_MINUTES
    return [f"{who} free {when}", _hours(total, who)]


def _run_mask(run: tuple[int, int]) -> int:
    """Bit mask of the bins of a (possibly wrapping) run."""
    start, length = run
    bits = ((1 << length) - 1) << start
    return (bits | bits >> BINS) & FULL


def explain_pair(f: Features, a: int, b: int, weights: Weights) -> tuple[str, ...]:
    """Return the reasons for pairing members ``a`` and ``b``, in words.

    Examples
    --------
    See :func:`tandem.matching.engine.match_members`.
    """
    return explain_scored(f, a, b, pair_score(f, a, b, weights))


def explain_scored(f: Features, a: int, b: int, s: PairScore) -> tuple[str, ...]:
    """:func:`explain_pair` for a pair whose :class:`PairScore` is already known."""
    ma, mb = f.members[a], f.members[b]
    reasons: list[str] = []
    teach = []
    if s.a_teaches_b:
        teach.append(f"{ma.name} teaches {_skills(f, s.a_teaches_b)} to {mb.name}")
    if s.b_teaches_a:
        teach.append(f"{mb.name} teaches {_skills(f, s.b_teaches_a)} to {ma.name}")
    if teach:
        reasons.append("; ".join(teach))
    sa, sb = int(f.stage[a]), int(f.stage[b])
    if sa and sb:
        if sa == sb:
            reasons.append(STAGE_PHRASES[sa])
        elif abs(sa - sb) == 1:
            reasons.append(f"close career stages ({STAGE_NAMES[sa]} and {STAGE_NAMES[sb]})")
    if s.shared_goal_ids:
        names = sorted((f.goal_names[g] for g in s.shared_goal_ids), key=str.casefold)
        reasons.append("shared goals: " + ", ".join(names))
    reasons.extend(_window_sentence(f, (a, b), "both"))
    if s.same_org_other_department:
        reasons.append(
            f"same organisation ({ma.organisation}), different departments "
            f"({ma.department} and {mb.department})"
        )
    return tuple(reasons)


def explain_group(f: Features, members: Sequence[int], weights: Weights) -> tuple[str, ...]:
    """Reasons for a trio or circle: who teaches whom, shared goals, a common hour."""
    reasons: list[str] = []
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = members[x], members[y]
            s = pair_score(f, a, b, weights)
            ma, mb = f.members[a], f.members[b]
            if s.a_teaches_b:
                reasons.append(f"{ma.name} teaches {_skills(f, s.a_teaches_b)} to {mb.name}")
            if s.b_teaches_a:
                reasons.append(f"{mb.name} teaches {_skills(f, s.b_teaches_a)} to {ma.name}")
    stages = {int(f.stage[m]) for m in members}
    if len(stages) == 1 and 0 not in stages:
        reasons.append(STAGE_PHRASES[stages.pop()].replace("both", "all"))
    goal_count: dict[int, list[str]] = {}
    for m in members:
        for g in f.goal_sets[m]:
            goal_count.setdefault(g, []).append(f.members[m].name)
    shared = sorted(
        (g for g, who in goal_count.items() if len(who) >= 2),
        key=lambda g: f.goal_names[g].casefold(),
    )
    if shared:
        reasons.append(
            "shared goals: "
            + ", ".join(f"{f.goal_names[g]} ({join_words(goal_count[g])})" for g in shared)
        )
    reasons.extend(_window_sentence(f, members, "all"))
    return tuple(reasons)
