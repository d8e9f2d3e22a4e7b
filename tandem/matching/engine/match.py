"""The entry point: :func:`match_members`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .arrays import I64
from .candidates import candidate_graph
from .circles import form_circles
from .explain import REASON_LOCKED, explain_group, explain_pair, explain_scored
from .features import Features, encode
from .scoring import is_mutual, mutual_pairs, pair_score
from .solver import Solution, bottleneck_matching, solve_matching
from .types import Group, MatchConfig, MatchResult, MatchStats, Member, Rules, Unmatched

__all__ = [
    "MSG_DUPLICATE_ID",
    "MSG_LOCK_BLOCKED",
    "MSG_LOCK_TWICE",
    "MSG_UNKNOWN_ID",
    "REASON_ALL_TAKEN",
    "REASON_EXCLUDED",
    "REASON_NO_HOURS",
    "REASON_NO_LANGUAGE",
    "REASON_NO_SHARED_HOUR",
    "REASON_NO_SKILL_OR_GOAL",
    "REASON_TOO_FEW",
    "match_members",
]

MSG_DUPLICATE_ID = "Member id {id!r} appears more than once; every member needs a unique id."
MSG_UNKNOWN_ID = "The rules name {id!r}, who is not among the members of this run."
MSG_LOCK_TWICE = "{id!r} is locked to more than one partner; in pairs, a person has one partner."
MSG_LOCK_BLOCKED = (
    "{a!r} and {b!r} are locked together but a rule keeps them apart "
    "(an exclusion, a forbid or an earlier partnership); remove one of the two."
)
MSG_LOCK_TOO_BIG = "Locks join {count} people into one circle; a circle has at most 5."

REASON_NO_HOURS = "gave no free hours"
REASON_NO_SHARED_HOUR = "no one shares a free hour"
REASON_NO_LANGUAGE = "no shared language with anyone who shares a free hour"
REASON_EXCLUDED = "every candidate is excluded"
REASON_NO_SKILL_OR_GOAL = "no one free at the same time shares a skill or a goal"
REASON_ALL_TAKEN = "all candidates were matched with a better fit"
REASON_TOO_FEW = "too few compatible people left to form a circle"


class _Rules:
    """Rules as member indices."""

    def __init__(self, members: Sequence[Member], rules: Rules, config: MatchConfig) -> None:
        index: dict[str, int] = {}
        for i, m in enumerate(members):
            if m.id in index:
                raise ValueError(MSG_DUPLICATE_ID.format(id=m.id))
            index[m.id] = i
        self.index = index
        n = len(members)
        self.n = n
        blocked: set[tuple[int, int]] = set()

        def ids(pairs: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
            out = []
            for a, b in pairs:
                for x in (a, b):
                    if x not in index:
                        raise ValueError(MSG_UNKNOWN_ID.format(id=x))
                i, j = index[a], index[b]
                if i != j:
                    out.append((min(i, j), max(i, j)))
            return out

        for i, m in enumerate(members):
            for other in m.exclude:
                j = index.get(other)
                if j is not None and j != i:
                    blocked.add((min(i, j), max(i, j)))
        blocked.update(ids(rules.forbids))
        if not config.allow_repeats:
            blocked.update(ids(rules.history))
        self.blocked = blocked
        self.blocked_keys: I64 = np.array(sorted(i * n + j for i, j in blocked), dtype=np.int64)
        self.locks = sorted(set(ids(rules.locks)))
        for a, b in self.locks:
            if (a, b) in blocked:
                raise ValueError(MSG_LOCK_BLOCKED.format(a=members[a].id, b=members[b].id))

    def allowed(self, a: int, b: int) -> bool:
        return a != b and (min(a, b), max(a, b)) not in self.blocked


def match_members(
    members: Sequence[Member], config: MatchConfig, rules: Rules | None = None
) -> MatchResult:
    """Match members into pairs (optionally trios) or circles.

    Parameters
    ----------
    members : sequence of Member
        The people to match; ids must be unique. Their order breaks ties.
    config : MatchConfig
        Weights, format and options (see :class:`MatchConfig`).
    rules : Rules, optional
        Locks, forbids and earlier partners, as pairs of member ids.

    Returns
    -------
    MatchResult
        ``groups`` best score first (ties: the group whose first member comes
        first in the input), each with member ids in input order (pairs and
        trios) and reasons in words; ``unmatched`` in input order, each with
        a reason; and ``stats``.

    Raises
    ------
    ValueError
        Duplicate member ids, rules naming unknown ids, a member locked to two
        partners (pairs) or into a group of more than 5 (circles), or a lock
        that another rule forbids.

    Notes
    -----
    Pairs: a sparse candidate graph (each member's ``candidates_per_member``
    best feasible partners: every pair scored up to ``config.dense_limit``
    members, a certified index search over skills, goals and organisations
    giving the same graph above, see
    :func:`~tandem.matching.engine.candidates.candidate_graph`), solved by
    maximum-weight matching: exactly (PyMatching's sparse blossom, see
    :func:`~tandem.matching.engine.solver.max_weight_matching`) up to
    ``config.exact_limit`` matchable members, above by an assignment
    relaxation with exact repair and a proven bound (see
    :func:`~tandem.matching.engine.solver.relaxed_matching`); then reasons
    for the chosen groups only. Time about O(N * c) for candidates (c =
    partners per member sharing the needed index keys) plus the solve on
    O(N * k) edges (the exact blossom grows faster than linearly when almost
    everyone can be matched, which is why large runs use the relaxation, see
    ``docs/benchmarks.md``); memory O(N * k) plus chunks.
    A pair is feasible when the two share a free window of
    ``min_meeting_minutes`` in the reference week, a language, and no rule
    blocks them. Locked pairs are taken out before solving and added back.

    Determinism: the same input, configuration and seed give the same result.
    Ties between equal-score candidates go to the edge listed first, i.e. the
    member earlier in the input; the solver is deterministic for a given graph.

    References
    ----------
    J. Edmonds, "Paths, trees, and flowers", Canad. J. Math. 17 (1965).

    Examples
    --------
    >>> import datetime as dt
    >>> from tandem.matching.engine import Member, MatchConfig, Slot
    >>> wed = (Slot(2, 18 * 60, 20 * 60),)
    >>> ana = Member("a", "Ana", "Europe/Madrid", wed, offers=("Spanish",),
    ...              wants=("skiing",), goals=("leadership",), stage="mid")
    >>> ben = Member("b", "Ben", "Europe/Madrid", wed, offers=("skiing",),
    ...              wants=("Spanish",), goals=("leadership",), stage="mid")
    >>> result = match_members([ana, ben], MatchConfig(reference_date=dt.date(2027, 1, 6)))
    >>> result.groups[0].members
    ('a', 'b')
    >>> result.groups[0].reasons[:3]
    ('Ana teaches Spanish to Ben; Ben teaches skiing to Ana', 'both mid-career', 'shared goals: leadership')
    """
    rules = rules or Rules()
    r = _Rules(members, rules, config)
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    if config.format == "circles":
        return _circles(f, r, config)
    return _pairs(f, r, config)


def score_group(members: Sequence[Member], config: MatchConfig) -> Group:
    """Score and explain a given pair or group, as a match run would.

    Used when a coordinator edits a proposal (a swap) and the changed groups
    need their score and reasons again, without running the matching.

    Parameters
    ----------
    members : sequence of Member
        Two to five people, in the order their names should appear.
    config : MatchConfig
        The run's configuration (weights, reference week, meeting length).

    Returns
    -------
    Group
        Member ids in input order, the mean of the pair scores, and the
        reasons in words. ``locked`` is False.

    Raises
    ------
    ValueError
        Fewer than two or more than five members.

    Notes
    -----
    Time O(g^2) pair scores for a group of g; hard rules are not checked
    (the caller decides whether the group is allowed).

    Examples
    --------
    >>> import datetime as dt
    >>> from tandem.matching.engine import Member, MatchConfig, Slot
    >>> wed = (Slot(2, 18 * 60, 20 * 60),)
    >>> ana = Member("a", "Ana", "Europe/Madrid", wed, offers=("Spanish",), wants=("skiing",))
    >>> ben = Member("b", "Ben", "Europe/Madrid", wed, offers=("skiing",), wants=("Spanish",))
    >>> group = score_group([ana, ben], MatchConfig(reference_date=dt.date(2027, 1, 6)))
    >>> group.members, group.reasons[0]
    (('a', 'b'), 'Ana teaches Spanish to Ben; Ben teaches skiing to Ana')
    """
    if not 2 <= len(members) <= 5:
        raise ValueError("A group has two to five members.")
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    idx = list(range(len(members)))
    if len(idx) == 2:
        reasons = explain_pair(f, 0, 1, config.weights)
    else:
        reasons = explain_group(f, idx, config.weights)
    return Group(tuple(m.id for m in members), _group_score(f, idx, config), reasons)


def _pairs(f: Features, r: _Rules, config: MatchConfig) -> MatchResult:
    w = config.weights
    locked: dict[int, int] = {}
    for a, b in r.locks:
        for x in (a, b):
            if x in locked:
                raise ValueError(MSG_LOCK_TWICE.format(id=f.members[x].id))
        locked[a], locked[b] = b, a
    active = [i for i in range(f.n) if i not in locked]
    gi, gj, gw = candidate_graph(
        f,
        active,
        w,
        r.blocked_keys,
        config.candidates_per_member,
        config.dense_limit,
        config.seed,
    )
    mutual = None if config.both_gain == "off" else mutual_pairs(f, gi, gj, config.both_gain)
    solved = solve_matching(
        f.n,
        gi,
        gj,
        gw,
        maximise_matched=config.maximise_matched,
        exact_limit=config.exact_limit,
        mutual=mutual,
    )
    pairs = solved.pairs
    if config.fairness:
        _, pairs = bottleneck_matching(f.n, gi, gj, gw, target=len(pairs), mutual=mutual)
    groups: list[list[int]] = [list(p) for p in pairs]
    matched = {x for p in pairs for x in p}
    unmatched = [i for i in active if i not in matched]
    if config.allow_trios and unmatched and groups:
        unmatched = _add_trios(f, r, config, groups, unmatched)
    out: list[Group] = []
    both = 0
    for a, b in r.locks:
        scored = pair_score(f, a, b, w)
        both += is_mutual(scored, config.both_gain)
        out.append(
            Group(
                (f.members[a].id, f.members[b].id),
                scored.score,
                (REASON_LOCKED, *explain_scored(f, a, b, scored)),
                locked=True,
            )
        )
    for g in groups:
        g.sort()
        if len(g) == 2:
            scored = pair_score(f, g[0], g[1], w)
            both += is_mutual(scored, config.both_gain)
            score = scored.score
            reasons = explain_scored(f, g[0], g[1], scored)
        else:
            score = _group_score(f, g, config)
            reasons = explain_group(f, g, w)
        out.append(Group(tuple(f.members[x].id for x in g), score, reasons))
    degree = np.bincount(np.concatenate([gi, gj]), minlength=f.n) if len(gi) else None
    reasons_un = _unmatched_reasons(f, r, unmatched, degree, set(locked))
    # The fairness solve is exact at every size, so it has no gap to report.
    return _result(f, out, reasons_un, len(gi), None if config.fairness else solved, both)


def _group_score(f: Features, g: Sequence[int], config: MatchConfig) -> float:
    scores = [
        pair_score(f, g[x], g[y], config.weights).score
        for x in range(len(g))
        for y in range(x + 1, len(g))
    ]
    return sum(scores) / len(scores)


def _add_trios(
    f: Features, r: _Rules, config: MatchConfig, groups: list[list[int]], unmatched: list[int]
) -> list[int]:
    """Let each unmatched member join the pair where the trio gains most (greedy, input order)."""
    w = config.weights
    owner = {x: k for k, g in enumerate(groups) for x in g}
    taken: set[int] = set()
    left: list[int] = []
    for u in unmatched:
        best: tuple[float, int] | None = None
        for k, g in enumerate(groups):
            if k in taken or len(g) != 2:
                continue
            a, b = g
            if not (r.allowed(u, a) and r.allowed(u, b)):
                continue
            if f.window_ints[u] & f.window_ints[a] & f.window_ints[b] == 0:
                continue
            sa, sb = pair_score(f, u, a, w), pair_score(f, u, b, w)
            if not (sa.shared_language and sb.shared_language):
                continue
            gain = sa.score + sb.score
            if best is None or gain > best[0]:
                best = (gain, k)
        if best is None:
            left.append(u)
        else:
            taken.add(best[1])
            groups[best[1]].append(u)
            owner[u] = best[1]
    return left


def _unmatched_reasons(
    f: Features,
    r: _Rules,
    unmatched: Sequence[int],
    degree: npt.NDArray[np.int64] | None,
    locked: set[int],
) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for u in unmatched:
        out.append((u, _reason(f, r, u, degree, locked)))
    return out


def _reason(
    f: Features,
    r: _Rules,
    u: int,
    degree: npt.NDArray[np.int64] | None,
    locked: set[int],
) -> str:
    if f.free_ints[u] == 0:
        return REASON_NO_HOURS
    meet = np.bitwise_and(f.window, f.window[u]).any(axis=1)
    meet[u] = False
    if not meet.any():
        return REASON_NO_SHARED_HOUR
    speak = meet & np.bitwise_and(f.langs, f.langs[u]).any(axis=1)
    if not speak.any():
        return REASON_NO_LANGUAGE
    if all(not r.allowed(u, int(v)) for v in np.flatnonzero(speak)):
        return REASON_EXCLUDED
    if degree is None or degree[u] == 0:
        others = [int(v) for v in np.flatnonzero(speak) if r.allowed(u, int(v))]
        if all(v in locked for v in others):
            return REASON_ALL_TAKEN
        return REASON_NO_SKILL_OR_GOAL
    return REASON_ALL_TAKEN


def _result(
    f: Features,
    groups: list[Group],
    unmatched: list[tuple[int, str]],
    edges: int,
    solved: Solution | None = None,
    mutual: int = 0,
) -> MatchResult:
    first = {m.id: i for i, m in enumerate(f.members)}
    groups.sort(key=lambda g: (-g.score, min(first[x] for x in g.members)))
    scores = [g.score for g in groups]
    unmatched.sort()
    stats = MatchStats(
        members=f.n,
        matched=sum(len(g.members) for g in groups),
        groups=len(groups),
        mean_score=float(np.mean(scores)) if scores else 0.0,
        min_score=min(scores) if scores else 0.0,
        total_score=float(sum(scores)),
        candidate_edges=edges,
        exact=solved is None or solved.exact,
        certified_gap=0.0 if solved is None else solved.gap,
        pairs=sum(1 for g in groups if len(g.members) == 2),
        mutual_pairs=mutual,
    )
    return MatchResult(
        tuple(groups),
        tuple(Unmatched(f.members[u].id, reason) for u, reason in unmatched),
        stats,
    )


def _circles(f: Features, r: _Rules, config: MatchConfig) -> MatchResult:
    w = config.weights
    lock_groups = _lock_groups(f, r)
    circles, left = form_circles(
        f,
        allowed=r.allowed,
        weights=w,
        size=config.circle_size,
        seed=config.seed,
        lock_groups=lock_groups,
    )
    groups = [
        Group(
            tuple(f.members[x].id for x in sorted(c)),
            _group_score(f, sorted(c), config),
            explain_group(f, sorted(c), w),
            locked=any(set(lg) <= set(c) for lg in lock_groups),
        )
        for c in circles
    ]
    reasons = []
    for u in left:
        reason = _reason(f, r, u, None, set())
        if reason in (REASON_NO_SKILL_OR_GOAL, REASON_ALL_TAKEN):
            reason = REASON_TOO_FEW
        reasons.append((u, reason))
    return _result(f, groups, reasons, 0)


def _lock_groups(f: Features, r: _Rules) -> list[list[int]]:
    parent = list(range(f.n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in r.locks:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for a, b in r.locks:
        for x in (a, b):
            groups.setdefault(find(x), [])
            if x not in groups[find(x)]:
                groups[find(x)].append(x)
    out = [sorted(g) for g in groups.values()]
    for g in out:
        if len(g) > 5:
            raise ValueError(MSG_LOCK_TOO_BIG.format(count=len(g)))
    return sorted(out)
