"""Circles of 3 to 5 people: seeded greedy start, then local search (moves and swaps)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

from .candidates import candidate_graph
from .features import Features
from .scoring import pair_score
from .types import Weights

__all__ = ["MAX_CIRCLE", "MIN_CIRCLE", "form_circles"]

MIN_CIRCLE = 3
MAX_CIRCLE = 5
MAX_PASSES = 30
NEIGHBOURS = 40


def form_circles(
    f: Features,
    *,
    allowed: Callable[[int, int], bool],
    weights: Weights,
    size: int,
    seed: int,
    lock_groups: Sequence[Sequence[int]] = (),
) -> tuple[list[list[int]], list[int]]:
    """Group members into circles maximising the sum of pair scores inside circles.

    Parameters
    ----------
    f : Features
        Encoded members.
    allowed : callable
        ``allowed(a, b)`` is False when a rule keeps ``a`` and ``b`` apart.
    weights : Weights
        Score weights.
    size : int
        Target circle size (3..5); the number of circles is about N / size.
    seed : int
        Seed of the visiting order.
    lock_groups : sequence of sequences of int
        Members that must share a circle; they start together and never move.

    Returns
    -------
    (circles, left) : list of lists of int, list of int
        Circles of 3..5 member indices, and members not placed (input order).

    Notes
    -----
    Every pair inside a circle must be allowed by the rules and share a
    language, and the whole circle must share at least one free window of
    the meeting length (so every pair shares an hour too). Locked groups are
    kept even if they break these rules (the coordinator decided).
    Start: members in seeded random order join the feasible circle where they
    add most, opening a new circle while fewer than N / size exist. Then
    passes of single moves and pairwise swaps between circles that contain a
    candidate neighbour, accepting any strict improvement, until a pass
    changes nothing (at most 30 passes). Time O(passes * N * d * s) with d
    neighbours per member and s circle size; memory O(N * d). A local optimum,
    not a proven optimum.
    """
    rng = random.Random(seed)
    n = f.n
    locked = {x for g in lock_groups for x in g}
    gi, gj, _ = candidate_graph(
        f, list(range(n)), weights, np.zeros(0, np.int64), NEIGHBOURS, 3000, seed
    )
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(gi.tolist(), gj.tolist(), strict=True):
        if allowed(a, b):
            neighbours[a].add(b)
            neighbours[b].add(a)
    cache: dict[tuple[int, int], float] = {}

    def score(a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in cache:
            cache[key] = pair_score(f, key[0], key[1], weights).score
        return cache[key]

    def compatible(a: int, b: int) -> bool:
        return (
            allowed(a, b)
            and (f.window_ints[a] & f.window_ints[b]) != 0
            and not f.lang_sets[a].isdisjoint(f.lang_sets[b])
        )

    def window(circle: Sequence[int]) -> int:
        mask = -1
        for m in circle:
            mask &= f.window_ints[m]
        return mask

    def fits(x: int, circle: Sequence[int], without: int = -1) -> bool:
        others = [c for c in circle if c != without]
        if len(others) + 1 > MAX_CIRCLE:
            return False
        if not all(compatible(x, c) for c in others):
            return False
        return (window(others) & f.window_ints[x]) != 0

    def gain(x: int, circle: Sequence[int], without: int = -1) -> float:
        return sum(score(x, c) for c in circle if c != without and c != x)

    circles: list[list[int]] = [list(g) for g in lock_groups]
    where: dict[int, int] = {x: k for k, g in enumerate(circles) for x in g}
    eligible = [x for x in range(n) if x not in locked and neighbours[x]]
    target = max(1, round((len(eligible) + len(locked)) / size))
    order = eligible[:]
    rng.shuffle(order)
    for x in order:
        best: tuple[float, int] | None = None
        for k, c in enumerate(circles):
            if len(c) < size and fits(x, c):
                g = gain(x, c)
                if best is None or g > best[0]:
                    best = (g, k)
        if best is None and len(circles) < target:
            circles.append([x])
            where[x] = len(circles) - 1
        elif best is None:
            for k, c in enumerate(circles):
                if len(c) < MAX_CIRCLE and fits(x, c):
                    g = gain(x, c)
                    if best is None or g > best[0]:
                        best = (g, k)
            if best is not None:
                circles[best[1]].append(x)
                where[x] = best[1]
        else:
            circles[best[1]].append(x)
            where[x] = best[1]

    def near(x: int) -> list[int]:
        return sorted({where[y] for y in neighbours[x] if y in where} - {where.get(x, -1)})

    def place_small() -> None:
        # Dissolve circles below 3 into others where possible.
        changed = True
        while changed:
            changed = False
            for c in circles:
                if 0 < len(c) < MIN_CIRCLE and not any(x in locked for x in c):
                    for x in list(c):
                        options = [
                            (gain(x, circles[t]), t)
                            for t in near(x)
                            if len(circles[t]) >= MIN_CIRCLE and fits(x, circles[t])
                        ]
                        if options:
                            _, t = max(options, key=lambda o: (o[0], -o[1]))
                            c.remove(x)
                            circles[t].append(x)
                            where[x] = t
                            changed = True

    place_small()
    for _ in range(MAX_PASSES):
        improved = False
        members = [x for x in where if x not in locked]
        members.sort()
        rng.shuffle(members)
        for x in members:
            k = where[x]
            source = circles[k]
            here = gain(x, source)
            best_delta, best_move = 1e-12, None
            for t in near(x):
                dest = circles[t]
                # Move x to t.
                if len(source) - 1 >= MIN_CIRCLE and len(dest) < MAX_CIRCLE and fits(x, dest):
                    delta = gain(x, dest) - here
                    if delta > best_delta:
                        best_delta, best_move = delta, (t, -1)
                # Swap x with y in t.
                for y in dest:
                    if y in locked:
                        continue
                    if not (fits(x, dest, without=y) and fits(y, source, without=x)):
                        continue
                    delta = (
                        gain(x, dest, without=y) + gain(y, source, without=x) - here - gain(y, dest)
                    )
                    if delta > best_delta:
                        best_delta, best_move = delta, (t, y)
            if best_move is not None:
                t, y = best_move
                source.remove(x)
                circles[t].append(x)
                where[x] = t
                if y >= 0:
                    circles[t].remove(y)
                    source.append(y)
                    where[y] = k
                improved = True
        if not improved:
            break
    placed = [sorted(c) for c in circles if len(c) >= MIN_CIRCLE or any(x in locked for x in c)]
    in_circle = {x for c in placed for x in c}
    left = [x for x in range(n) if x not in in_circle]
    # Members left out: join any circle with room where they fit.
    still: list[int] = []
    for x in left:
        options = [(gain(x, c), k) for k, c in enumerate(placed) if fits(x, c)]
        if options:
            _, k = max(options, key=lambda o: (o[0], -o[1]))
            placed[k].append(x)
            placed[k].sort()
        else:
            still.append(x)
    placed.sort()
    return placed, still
