"""Sparse candidate graphs: each member's best candidates, never all N x N pairs at scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .features import Features
from .scoring import feasible_pairs, score_pairs
from .types import Weights

__all__ = ["candidate_graph", "top_k_union"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Per-key caps of the inverted-index joins (see docs/matching.md).
CAP_SWAP = 48
CAP_TEACH_GOAL = 12
CAP_TEACH = 6
CAP_GOAL = 6


def top_k_union(i: I64, j: I64, s: F64, k: int) -> I64:
    """Return indices of edges that are among the ``k`` best of either endpoint.

    Ties are broken by edge position (earlier first), so the result is
    deterministic. O(E log E) time, O(E) memory.
    """
    if len(i) == 0:
        return np.zeros(0, dtype=np.int64)
    e = len(i)
    src = np.concatenate([i, j])
    sc = np.concatenate([s, s])
    eid = np.concatenate([np.arange(e), np.arange(e)])
    order = np.lexsort((eid, -sc, src))
    src_sorted = src[order]
    first = np.r_[0, np.flatnonzero(np.diff(src_sorted)) + 1]
    sizes = np.diff(np.r_[first, len(src_sorted)])
    rank = np.arange(len(src_sorted)) - np.repeat(first, sizes)
    return _sorted_unique(eid[order][rank < k])


def _sets_to_entries(members: Sequence[int], sets: Sequence[frozenset[int]]) -> tuple[I64, I64]:
    owner = [m for m in members for _ in sets[m]]
    value = [v for m in members for v in sets[m]]
    return np.asarray(owner, dtype=np.int64), np.asarray(value, dtype=np.int64)


def _product_entries(
    members: Sequence[int],
    left: Sequence[frozenset[int]],
    right: Sequence[frozenset[int]],
    width: int,
) -> tuple[I64, I64]:
    owner = [m for m in members for _ in left[m] for _ in right[m]]
    key = [a * width + b for m in members for a in left[m] for b in right[m]]
    return np.asarray(owner, dtype=np.int64), np.asarray(key, dtype=np.int64)


def _join(
    q_owner: I64,
    q_key: I64,
    t_owner: I64,
    t_key: I64,
    cap: int,
    rng: np.random.Generator,
) -> tuple[I64, I64]:
    """For every query, up to ``cap`` table owners with the same key.

    Within an over-full bucket a seeded random window is taken, so popular
    members are not handed to everybody. O((Q + T) log T) time.
    """
    if len(q_key) == 0 or len(t_key) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.argsort(t_key, kind="stable")
    keys, owners = t_key[order], t_owner[order]
    uniq, first, counts = np.unique(keys, return_index=True, return_counts=True)
    pos = np.searchsorted(uniq, q_key)
    pos_c = np.minimum(pos, len(uniq) - 1)
    hit = uniq[pos_c] == q_key
    q_owner, pos_c = q_owner[hit], pos_c[hit]
    start, count = first[pos_c], counts[pos_c]
    take = np.minimum(count, cap)
    offset = rng.integers(0, 1 << 30, size=len(count)) % count
    total = int(take.sum())
    rep = np.repeat(np.arange(len(take)), take)
    within = np.arange(total) - np.repeat(np.cumsum(take) - take, take)
    idx = start[rep] + (offset[rep] + within) % count[rep]
    return q_owner[rep], owners[idx]


def _index_pairs(f: Features, active: Sequence[int], seed: int) -> tuple[I64, I64]:
    rng = np.random.default_rng(seed)
    width = max(1, len(f.skill_names))
    gwidth = max(1, len(f.goal_names))
    parts_i: list[I64] = []
    parts_j: list[I64] = []

    def add(pair: tuple[I64, I64]) -> None:
        parts_i.append(pair[0])
        parts_j.append(pair[1])

    # True swaps: j offers s and wants t  <->  i wants s and offers t.
    t_owner, t_key = _product_entries(active, f.offers_sets, f.wants_sets, width)
    q_owner, q_key = _product_entries(active, f.wants_sets, f.offers_sets, width)
    add(_join(q_owner, q_key, t_owner, t_key, CAP_SWAP, rng))
    # One-way teaching with a shared goal.
    t_owner, t_key = _product_entries(active, f.offers_sets, f.goal_sets, gwidth)
    q_owner, q_key = _product_entries(active, f.wants_sets, f.goal_sets, gwidth)
    add(_join(q_owner, q_key, t_owner, t_key, CAP_TEACH_GOAL, rng))
    # One-way teaching; shared goal.
    t_owner, t_key = _sets_to_entries(active, f.offers_sets)
    q_owner, q_key = _sets_to_entries(active, f.wants_sets)
    add(_join(q_owner, q_key, t_owner, t_key, CAP_TEACH, rng))
    t_owner, t_key = _sets_to_entries(active, f.goal_sets)
    add(_join(t_owner, t_key, t_owner, t_key, CAP_GOAL, rng))
    i = np.concatenate(parts_i)
    j = np.concatenate(parts_j)
    keep = i != j
    lo, hi = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
    pair_key = _sorted_unique(lo * f.n + hi)
    return pair_key // f.n, pair_key % f.n


def _sorted_unique(values: I64) -> I64:
    """``np.unique`` by sorting (faster than its hash path on large int arrays)."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _dense_pairs(active: Sequence[int]) -> tuple[I64, I64]:
    idx = np.asarray(active, dtype=np.int64)
    a, b = np.triu_indices(len(idx), 1)
    return idx[a], idx[b]


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
        Each member keeps its ``k`` best feasible candidates; an edge stays
        when it is among the best of either end.
    dense_limit : int
        Score every pair when ``len(active) <= dense_limit``.
    seed : int
        Seed of the sampling inside over-full index buckets.

    Returns
    -------
    (i, j, w) : tuple of ndarrays
        Edges with ``i < j``, sorted by ``(i, j)``, and their scores.

    Notes
    -----
    Above ``dense_limit`` candidates come from inverted indexes: true swaps
    (keys ``(offered, wanted)`` joined with ``(wanted, offered)``), one-way
    teaching with a shared goal, one-way teaching, and shared goals, each key
    capped. Expected O(N * c) pairs for c = sum of caps times keys per
    member; every candidate is scored exactly. Pairs sharing neither a skill
    nor a goal are never candidates at that scale.
    """
    if len(active) < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    if len(active) <= dense_limit:
        i, j = _dense_pairs(active)
    else:
        i, j = _index_pairs(f, active, seed)
    if len(blocked):
        keys = i * f.n + j
        keep = ~np.isin(keys, blocked, assume_unique=False)
        i, j = i[keep], j[keep]
    ok = feasible_pairs(f, i, j)
    i, j = i[ok], j[ok]
    scores, _ = score_pairs(f, i, j, weights)
    chosen = top_k_union(i, j, scores, k)
    return i[chosen], j[chosen], scores[chosen]
