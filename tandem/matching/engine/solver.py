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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pymatching
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .arrays import F64, I64, isin_sorted, sorted_unique

__all__ = [
    "Solution",
    "bottleneck_matching",
    "max_weight_matching",
    "mutual_first_matching",
    "solve_matching",
]

#: Added to each member's boundary cost so that every inequality above is strict.
DELTA = 1e-3
#: Weights are scaled to integers of this resolution for the assignment solver.
SCALE = 1 << 24
#: PyMatching keeps integral costs up to this bound as they are (no rescaling, no rounding).
MAX_INTEGRAL_COST = (1 << 24) - 1
#: Bonus of a mutual pair, in score units, tried in turn until the optimum is certified.
MUTUAL_BONUSES = (16.0, 256.0, 4096.0)


def _solve(n: int, i: I64, j: I64, w: F64) -> list[tuple[int, int]]:
    """Min-cost perfect matching with boundary; ``w`` in [0, 1], returns pairs (a < b), sorted."""
    return _as_pairs(*_solve_arrays(i, j, w))


def _solve_arrays(i: I64, j: I64, w: F64, delta: float = DELTA) -> tuple[I64, I64]:
    """:func:`_solve` as two arrays ``(a, b)``, ``a < b``, sorted by ``(a, b)``.

    With integral weights and ``delta = 1`` every cost is an integer, which PyMatching
    uses unchanged (below ``MAX_INTEGRAL_COST``): the solve is then exact, without rounding.
    """
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
    boundary += delta
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
    n: int,
    i: I64,
    j: I64,
    w: F64,
    *,
    maximise_matched: bool = False,
    mutual: npt.NDArray[np.bool_] | None = None,
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
    mutual : ndarray of bool, optional
        Edges whose two ends both gain: maximise how many of them are matched
        (after the number matched, when ``maximise_matched``), then the weight;
        see :func:`mutual_first_matching`.

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
    if mutual is not None:
        return mutual_first_matching(n, i, j, w, mutual, maximise_matched=maximise_matched).pairs
    if maximise_matched:
        w = _cardinality_weights(n, i, j, w)
    return _solve(n, i, j, w)


