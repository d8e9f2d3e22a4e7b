"""Matching benchmark: phases, peak memory, quality against the exact full-graph optimum.

Run: ``.venv/bin/python -m bench.matching`` (all sizes), ``--quick`` for a short
run, ``--sizes 1000,10000`` to choose. Each size runs in a fresh subprocess
(``--one N``) that prints one JSON object per line as each measurement ends,
so a size whose solve runs past ``--solve-timeout`` still reports the other
measurements. The end-to-end call runs first, in a fork of a process that has
only built the members (no warm cache); then the phases one by one.

Times are wall (``time.perf_counter``) and CPU (``time.process_time`` of the
process that did the work; the engine is single-threaded). Peak memory is
``ru_maxrss`` of the process that did the work: the phases run in the size's
process (cumulative high-water mark, including the interpreter and the
synthetic members), the solve and the end-to-end call each in a forked child
(its own high-water mark, which includes the pages it inherited, such as
the members).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.synthetic import synthetic_members
from tandem.matching.engine import BothGain, MatchConfig, match_members
from tandem.matching.engine.candidates import candidate_graph
from tandem.matching.engine.explain import explain_pair
from tandem.matching.engine.features import encode
from tandem.matching.engine.scoring import feasible_pairs, mutual_pairs, score_pairs
from tandem.matching.engine.solver import Solution, solve_matching

REFERENCE = dt.date(2027, 1, 6)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall_s": round(wall - start[0], 3), "cpu_s": round(cpu - start[1], 3)}


def _emit(report: dict[str, Any]) -> None:
    print(json.dumps(report), flush=True)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _in_child(work: Callable[[], Any], timeout: float) -> dict[str, Any]:
    """Run ``work`` in a forked child; its result, wall/CPU time and peak RSS, or a timeout."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def target() -> None:
        start = _clock()
        result = work()
        child.send({"result": result, **_since(start), "peak_rss_mib": round(_rss_mib())})

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    process = ctx.Process(target=target)
    start = time.perf_counter()
    process.start()
    if parent.poll(timeout):
        out: dict[str, Any] = parent.recv()
        process.join()
        return out
    process.kill()
    process.join()
    used = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    return {
        "did_not_finish": True,
        "wall_s": round(time.perf_counter() - start, 1),
        "cpu_s_at_least": round(used, 1),
    }


def _graph(members: list[Any], config: MatchConfig) -> tuple[Any, Any, Any, Any]:
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    i, j = np.triu_indices(f.n, 1)
    i, j = i.astype(np.int64), j.astype(np.int64)
    ok = feasible_pairs(f, i, j)
    i, j = i[ok], j[ok]
    w, _ = score_pairs(f, i, j, config.weights)
    return f, i, j, w


def full_graph_optimum(members: list[Any], config: MatchConfig) -> tuple[float, int, float]:
    """Exact optimum on the full graph (every feasible pair) with PyMatching."""
    f, i, j, w = _graph(members, config)
    start = time.perf_counter()
    total = solve_matching(f.n, i, j, w, exact_limit=None).weight
    return total, len(i), time.perf_counter() - start


def networkx_full(members: list[Any], config: MatchConfig) -> dict[str, float]:
    """networkx ``max_weight_matching`` on the same full graph."""
    import networkx as nx

    _, i, j, w = _graph(members, config)
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(i.tolist(), j.tolist(), w.tolist(), strict=True))
    start = _clock()
    matching = nx.max_weight_matching(graph)
    took = _since(start)
    total = sum(graph[a][b]["weight"] for a, b in matching)
    return {**took, "total": total, "edges": len(i)}


#: The kinds of "both gain" measured; "off" is the score-only engine (skill swaps counted).
BOTH_GAIN_RUNS: tuple[BothGain, ...] = ("off", "skill_swap", "shared_goals")
#: Scores are rounded to integers of this resolution for the exact reference.
REFERENCE_SCALE = 10**9


def _gain_summary(stats: Any) -> dict[str, Any]:
    return {
        "matched": stats.matched,
        "pairs": stats.pairs,
        "mutual_pairs": stats.mutual_pairs,
        "mutual_share": round(stats.mutual_pairs / stats.pairs, 4) if stats.pairs else 0.0,
        "total_score": round(stats.total_score, 4),
        "exact": stats.exact,
    }


