"""Sparse candidate graphs: each member's best feasible partners, without scoring all N x N pairs.

Above ``dense_limit`` members the graph is found by a *certified* index
search: keys that pairs must share to reach a given score (a skill swap,
shared goals, the same organisation, ...) are joined tier by tier, from the
most valuable combination down, and a member stops searching as soon as its
``k``-th best score so far beats an upper bound on every pair the remaining
tiers could still find. Members the tiers cannot settle are compared with
everybody. The result is the same graph as scoring every pair (see
:func:`candidate_graph`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import B8, F64, I64, isin_sorted, sorted_unique
from .features import Features
from .scoring import HOURS_FULL_MINUTES, feasible_pairs, scores_only
from .timeweek import BIN_MINUTES
from .types import Weights

__all__ = ["DENSE_BUDGET", "candidate_graph", "top_k_union"]

#: Pairs per chunk when pairs are expanded, checked and scored.
CHUNK = 1 << 18
#: At most this many extra pairs are scanned for members the index tiers do
#: not settle (each such member is compared with every active member).
DENSE_BUDGET = 200_000_000
#: Margin between a member's k-th best score and the bound of what is left.
MARGIN = 1e-9


def top_k_union(i: I64, j: I64, s: F64, k: int) -> I64:
    """Return indices of edges that are among the ``k`` best of either endpoint.

    Ties are broken by edge position (earlier first), so the result is
    deterministic. O(E log E) time, O(E) memory.

    Examples
    --------
    >>> import numpy as np
    >>> top_k_union(np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.9, 0.5, 0.7]), 1)
    array([0, 2])
    """
    n = int(max(i.max(), j.max())) + 1 if len(i) else 0
    keep, _ = _top_k(n, i, j, s, k)
    return np.flatnonzero(keep)


def _top_k(n: int, i: I64, j: I64, s: F64, k: int) -> tuple[B8, F64]:
    """Edges among the ``k`` best of either end (ties: earlier edge), and each node's k-th score.

    The k-th score is ``-inf`` for nodes with fewer than ``k`` edges. One
    sort of a composite 64-bit key (node, score rank, edge position) when it
    fits, else a lexsort.
    """
    e = len(i)
    kth = np.full(n, -np.inf)
    if e == 0:
        return np.zeros(0, dtype=bool), kth
    src = np.concatenate([i, j]).astype(np.int64)
    eid = np.tile(np.arange(e, dtype=np.int64), 2)
    levels, inverse = np.unique(s, return_inverse=True)
    rank = np.tile(len(levels) - 1 - inverse.astype(np.int64), 2)
    bits_e = max(1, (e - 1).bit_length())
    bits_r = max(1, (len(levels) - 1).bit_length())
    if n.bit_length() + bits_r + bits_e <= 63:
        composite = (src << (bits_r + bits_e)) | (rank << bits_e) | eid
        composite.sort()
        src = composite >> (bits_r + bits_e)
        eid = composite & ((1 << bits_e) - 1)
    else:
        order = np.lexsort((eid, rank, src))
        src, eid = src[order], eid[order]
    first = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    sizes = np.diff(np.r_[first, len(src)])
    position = np.arange(len(src)) - np.repeat(first, sizes)
    keep = np.zeros(e, dtype=bool)
    keep[eid[position < k]] = True
    full = first[sizes >= k]
    kth[src[full]] = s[eid[full + k - 1]]
    return keep, kth


# --- pair streams ------------------------------------------------------------


def _canonical_feasible(f: Features, a: I64, b: I64) -> I64:
    """Keys ``lo * n + hi`` of the pairs that are not self-pairs and can meet."""
    distinct = a != b
    a, b = a[distinct], b[distinct]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ok = feasible_pairs(f, lo, hi)
    return lo[ok] * f.n + hi[ok]


@dataclass(frozen=True)
class _Entries:
    """Index entries: ``owner[x]`` (a member) holds ``key[x]``."""

    owner: I64
    key: I64

    def of(self, members: B8) -> _Entries:
        keep = members[self.owner]
        return _Entries(self.owner[keep], self.key[keep])


def _product(left: tuple[I64, I64], right: tuple[I64, I64], width: int) -> _Entries:
    """Entries ``a * width + b`` for every ``a`` of a member's left set and ``b`` of its right set."""
    lptr, lidx = left
    rptr, ridx = right
    nl, nr = np.diff(lptr), np.diff(rptr)
    count = nl * nr
    owner = np.repeat(np.arange(len(nl)), count)
    within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    x = lptr[owner] + within // nr[owner]
    y = rptr[owner] + within % nr[owner]
    return _Entries(owner, lidx[x] * width + ridx[y])