def mutual_first_matching(
    n: int,
    i: I64,
    j: I64,
    w: F64,
    mutual: npt.NDArray[np.bool_],
    *,
    maximise_matched: bool = True,
    bonuses: Sequence[float] = MUTUAL_BONUSES,
) -> Solution:
    """Return the matching that is best lexicographically: first the most matched
    pairs (when ``maximise_matched``), then the most ``mutual`` pairs, then the
    highest total weight.

    Parameters
    ----------
    n, i, j, w
        The graph, as for :func:`max_weight_matching` (weights in [0, 1]).
    mutual : ndarray of bool
        Whether each edge is mutual (both ends gain).
    maximise_matched : bool
        Put the number of pairs first; otherwise mutual pairs come first.
    bonuses : sequence of float
        Bonuses of a mutual edge, in weight units, tried in turn (see Notes).

    Returns
    -------
    Solution
        ``weight`` is the total of ``w`` over the pairs. ``exact`` is True when
        the lexicographic optimum is certified (see Notes), as in every
        benchmark run and every brute-force test so far; otherwise the pairs
        are an exact optimum of the two counts with an arbitrary weight, and
        ``bound`` is the best total weight of any matching (so ``gap`` bounds
        what the weight misses).

    Notes
    -----
    One weight transform cannot do this exactly at our sizes: PyMatching
    works on integer costs below 2**24, and a transform that can never trade
    a tier for a lower one needs a mutual bonus above the most pairs ``p`` of a
    component times the score range, and a pair bonus above ``p`` times that,
    so about ``p**2`` distinct costs (2.5e7 for one component of 10,000).
    Instead, a solve and a certificate:

    1. **The counts as one integer.** Edge weights ``t = (p_c + 1) + m``
       (``p_c`` the most pairs of the edge's connected component, ``m`` 1 for
       a mutual edge; ``t = m`` without ``maximise_matched``). A matching of
       ``q`` pairs of which ``r`` mutual weighs ``q (p_c + 1) + r`` in its
       component, with ``r <= q <= p_c``: one pair more always outweighs any
       number of mutual pairs, and among equal counts the mutual pairs
       decide. So the lexicographically best counts are those of the
       matchings of largest ``t``, and ``t`` is an integer.
    2. **An upper bound on t.** The assignment relaxation of
       :func:`relaxed_matching` on ``t``, solved exactly in 64-bit integers
       (OR-Tools): half its optimum, ``U``, bounds ``t`` of every matching.
    3. **The weight, then the check.** Weights ``(A + B m + w) / (A + B + 1)``
       with ``B`` the first of ``bonuses`` and ``A = 2 (B + 1)`` (0 without
       ``maximise_matched``), solved with :func:`max_weight_matching`'s
       reduction. If the pairs ``M`` have ``t(M) > U - 1``, then ``t(M)`` is
       the largest ``t`` (an integer between ``U - 1`` and ``U``), so ``M``
       has the best counts; and any ``M'`` with the same counts differs from
       it only by ``w``, so ``w(M') > w(M)`` would contradict the optimality
       of ``M`` (up to PyMatching's rounding, about ``N (A + B + 1) 2**-23``
       of weight in all). Otherwise the next bonus is tried, the last one
       ``B = P + 1``, ``A = P (P + 2) + 1`` for the largest component's ``P``
       pairs, which proves the tiers by itself where the rounding allows.
    4. **When the bound is not tight** (the relaxation gains on odd cycles,
       common on small graphs), the largest ``t`` itself comes from solving
       the integer weights ``t`` exactly with PyMatching (integral costs
       below 2**24 are used unrounded), and a tried solution with that
       ``t`` is certified the same way. If none has it, those pairs are
       returned with ``exact = False``. That solve is correct but can be
       very slow on large graphs (17 minutes at 10,000 members: equal costs
       everywhere), which is why it comes last.

    The counts are therefore always the best possible; the weight is
    resolved like :func:`max_weight_matching`'s. Time: one assignment
    (about 0.25 s at 10,000 members) and one sparse-blossom solve when the
    first bonus certifies (on the benchmark's members it did at 1,000 and
    10,000, both kinds).

    Examples
    --------
    A path a-b-c-d whose middle edge is heavy but not mutual: the two outer
    mutual edges win, though lighter.

    >>> import numpy as np
    >>> i, j = np.array([0, 1, 2]), np.array([1, 2, 3])
    >>> w, mutual = np.array([0.2, 0.9, 0.2]), np.array([True, False, True])
    >>> sol = mutual_first_matching(4, i, j, w, mutual, maximise_matched=False)
    >>> sol.pairs, sol.exact, round(sol.weight, 6)
    ([(0, 1), (2, 3)], True, 0.4)
    """
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    mutual = np.asarray(mutual, dtype=bool)
    if len(i) == 0:
        return Solution([], 0.0, 0.0, exact=True)
    m = mutual.astype(np.int64)
    counts = _component_pairs(n, i, j) + 1 + m if maximise_matched else m
    twice_bound = _assignment_twice_bound(i, j, counts)
    most = int(_component_pairs(n, i, j).max())
    # The bonuses given, then one large enough to prove both tiers by itself.
    ladder = [(b, 2.0 * (b + 1.0)) for b in bonuses]
    ladder.append((most + 1.0, most * (most + 2.0) + 1.0))
    tried: list[tuple[int, I64, I64]] = []
    for bonus, lift in ladder:
        tiered = _tiered_weights(w, m.astype(np.float64), bonus, lift if maximise_matched else 0.0)
        a, b = _solve_arrays(i, j, tiered)
        value = int(counts[_edge_index(i, j, a, b)].sum())
        if 2 * value > twice_bound - 2:
            return Solution(_as_pairs(a, b), _total(i, j, w, a, b), _total(i, j, w, a, b), True)
        tried.append((value, a, b))
    if 2.0 * (float(counts.max()) + 1.0) > MAX_INTEGRAL_COST:  # pragma: no cover (16 M members)
        raise ValueError("Too many members in one component for an exact mutual-first solve.")
    a0, b0 = _solve_arrays(i, j, counts.astype(np.float64), delta=1.0)
    best = int(counts[_edge_index(i, j, a0, b0)].sum())
    for value, a, b in tried:
        if value == best:
            return Solution(_as_pairs(a, b), _total(i, j, w, a, b), _total(i, j, w, a, b), True)
    weight = _total(i, j, w, a0, b0)  # pragma: no cover (no bonus reached the best counts)
    pa, pb = _solve_arrays(i, j, w)  # pragma: no cover
    bound = max(weight, _total(i, j, w, pa, pb))  # pragma: no cover
    return Solution(_as_pairs(a0, b0), weight, bound, exact=False)  # pragma: no cover


