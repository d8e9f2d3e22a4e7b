"""Maximum-weight matching on a sparse graph: exact through PyMatching, and for
large graphs a linear-programming relaxation with exact repair and a certified
bound.

PyMatching (sparse blossom) solves minimum-weight perfect matching of
detection events. Reduction: every member ``u`` is a detection event with an
edge to the boundary of cost ``b(u) = max_v w(u, v) + DELTA`` (staying
single); a pair of weight ``w`` costs ``b(u) + b(v) - w``. A path
``u - x - v`` then costs ``b(u) + b(v) + 2 b(x) - w(u, x) - w(x, v) >
b(u) + b(v)``, more than sending ``u`` and ``v`` to the boundary, and a
detour to the boundary through a neighbour costs more than ``b(u)``; so the
optimum consists of single edges, i.e. it is a matching, and its cost is
``sum(b) - total weight``. Minimising cost maximises total weight.

(The earlier reduction, the same boundary cost 1 for everybody and
``2 - w`` per pair, is equally exact but about three times slower on the
benchmark's graphs: with per-member boundary costs a member reaches the
boundary about when its best pair would form, so PyMatching's search trees
stay smaller.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymatching
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .arrays import F64, I64, isin_sorted, sorted_unique

__all__ = ["Solution", "bottleneck_matching", "max_weight_matching", "solve_matching"]

#: Added to each member's boundary cost so that every inequality above is strict.
DELTA = 1e-3
#: Weights are scaled to integers of this resolution for the assignment solver.
SCALE = 1 << 24


def _solve(n: int, i: I64, j: I64, w: F64) -> list[tuple[int, int]]:
    """Min-cost perfect matching with boundary; ``w`` in [0, 1], returns pairs (a < b), sorted."""
    return _as_pairs(*_solve_arrays(i, j, w))


def _solve_arrays(i: I64, j: I64, w: F64) -> tuple[I64, I64]:
    """:func:`_solve` as two arrays ``(a, b)``, ``a < b``, sorted by ``(a, b)``."""
    keep = w > 0
    i, j, w = i[keep], j[keep], w[keep]
    if len(i) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    nodes = sorted_unique(np.concatenate([i, j]))
    local_i = np.searchsorted(nodes, i)
    local_j = np.searchsorted(nodes, j)
    m, e = len(nodes), len(i)
    rows = np.concatenate([local_i, local_j, np.arange(m)])
    cols = np.concatenate([np.arange(e), np.arange(e), e + np.arange(m)])
    check = sp.csc_matrix((np.ones(len(rows), dtype=np.uint8), (rows, cols)), shape=(m, e + m))
    boundary = np.zeros(m)
    np.maximum.at(boundary, local_i, w)
    np.maximum.at(boundary, local_j, w)
    boundary += DELTA
    costs = np.concatenate([boundary[local_i] + boundary[local_j] - w, boundary])
    matching = pymatching.Matching.from_check_matrix(check, weights=costs)
    syndrome = np.ones(m, dtype=np.uint8)
    # Matched detection events: each pair of events is joined by its direct edge
    # (any longer path costs more than two boundary edges, see the module
    # docstring), so pairs of events are the matched edges. Checked below.
    dets = matching.decode_to_matched_dets_array(syndrome)
    dets = dets[(dets >= 0).all(axis=1)]
    lo = np.minimum(local_i, local_j)
    hi = np.maximum(local_i, local_j)
    edge_keys = np.sort(lo * m + hi)
    pair_keys = np.minimum(dets[:, 0], dets[:, 1]) * m + np.maximum(dets[:, 0], dets[:, 1])
    if not isin_sorted(pair_keys, edge_keys).all():  # pragma: no cover (see comment above)
        edges = matching.decode_to_edges_array(syndrome)
        dets = edges[(edges >= 0).all(axis=1)]
        used = np.zeros(m, dtype=bool)
        chosen = []
        for x, y in dets.tolist():
            if not (used[x] or used[y]):
                used[x] = used[y] = True
                chosen.append((min(x, y), max(x, y)))
        pair_keys = np.array([x * m + y for x, y in chosen], dtype=np.int64)
    pair_keys = np.sort(pair_keys)
    return nodes[pair_keys // m], nodes[pair_keys % m]


def max_weight_matching(
    n: int, i: I64, j: I64, w: F64, *, maximise_matched: bool = False
) -> list[tuple[int, int]]:
    """Return a maximum-weight matching of the graph ``(i[k], j[k], w[k])``.

    Parameters
    ----------
    n : int
        Number of nodes (node ids are ``0 .. n-1``).
    i, j, w : ndarray
        Edges and their weights in [0, 1].
    maximise_matched : bool
        Maximise the number of matched nodes first, then the weight.

    Returns
    -------
    list of (int, int)
        Matched pairs ``(a, b)`` with ``a < b``, sorted.

    Notes
    -----
    Exact up to PyMatching's integer discretisation of costs (about 2**-23
    of the largest cost). With ``maximise_matched`` every edge of a connected
    component of ``c`` nodes gets a bonus ``L = c / 2 + 1`` (weights become
    ``(w + L) / (1 + L)``), so one more pair always outweighs any change of
    total score: cardinality is exact, weight differences are resolved to
    about ``c * 2**-23``. Time: sparse blossom, O(E * N) worst case; in
    practice here it grows faster than linearly with N, because almost every
    member can be matched (every node is a detection event, unlike the sparse
    syndromes PyMatching is built for): measured on the benchmark's candidate
    graphs (13 edges per node), 0.5 to 1 s of CPU at N = 10,000 but minutes
    at N = 100,000 (see ``docs/benchmarks.md``). Memory O(N + E).

    References
    ----------
    O. Higgott, C. Gidney, "Sparse Blossom: correcting a million errors per
    core second with minimum-weight matching", Quantum 9, 1600 (2025).

    Examples
    --------
    >>> import numpy as np
    >>> max_weight_matching(4, np.array([0, 1, 2]), np.array([1, 2, 3]),
    ...                     np.array([0.5, 0.9, 0.5]))
    [(0, 1), (2, 3)]
    """
    if maximise_matched:
        w = _cardinality_weights(n, i, j, w)
    return _solve(n, i, j, w)


def _cardinality_weights(n: int, i: I64, j: I64, w: F64) -> F64:
    """Weights ``(w + L) / (1 + L)`` with ``L = c / 2 + 1`` for a component of ``c`` nodes."""
    if len(i) == 0:
        return w
    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    bonus = sizes[label[i]] / 2.0 + 1.0
    return (w + bonus) / (1.0 + bonus)


def bottleneck_matching(
    n: int, i: I64, j: I64, w: F64, *, target: int
) -> tuple[float, list[tuple[int, int]]]:
    """Raise the weakest pair first: the largest threshold ``t`` such that edges of
    weight >= ``t`` still admit ``target`` pairs, then the heaviest matching
    above ``t`` with at least ``target`` pairs.

    Binary search over the distinct edge weights; each probe is a maximum
    cardinality matching (O(log E) solves). Returns ``(t, pairs)``.
    """
    if target == 0 or len(w) == 0:
        return 0.0, max_weight_matching(n, i, j, w)
    levels = np.unique(w)
    lo, hi = 0, len(levels) - 1  # levels[lo] is feasible (the whole graph)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = w >= levels[mid]
        pairs = _solve(n, i[keep], j[keep], np.ones(int(keep.sum())))
        if len(pairs) >= target:
            lo = mid
        else:
            hi = mid - 1
    threshold = float(levels[lo])
    keep = w >= threshold
    pairs = max_weight_matching(n, i[keep], j[keep], w[keep])
    if len(pairs) < target:
        pairs = max_weight_matching(n, i[keep], j[keep], w[keep], maximise_matched=True)
    return threshold, pairs


@dataclass(frozen=True)
class Solution:
    """A matching with its weight and a proven upper bound on the best weight.

    Attributes
    ----------
    pairs : list of (int, int)
        Matched pairs ``(a, b)`` with ``a < b``, sorted.
    weight : float
        Total weight of ``pairs``.
    bound : float
        No matching of the graph weighs more than this (equal to ``weight``
        when ``exact``).
    exact : bool
        Solved exactly (PyMatching) rather than by :func:`relaxed_matching`.
    """

    pairs: list[tuple[int, int]]
    weight: float
    bound: float
    exact: bool

    @property
    def gap(self) -> float:
        """Certified shortfall: at most this share of the best weight is missing."""
        return 0.0 if self.bound <= 0 else max(0.0, 1.0 - self.weight / self.bound)


def solve_matching(
    n: int,
    i: I64,
    j: I64,
    w: F64,
    *,
    maximise_matched: bool = False,
    exact_limit: int | None = None,
) -> Solution:
    """Maximum-weight matching, exact up to ``exact_limit`` matchable nodes.

    Up to ``exact_limit`` nodes with an edge (always, when ``None``) this is
    :func:`max_weight_matching`. Above, it is :func:`relaxed_matching`: an
    assignment relaxation solved exactly, its integral part kept, the rest
    re-solved exactly, with the relaxation's optimum as a proven upper bound.

    Parameters
    ----------
    n : int
        Number of nodes.
    i, j, w : ndarray
        Edges and their weights in [0, 1].
    maximise_matched : bool
        Maximise the number of matched nodes first (see
        :func:`max_weight_matching`); the bound then refers to the adjusted
        weights.
    exact_limit : int or None
        Largest number of nodes with an edge that is solved exactly.

    Returns
    -------
    Solution

    Examples
    --------
    >>> import numpy as np
    >>> i, j = np.array([0, 1, 2]), np.array([1, 2, 3])
    >>> w = np.array([0.5, 0.9, 0.5])
    >>> solve_matching(4, i, j, w).pairs
    [(0, 1), (2, 3)]
    >>> relaxed = solve_matching(4, i, j, w, exact_limit=0)
    >>> relaxed.pairs, relaxed.exact, round(relaxed.bound, 6)
    ([(0, 1), (2, 3)], False, 1.0)
    """
    if maximise_matched:
        w = _cardinality_weights(n, i, j, w)
    positive = w > 0
    matchable = len(sorted_unique(np.concatenate([i[positive], j[positive]])))
    if exact_limit is None or matchable <= exact_limit:
        a, b = _solve_arrays(i, j, w)
        weight = _total(i, j, w, a, b)
        return Solution(_as_pairs(a, b), weight, weight, exact=True)
    a, b, bound = relaxed_matching(i, j, w)
    return Solution(_as_pairs(a, b), _total(i, j, w, a, b), bound, exact=False)


def relaxed_matching(i: I64, j: I64, w: F64) -> tuple[I64, I64, float]:
    """A matching within a proven bound of the best, for graphs too large to solve exactly.

    1. The relaxation: every node picks one partner or itself on a bipartite
       copy of the graph (an assignment problem, solved exactly by OR-Tools'
       cost-scaling algorithm). Its optimum, halved, is the optimum of the
       fractional matching polytope ``x(v) <= 1`` and so an upper bound on
       every matching. Its solution is half-integral: pairs that picked each
       other, and cycles.
    2. The repair: the pairs are kept, except around the nodes on cycles or
       alone: those nodes, their neighbours and the neighbours' partners are
       matched again, exactly, among themselves (PyMatching).

    Parameters
    ----------
    i, j, w : ndarray
        Edges and their weights in [0, 1].

    Returns
    -------
    (a, b, bound)
        Matched pairs as two arrays (``a < b``, sorted) and the upper bound.

    Notes
    -----
    Time: the assignment by cost scaling, O(sqrt(N) E log(N C)) worst case,
    in practice 4 to 10 s for 100,000 nodes and 2.7 million arcs; the repair
    is an exact solve on the few hundred to few thousand nodes around the
    cycles. Memory O(N + E). On bipartite graphs the relaxation is exact.
    The bound is rigorous despite the integer scaling: each weight is rounded
    by at most ``1 / (2 SCALE)`` and a fractional matching has at most
    ``N / 2`` units of edges, so ``N / (4 SCALE)`` is added.

    References
    ----------
    A. V. Goldberg, R. Kennedy, "An efficient cost scaling algorithm for the
    assignment problem", Math. Programming 71 (1995).

    Examples
    --------
    A triangle: the relaxation takes each edge half (bound 1.35), the repair
    the heaviest edge.

    >>> import numpy as np
    >>> a, b, bound = relaxed_matching(np.array([0, 1, 0]), np.array([1, 2, 2]),
    ...                                np.array([1.0, 0.9, 0.8]))
    >>> list(zip(a.tolist(), b.tolist())), round(bound, 6)
    ([(0, 1)], 1.35)
    """
    from ortools.graph.python import linear_sum_assignment

    keep = w > 0
    i, j, w = i[keep], j[keep], w[keep]
    nodes = sorted_unique(np.concatenate([i, j]))
    z = np.zeros(0, dtype=np.int64)
    if len(nodes) == 0:
        return z, z, 0.0
    li, lj = np.searchsorted(nodes, i), np.searchsorted(nodes, j)
    m = len(nodes)
    own = np.arange(m, dtype=np.int64)
    cost = -np.rint(w * SCALE).astype(np.int64)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(
        np.concatenate([li, lj, own]),
        np.concatenate([lj, li, own]),
        np.concatenate([cost, cost, np.zeros(m, dtype=np.int64)]),
    )
    status = solver.solve()
    if status != solver.OPTIMAL:  # pragma: no cover (a self arc makes every instance feasible)
        raise RuntimeError(f"assignment relaxation failed: {status}")
    bound = -solver.optimal_cost() / SCALE / 2 + m / (4 * SCALE)
    mate = np.fromiter((solver.right_mate(x) for x in range(m)), dtype=np.int64, count=m)
    paired = (mate != own) & (mate[mate] == own)
    region = ~paired
    neighbours = np.concatenate([lj[region[li]], li[region[lj]]])
    region[neighbours] = True
    region[mate[region & paired]] = True
    inside = region[li] & region[lj]
    ra, rb = _solve_arrays(li[inside], lj[inside], w[inside])
    fixed = np.flatnonzero(paired & ~region & (own < mate))
    a = np.concatenate([fixed, ra])
    b = np.concatenate([mate[fixed], rb])
    order = np.lexsort((b, a))
    return nodes[a[order]], nodes[b[order]], bound


def _as_pairs(a: I64, b: I64) -> list[tuple[int, int]]:
    return list(zip(a.tolist(), b.tolist(), strict=True))


def _total(i: I64, j: I64, w: F64, a: I64, b: I64) -> float:
    """Total weight of the pairs ``(a, b)`` (``a < b``) on the edges ``(i, j, w)``."""
    if len(a) == 0:
        return 0.0
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    size = int(max(hi.max(), b.max())) + 1
    edge_keys = lo * size + hi
    order = np.argsort(edge_keys, kind="stable")
    pos = np.searchsorted(edge_keys[order], a * size + b)
    return float(w[order][pos].sum())