def lexicographic_reference(
    members: list[Any], config: MatchConfig, kind: BothGain
) -> dict[str, Any]:
    """Independent exact reference for "both gain first": networkx on the full graph.

    Every feasible pair (not the engine's candidates), integer weights
    ``K2 + K1 * mutual + round(score * 10**9)`` with ``K1 = (p + 1) * 10**9`` and
    ``K2 = (p + 1) * (K1 + 10**9)`` for ``p = N // 2``: Python integers, so networkx's
    blossom is exact, and one pair more outweighs any mutual pairs and score, one mutual
    pair more any score. ``kind`` "off": the same without the mutual tier.
    """
    import networkx as nx

    f, i, j, w = _graph(members, config)
    mutual = mutual_pairs(f, i, j, "skill_swap" if kind == "off" else kind)
    p = f.n // 2
    k1 = (p + 1) * REFERENCE_SCALE if kind != "off" else 0
    k2 = (p + 1) * (k1 + REFERENCE_SCALE)
    scaled = np.rint(w * REFERENCE_SCALE).astype(np.int64).tolist()
    graph = nx.Graph()
    for a, b, q, m, score in zip(
        i.tolist(), j.tolist(), scaled, mutual.tolist(), w.tolist(), strict=True
    ):
        graph.add_edge(a, b, weight=k2 + k1 * int(m) + q, score=score, mutual=m)
    start = _clock()
    matching = nx.max_weight_matching(graph)
    took = _since(start)
    both = sum(1 for a, b in matching if graph[a][b]["mutual"])
    return {
        **took,
        "full_edges": len(i),
        "matched": 2 * len(matching),
        "pairs": len(matching),
        "mutual_pairs": both,
        "mutual_share": round(both / len(matching), 4) if matching else 0.0,
        "total_score": round(sum(graph[a][b]["score"] for a, b in matching), 4),
    }


def _greedy(n: int, i: Any, j: Any, w: Any) -> list[tuple[int, int]]:
    """Heaviest edge first (only to time explanations when the solve did not finish)."""
    used = np.zeros(n, dtype=bool)
    pairs = []
    for k in np.lexsort((np.arange(len(w)), -w)).tolist():
        a, b = int(i[k]), int(j[k])
        if not (used[a] or used[b]):
            used[a] = used[b] = True
            pairs.append((a, b))
    return pairs