def _pairs_within(csr: tuple[I64, I64], width: int) -> _Entries:
    """Entries ``a * width + b`` for every two ids ``a < b`` of a member's set."""
    both = _product(csr, csr, width)
    keep = both.key // width < both.key % width
    return _Entries(both.owner[keep], both.key[keep])


def _staged_join(
    f: Features, query: _Entries, table: _Entries, stage: I64, allowed: B8
) -> Iterator[I64]:
    """Feasible pair keys of query and table entries with equal keys, for allowed stages.

    Only table owners of a stage the query owner allows (``allowed[owner,
    stage]``) are paired. The table is sorted by ``key * 6 + stage``; the
    known stages a member allows form an interval around its own (closeness
    falls with the distance), plus perhaps stage 0 (unknown), so each query
    entry reads at most two contiguous ranges.
    """
    if len(query.key) == 0 or len(table.key) == 0:
        return
    known = allowed[:, 1:]
    any_known = known.any(axis=1)
    lo = np.where(any_known, np.argmax(known, axis=1) + 1, 1)
    hi = np.where(any_known, _STAGES - 1 - np.argmax(known[:, ::-1], axis=1), 0)
    zero = allowed[:, 0]
    merge = zero & (lo == 1)
    lo = np.where(merge, 0, lo)
    composite = table.key * _STAGES + stage[table.owner]
    order = np.argsort(composite, kind="stable")
    composite, owners = composite[order], table.owner[order]
    starts, counts, who = [], [], []
    ranges = [(any_known | merge, lo, hi), (zero & ~merge, np.zeros_like(lo), np.zeros_like(hi))]
    for use, first, last in ranges:
        take = use[query.owner]
        o, k = query.owner[take], query.key[take] * _STAGES
        left = np.searchsorted(composite, k + first[o], side="left")
        right = np.searchsorted(composite, k + last[o], side="right")
        some = right > left
        starts.append(left[some])
        counts.append((right - left)[some])
        who.append(o[some])
    start, count, q_owner = np.concatenate(starts), np.concatenate(counts), np.concatenate(who)
    yield from _expand(f, q_owner, start, count, owners)


def _expand(f: Features, q_owner: I64, start: I64, count: I64, owners: I64) -> Iterator[I64]:
    """Pairs ``(q_owner[x], owners[start[x] + t])`` for ``t < count[x]``, checked, in chunks."""
    ends = np.cumsum(count)
    lo = 0
    while lo < len(count):
        base = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, base + CHUNK, side="right")))
        c = count[lo:hi]
        rep = np.repeat(np.arange(hi - lo), c)
        within = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
        yield _canonical_feasible(f, q_owner[lo:hi][rep], owners[start[lo:hi][rep] + within])
        lo = hi


def _dense_keys(f: Features, active: I64) -> Iterator[I64]:
    """Feasible pair keys of every two active members (each pair once)."""
    m = len(active)
    step = max(1, CHUNK // max(1, m))
    for lo in range(0, m, step):
        rows = np.arange(lo, min(m, lo + step))
        count = m - 1 - rows
        a = np.repeat(rows, count)
        b = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) + a + 1
        yield _canonical_feasible(f, active[a], active[b])


# --- tiers ---------------------------------------------------------------------

# A pair's "kind": skill (0 none, 1 one-way teaching, 2 a swap), shared goals
# (0, 1, 2 or more) and organisation (1 = same organisation, other department).
_KINDS = tuple(itertools.product((0, 1, 2), (0, 1, 2), (0, 1)))
#: Stage levels (0 = unknown .. 5) appended to every index key.
_STAGES = 6


