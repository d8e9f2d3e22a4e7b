"""Exact maximum-weight matching on a sparse graph, through PyMatching.

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

import numpy as np
import numpy.typing as npt
import pymatching
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

__all__ = ["bottleneck_matching", "max_weight_matching"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
#: Added to each member's boundary cost so that every inequality above is strict.
DELTA = 1e-3


def _solve(n: int, i: I64, j: I64, w: F64) -> list[tuple[int, int]]:
    """Min-cost perfect matching with boundary; ``w`` in [0, 1], returns pairs (a < b), sorted."""
    a, b = _solve_arrays(i, j, w)
    return list(zip(a.tolist(), b.tolist(), strict=True))


def _solve_arrays(i: I64, j: I64, w: F64) -> tuple[I64, I64]:
    """:func:`_solve` as two arrays ``(a, b)``, ``a < b``, sorted by ``(a, b)``."""
    keep = w > 0
    i, j, w = i[keep], j[keep], w[keep]
    if len(i) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    nodes = _sorted_unique(np.concatenate([i, j]))
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
    if not _isin_sorted(pair_keys, edge_keys).all():  # pragma: no cover (see comment above)
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


def _sorted_unique(values: I64) -> I64:
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _isin_sorted(values: I64, sorted_set: I64) -> npt.NDArray[np.bool_]:
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[pos] == values


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
