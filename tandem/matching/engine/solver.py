"""Exact maximum-weight matching on a sparse graph, through PyMatching.

PyMatching (sparse blossom) solves minimum-weight perfect matching of
detection events. Reduction: every member is a detection event with an edge
to the boundary of cost 1 (staying single); a pair of weight ``w`` in [0, 1]
costs ``2 - (1 - EPS) * w``. All costs are in (1, 2], so any path through
three or more members costs more than sending its two ends to the boundary:
the optimum consists of single edges, i.e. it is a matching, and its cost is
``N - (1 - EPS) * total weight``. Minimising cost maximises total weight.
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
EPS = 1e-6


def _solve(n: int, i: I64, j: I64, w: F64) -> list[tuple[int, int]]:
    """Min-cost perfect matching with boundary; ``w`` in [0, 1], returns pairs (a < b)."""
    keep = w > 0
    i, j, w = i[keep], j[keep], w[keep]
    if len(i) == 0:
        return []
    nodes = np.unique(np.concatenate([i, j]))
    local_i = np.searchsorted(nodes, i)
    local_j = np.searchsorted(nodes, j)
    m, e = len(nodes), len(i)
    rows = np.concatenate([local_i, local_j, np.arange(m)])
    cols = np.concatenate([np.arange(e), np.arange(e), e + np.arange(m)])
    check = sp.csc_matrix((np.ones(len(rows), dtype=np.uint8), (rows, cols)), shape=(m, e + m))
    costs = np.concatenate([2.0 - (1.0 - EPS) * w, np.ones(m)])
    matching = pymatching.Matching.from_check_matrix(check, weights=costs)
    edges = matching.decode_to_edges_array(np.ones(m, dtype=np.uint8))
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for a, b in edges.tolist():
        if a < 0 or b < 0 or a in used or b in used:
            continue
        used.update((a, b))
        x, y = int(nodes[a]), int(nodes[b])
        pairs.append((min(x, y), max(x, y)))
    pairs.sort()
    return pairs


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
    about ``c * 2**-23``. Time: sparse blossom, near-linear on these graphs in
    practice (O(E * N) worst case); memory O(N + E).

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
    if maximise_matched and len(i):
        graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
        _, label = connected_components(graph, directed=False)
        sizes = np.bincount(label)
        bonus = sizes[label[i]] / 2.0 + 1.0
        w = (w + bonus) / (1.0 + bonus)
    return _solve(n, i, j, w)


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