def _assignment_twice_bound(i: I64, j: I64, t: I64) -> int:
    """Twice the assignment relaxation's optimum for integer weights ``t`` (exact, int64)."""
    from ortools.graph.python import linear_sum_assignment

    keep = t > 0
    i, j, t = i[keep], j[keep], t[keep]
    if len(i) == 0:
        return 0
    nodes = sorted_unique(np.concatenate([i, j]))
    li, lj = np.searchsorted(nodes, i), np.searchsorted(nodes, j)
    own = np.arange(len(nodes), dtype=np.int64)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(
        np.concatenate([li, lj, own]),
        np.concatenate([lj, li, own]),
        np.concatenate([-t, -t, np.zeros(len(nodes), dtype=np.int64)]),
    )
    if solver.solve() != solver.OPTIMAL:  # pragma: no cover (a self arc makes it feasible)
        raise RuntimeError("assignment relaxation failed")
    return -int(solver.optimal_cost())


def _tiered_weights(w: F64, m: F64, bonus: float, lift: F64 | float) -> F64:
    """Weights ``(lift + bonus * m + w) / (lift + bonus + 1)``, in [0, 1]."""
    return (lift + bonus * m + w) / (lift + bonus + 1.0)


def _component_pairs(n: int, i: I64, j: I64) -> I64:
    """For each edge, the most pairs its connected component can hold (half its nodes)."""
    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    return (sizes[label[i]] // 2).astype(np.int64)


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
    n: int,
    i: I64,
    j: I64,
    w: F64,
    *,
    target: int,
    mutual: npt.NDArray[np.bool_] | None = None,
) -> tuple[float, list[tuple[int, int]]]:
    """Raise the weakest pair first: the largest threshold ``t`` such that edges of
    weight >= ``t`` still admit ``target`` pairs, then the heaviest matching
    above ``t`` with at least ``target`` pairs (with ``mutual``: the most
    mutual pairs above ``t``, then the heaviest, see :func:`mutual_first_matching`).

    Binary search over the distinct edge weights; each probe is a maximum
    cardinality matching (O(log E) solves). Returns ``(t, pairs)``.
    """
    if target == 0 or len(w) == 0:
        return 0.0, max_weight_matching(n, i, j, w, mutual=mutual)
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
    kept = None if mutual is None else mutual[keep]
    pairs = max_weight_matching(n, i[keep], j[keep], w[keep], mutual=kept)
    if len(pairs) < target:
        pairs = max_weight_matching(
            n, i[keep], j[keep], w[keep], maximise_matched=True, mutual=kept
        )
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
    mutual: npt.NDArray[np.bool_] | None = None,
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
    mutual : ndarray of bool, optional
        Mutual edges: the most of them first (after the number matched, when
        ``maximise_matched``), then the weight. Exactly: see
        :func:`mutual_first_matching` (``weight`` and ``bound`` are then in
        units of ``w``). Above ``exact_limit``: the relaxation on weights
        ``(A + m + w) / (A + 2)``, ``A`` 0 or ``4 (p_c + 1)`` for a component
        of ``p_c`` pairs (so the count stays first), bound on those weights;
        the mutual count is then not certified.

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
    if mutual is not None:
        return _solve_mutual(n, i, j, w, mutual, maximise_matched, exact_limit)
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


def _solve_mutual(
    n: int,
    i: I64,
    j: I64,
    w: F64,
    mutual: npt.NDArray[np.bool_],
    maximise_matched: bool,
    exact_limit: int | None,
) -> Solution:
    positive = (w > 0) | mutual | maximise_matched
    matchable = len(sorted_unique(np.concatenate([i[positive], j[positive]])))
    if exact_limit is None or matchable <= exact_limit:
        return mutual_first_matching(n, i, j, w, mutual, maximise_matched=maximise_matched)
    bonus = MUTUAL_BONUSES[0]
    lift: F64 | float = 0.0
    if maximise_matched:
        lift = 2.0 * (bonus + 1.0) * (_component_pairs(n, i, j) + 1.0).astype(np.float64)
    tiered = _tiered_weights(w, mutual.astype(np.float64), bonus, lift)
    a, b, bound = relaxed_matching(i, j, tiered)
    return Solution(_as_pairs(a, b), _total(i, j, tiered, a, b), bound, exact=False)


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
    return float(w[_edge_index(i, j, a, b)].sum())


def _edge_index(i: I64, j: I64, a: I64, b: I64) -> I64:
    """Position in ``(i, j)`` of each pair ``(a, b)`` (``a < b``; each pair is an edge)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    size = int(max(hi.max(), b.max())) + 1
    edge_keys = lo * size + hi
    order = np.argsort(edge_keys, kind="stable")
    pos = np.searchsorted(edge_keys[order], a * size + b)
    return order[pos].astype(np.int64)