@dataclass(frozen=True)
class _Tier:
    """Joins finding every pair that has at least ``need`` = (skill, goals, organisation)."""

    need: tuple[int, int, int]

    def covers(self, kind: tuple[int, int, int]) -> bool:
        return all(have >= need for have, need in zip(kind, self.need, strict=True))


#: Search order: a swap first, then the other kinds by value with the default
#: weights. (Finer tiers for teaching together with goals and organisation
#: were measured: they find few pairs and certify nobody earlier, so the
#: coarser tiers below cover those kinds.)
TIERS = tuple(
    _Tier(need)
    for need in (
        (2, 0, 0),
        (0, 2, 1),
        (0, 1, 1),
        (0, 2, 0),
        (1, 0, 1),
        (1, 1, 0),
        (0, 0, 1),
        (0, 1, 0),
        (1, 0, 0),
    )
)


def _owner_csr(entries: _Entries, n: int) -> tuple[I64, I64]:
    """CSR of owner-sorted entries."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entries.owner, minlength=n), out=ptr[1:])
    return ptr, entries.key


class _Keys:
    """Per-member index keys of each feature, as CSR lists (ids sorted per member)."""

    def __init__(self, f: Features) -> None:
        n = f.n
        self.n = n
        self.skills = max(1, len(f.skill_names))
        self.goals = max(1, len(f.goal_names))
        org = np.where((f.org >= 0) & (f.dept >= 0), f.org, -1).astype(np.int64)
        self.org_of = org
        self.orgs = int(org.max(initial=-1)) + 1
        with_org = np.flatnonzero(org >= 0)
        self.parts: dict[str, tuple[tuple[I64, I64], int]] = {
            "offers": (f.offers_csr, self.skills),
            "wants": (f.wants_csr, self.skills),
            "goal": (f.goals_csr, self.goals),
            "goals": (_owner_csr(_pairs_within(f.goals_csr, self.goals), n), self.goals**2),
            "org": (_owner_csr(_Entries(with_org, org[with_org]), n), max(1, self.orgs)),
        }

    def entries(self, names: Sequence[str]) -> _Entries | None:
        """Entries whose key combines one id of each named feature (all combinations).

        ``None`` when the combined key would not fit in 64 bits with the stage.
        """
        if math.prod(self.parts[name][1] for name in names) * _STAGES >= 1 << 62:
            return None
        owner = np.arange(self.n, dtype=np.int64)
        key = np.zeros(self.n, dtype=np.int64)
        for name in names:
            (ptr, idx), width = self.parts[name]
            current = _owner_csr(_Entries(owner, key), self.n)
            both = _product(current, (ptr, idx), width)
            owner, key = both.owner, both.key
        return _Entries(owner, key)


def _directions(tier: _Tier, keys: _Keys) -> list[tuple[_Entries, _Entries]]:
    """(query, table) entry lists whose equal keys give every pair the tier needs."""
    skill, goals, org = tier.need
    rest = ([("goal", "goals")[goals - 1]] if goals else []) + (["org"] if org else [])
    if skill == 2:  # j offers s and wants t  <->  i wants s and offers t
        table = keys.entries(["offers", "wants", *rest])
        query = keys.entries(["wants", "offers", *rest])
        return [] if table is None or query is None else [(query, table)]
    if skill == 1:
        teach = keys.entries(["offers", *rest])
        learn = keys.entries(["wants", *rest])
        return [] if teach is None or learn is None else [(teach, learn), (learn, teach)]
    both = keys.entries(rest)
    return [] if both is None else [(both, both)]


def _kind_value(w: Weights, skill: int, goals: int, org: int) -> float:
    """Largest weighted sum of the skill, goal and organisation parts of a kind."""
    return (
        w.skill_swap * (skill == 2)
        + w.one_way_skill * (skill >= 1)
        + w.shared_goals * goals / 2.0
        + w.same_org_other_department * org
    )


def _kind_possible(f: Features, org: I64) -> npt.NDArray[np.bool_]:
    """``possible[m, c]``: member ``m`` can be in a pair of kind ``_KINDS[c]``."""
    n_offers = np.diff(f.offers_csr[0])
    n_wants = np.diff(f.wants_csr[0])
    n_goals = np.diff(f.goals_csr[0])
    skill_max = np.where((n_offers > 0) & (n_wants > 0), 2, np.where(n_offers + n_wants > 0, 1, 0))
    goal_max = np.minimum(n_goals, 2)
    org_max = (org >= 0).astype(np.int64)
    kinds = np.array(_KINDS)
    return (
        (kinds[:, 0][None, :] <= skill_max[:, None])
        & (kinds[:, 1][None, :] <= goal_max[:, None])
        & (kinds[:, 2][None, :] <= org_max[:, None])
    )


def _closeness() -> F64:
    """``closeness[a, b]``: stage closeness of stage levels ``a`` and ``b`` (0 = unknown)."""
    level = np.arange(_STAGES)
    known = (level[:, None] > 0) & (level[None, :] > 0)
    return np.where(known, 1.0 - np.abs(level[:, None] - level[None, :]) / 4.0, 0.5)


# --- the search ------------------------------------------------------------------


class _Graph:
    """Feasible scored edges found so far, pruned to the union of each end's k best."""

    def __init__(self, f: Features, weights: Weights, blocked: I64, k: int) -> None:
        self.f, self.weights, self.blocked, self.k = f, weights, blocked, k
        self.keys = np.zeros(0, dtype=np.int64)
        self.scores = np.zeros(0)
        self.kth = np.full(f.n, -np.inf)

    def add(self, chunks: Iterable[I64]) -> None:
        """Score the new feasible pairs among ``chunks`` (pair keys) and keep the k best."""
        new = sorted_unique(np.concatenate([np.zeros(0, np.int64), *chunks]))
        new = new[~isin_sorted(new, self.blocked) & ~isin_sorted(new, self.keys)]
        if len(new) == 0:
            return
        n = self.f.n
        scores = scores_only(self.f, new // n, new % n, self.weights)
        keys = np.concatenate([self.keys, new])
        scores = np.concatenate([self.scores, scores])
        order = np.argsort(keys, kind="stable")
        keys, scores = keys[order], scores[order]
        keep, self.kth = _top_k(n, keys // n, keys % n, scores, self.k)
        self.keys, self.scores = keys[keep], scores[keep]


def candidate_graph(
    f: Features,
    active: Sequence[int],
    weights: Weights,
    blocked: I64,
    k: int,
    dense_limit: int,
    seed: int,
) -> tuple[I64, I64, F64]:
    """Build the sparse candidate graph among ``active`` members.

    Parameters
    ----------
    f : Features
        Encoded members.
    active : sequence of int
        Member indices to consider (sorted ascending).
    weights : Weights
        Score weights.
    blocked : ndarray of int64
        Sorted keys ``i * n + j`` (i < j) of pairs the rules forbid.
    k : int
        Each member keeps its ``k`` best feasible candidates (ties: the
        partner earlier in the input); an edge stays when it is among the best
        of either end.
    dense_limit : int
        Score every pair when ``len(active) <= dense_limit``; above, use the
        certified index search.
    seed : int
        Unused (kept for compatibility; the search samples nothing).

    Returns
    -------
    (i, j, w) : tuple of ndarrays
        Edges with ``i < j``, sorted by ``(i, j)``, and their scores.

    Notes
    -----
    The index search gives the same graph as scoring every pair (tested).
    A pair's score is its skill, goal and organisation parts (its *kind*:
    swap / one-way teaching / none, 0 / 1 / 2+ shared goals, same
    organisation or not) plus its stage and hours parts, which are at most
    ``w_stage * closeness(stage_i, stage_j) + w_hours * min(free_i / 120, 1)``.
    :data:`TIERS` are joins on index keys (for instance ``(offered, wanted)``
    against ``(wanted, offered)`` for a swap, or ``(organisation, goal)``),
    the most valuable kind first; each finds *every* feasible pair of its
    kind or better for the members still searching, and only with
    partners whose stage can still lift the pair to the member's current
    ``k``-th best score (the table is sorted by key and stage, so that is a
    contiguous range). After each tier a member stops searching when no
    kind left can reach its ``k``-th best score, ties included. Members still
    searching after the last tier are compared with every active member of a
    stage that could reach it (at most :data:`DENSE_BUDGET` pairs, lowest
    ``k``-th score first; beyond that budget their candidates are the index's,
    an approximation). Edges found are pruned to the union of each end's
    ``k`` best after every tier, which cannot remove an edge of the result.

    Time: the joins expand O(N * c) pairs, c = partners per member sharing
    the keys of the tiers it needs (about 1,000 at N = 10,000 and 1,500 at
    N = 100,000 with the benchmark's members), each checked for a common
    window (a one-word summary first, then 11 words) and language; new
    edges are scored and ranked (O(E log E) per tier), plus N per member
    compared with everybody. Memory O(N * k + CHUNK) beyond the features.
    Dense mode scores all N^2 / 2 pairs in chunks of :data:`CHUNK`.
    """
    del seed
    if len(active) < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    members = np.asarray(active, dtype=np.int64)
    graph = _Graph(f, weights, blocked, k)
    if len(members) <= dense_limit:
        graph.add(_dense_keys(f, members))
    else:
        _search(f, members, weights, graph)
    n = f.n
    return graph.keys // n, graph.keys % n, graph.scores


def _search(f: Features, members: I64, weights: Weights, graph: _Graph) -> None:
    total = (
        weights.skill_swap
        + weights.one_way_skill
        + weights.stage_closeness
        + weights.shared_goals
        + weights.shared_hours
        + weights.same_org_other_department
    )
    keys = _Keys(f)
    possible = _kind_possible(f, keys.org_of)
    values = np.array([_kind_value(weights, *kind) for kind in _KINDS])
    stage = f.stage.astype(np.int64)
    present = np.bincount(stage[members], minlength=_STAGES) > 0
    # close[i, s]: weighted stage part of i with a partner of stage s (-inf if nobody has s).
    close = np.where(present[None, :], weights.stage_closeness * _closeness(), -np.inf)[stage]
    hours = weights.shared_hours * np.minimum(f.free_bins * BIN_MINUTES / HOURS_FULL_MINUTES, 1.0)
    in_play = np.zeros(f.n, dtype=bool)
    in_play[members] = True
    searching = in_play.copy()
    covered = np.zeros(len(_KINDS), dtype=bool)

    def allowed(best: F64) -> B8:
        """Partner stages with which a pair of part ``best`` can still reach the k-th score."""
        bound = (best[:, None] + close + hours[:, None]) / total + MARGIN
        return (bound >= graph.kth[:, None]) & searching[:, None]

    for tier in TIERS:
        new = np.array([tier.covers(kind) for kind in _KINDS]) & ~covered
        directions = _directions(tier, keys) if new.any() else []
        if not directions:
            continue
        best = np.where(possible[:, new], values[new][None, :], -np.inf).max(axis=1)
        stages = allowed(best)
        chunks = [
            _staged_join(f, query.of(stages.any(axis=1)), table.of(in_play), stage, stages)
            for query, table in directions
        ]
        graph.add(itertools.chain.from_iterable(chunks))
        covered |= new
        left = np.where(possible[:, ~covered], values[~covered][None, :], 0.0).max(axis=1)
        searching &= allowed(left).any(axis=1)
        if not searching.any():
            return
    left = np.where(possible[:, ~covered], values[~covered][None, :], 0.0).max(axis=1)
    stages = allowed(left)
    rest = np.flatnonzero(searching)
    rest = rest[np.lexsort((rest, graph.kth[rest]))]
    pattern = stages[rest] @ (1 << np.arange(_STAGES))
    partners = {int(p): members[(int(p) >> stage[members]) & 1 == 1] for p in np.unique(pattern)}
    cost = np.cumsum([len(partners[int(p)]) for p in pattern])
    take = max(1, int(np.searchsorted(cost, DENSE_BUDGET, side="right")))
    graph.add(_against(f, rest[:take], pattern[:take], partners))


def _against(f: Features, rest: I64, pattern: I64, partners: dict[int, I64]) -> Iterator[I64]:
    """Feasible pair keys of each member of ``rest`` with its partners (by stage pattern)."""
    for p, group in partners.items():
        mine = rest[pattern == p]
        step = max(1, CHUNK // max(1, len(group)))
        for lo in range(0, len(mine), step):
            block = mine[lo : lo + step]
            yield _canonical_feasible(f, np.repeat(block, len(group)), np.tile(group, len(block)))