def run_one(
    n: int,
    k: int,
    optimum: bool,
    with_networkx: bool,
    timeout: float,
    exact: bool = False,
    reference: bool = False,
) -> None:
    """Measure one size; print one JSON line per measurement."""
    start = _clock()
    members = synthetic_members(n, seed=42)
    _emit({"n": n, "k": k, "synthetic_members": _since(start), "at_start": _load()})
    config = MatchConfig(reference_date=REFERENCE, candidates_per_member=k)
    if exact:
        config = dataclasses.replace(config, exact_limit=None)
    # End to end through the public API first, in a fork of a process that has
    # only built the members, so no cache of an earlier phase helps it.
    e2e = _in_child(lambda: match_members(members, config).stats, timeout)
    stats = e2e.pop("result", None)
    report: dict[str, Any] = {"n": n, "end_to_end": e2e, "at_end": _load()}
    if stats is not None:
        report |= {
            "matched": stats.matched,
            "total_score": round(stats.total_score, 4),
            "mean_score": round(stats.mean_score, 4),
            "min_score": round(stats.min_score, 4),
            "exact": stats.exact,
            "certified_gap": stats.certified_gap,
        }
    _emit(report)
    # Both gain first, as programs run it (the most matched, then mutual pairs, then score),
    # each in its own fork; "off" is the score-only engine with the most matched.
    for kind in BOTH_GAIN_RUNS:
        gain_config = dataclasses.replace(config, maximise_matched=True, both_gain=kind)
        run = _in_child(functools.partial(match_members, members, gain_config), timeout)
        result = run.pop("result", None)
        gain: dict[str, Any] = {"n": n, "both_gain": kind, "end_to_end": run}
        if result is not None:
            gain |= _gain_summary(result.stats)
        _emit(gain)
        if reference:
            _emit(
                {
                    "n": n,
                    "both_gain": kind,
                    "reference": lexicographic_reference(members, config, kind),
                    "at_end": _load(),
                }
            )
    # Phases, as the engine runs them (pairs, no trios, no rules).
    start = _clock()
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    _emit({"n": n, "encode": _since(start)})
    start = _clock()
    gi, gj, gw = candidate_graph(
        f, list(range(n)), config.weights, np.zeros(0, np.int64), k, config.dense_limit, 0
    )
    cand = _since(start) | {"edges": len(gi), "peak_rss_mib": round(_rss_mib())}
    _emit({"n": n, "candidates": cand})
    solve = _in_child(
        functools.partial(solve_matching, n, gi, gj, gw, exact_limit=config.exact_limit), timeout
    )
    solved: Solution | None = solve.pop("result", None)
    pairs = solved.pairs if solved is not None else None
    if solved is not None:
        solve |= {
            "pairs": len(solved.pairs),
            "exact": solved.exact,
            "weight": round(solved.weight, 4),
            "bound": round(solved.bound, 4),
            "certified_gap": solved.gap,
        }
    _emit({"n": n, "solve": solve})
    explained = pairs if pairs is not None else _greedy(n, gi, gj, gw)
    start = _clock()
    for a, b in explained:
        explain_pair(f, a, b, config.weights)
    source = "solved" if pairs is not None else "greedy (solve did not finish)"
    took = _since(start) | {"pairs": len(explained), "pairs_from": source}
    _emit({"n": n, "explanations": took | {"peak_rss_mib": round(_rss_mib())}, "at_end": _load()})
    del f, gi, gj, gw
    if stats is not None and optimum:
        total, edges, seconds = full_graph_optimum(members, config)
        _emit(
            {
                "n": n,
                "optimum": {
                    "total": round(total, 4),
                    "full_edges": edges,
                    "solve_wall_s": round(seconds, 2),
                    "ratio": round(stats.total_score / total, 5),
                },
            }
        )
    if stats is not None and with_networkx:
        nxr = networkx_full(members, config)
        nxr["ratio_engine"] = round(stats.total_score / nxr["total"], 5)
        nxr["total"] = round(nxr["total"], 4)
        _emit({"n": n, "networkx_full": nxr, "at_end": _load()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,2000,10000,100000")
    parser.add_argument(
        "--quick", action="store_true", help="sizes 1000,2000; networkx at 500 only"
    )
    parser.add_argument("--k", type=int, default=20, help="candidates per member")
    parser.add_argument("--networkx-sizes", default="500,1000")
    parser.add_argument("--optimum-limit", type=int, default=2000)
    parser.add_argument(
        "--reference-sizes",
        default="1000",
        help="sizes where networkx solves 'both gain first' exactly on the full graph",
    )
    parser.add_argument(
        "--solve-timeout", type=float, default=600.0, help="wall seconds per solve / end to end"
    )
    parser.add_argument(
        "--exact", action="store_true", help="solve exactly at every size (no relaxation)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--networkx", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        optimum = args.one <= args.optimum_limit
        run_one(
            args.one,
            args.k,
            optimum,
            args.networkx,
            args.solve_timeout,
            args.exact,
            args.reference,
        )
        return 0
    sizes = [1000, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    nx_sizes = [500] if args.quick else [int(s) for s in args.networkx_sizes.split(",") if s]
    ref_sizes = [] if args.quick else [int(s) for s in args.reference_sizes.split(",") if s]
    for n in sorted(set(sizes) | set(nx_sizes) | set(ref_sizes)):
        command = [sys.executable, "-m", "bench.matching", "--one", str(n), "--k", str(args.k)]
        command += ["--optimum-limit", str(args.optimum_limit)]
        command += ["--solve-timeout", str(args.solve_timeout)]
        if args.exact:
            command.append("--exact")
        if n in nx_sizes:
            command.append("--networkx")
        if n in ref_sizes:
            command.append("--reference")
        done = subprocess.run(command, check=False)  # streams its JSON lines
        if done.returncode:
            print(json.dumps({"n": n, "exit_code": done.returncode}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
