"""Matching benchmark: phases, peak memory, quality against the exact full-graph optimum.

Run: ``.venv/bin/python -m bench.matching`` (all sizes), ``--quick`` for a short
run, ``--sizes 1000,10000`` to choose. Each size runs in a fresh subprocess so
that peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from bench.synthetic import synthetic_members
from tandem.matching.engine import MatchConfig, match_members
from tandem.matching.engine.candidates import candidate_graph
from tandem.matching.engine.explain import explain_pair
from tandem.matching.engine.features import encode
from tandem.matching.engine.scoring import feasible_pairs, score_pairs
from tandem.matching.engine.solver import max_weight_matching

REFERENCE = dt.date(2027, 1, 6)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall_s": round(wall - start[0], 3), "cpu_s": round(cpu - start[1], 3)}


def full_graph_optimum(members: list[Any], config: MatchConfig) -> tuple[float, int, float]:
    """Exact optimum on the full graph (every feasible pair) with PyMatching."""
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    i, j = np.triu_indices(f.n, 1)
    i, j = i.astype(np.int64), j.astype(np.int64)
    ok = feasible_pairs(f, i, j)
    i, j = i[ok], j[ok]
    w, _ = score_pairs(f, i, j, config.weights)
    start = time.perf_counter()
    pairs = max_weight_matching(f.n, i, j, w)
    lookup = dict(zip((i * f.n + j).tolist(), w.tolist(), strict=True))
    total = sum(lookup[a * f.n + b] for a, b in pairs)
    return total, len(i), time.perf_counter() - start


def networkx_full(members: list[Any], config: MatchConfig) -> dict[str, float]:
    import networkx as nx

    f = encode(members, config.reference_date, config.min_meeting_minutes)
    i, j = np.triu_indices(f.n, 1)
    i, j = i.astype(np.int64), j.astype(np.int64)
    ok = feasible_pairs(f, i, j)
    i, j = i[ok], j[ok]
    w, _ = score_pairs(f, i, j, config.weights)
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(i.tolist(), j.tolist(), w.tolist(), strict=True))
    start = time.perf_counter()
    matching = nx.max_weight_matching(graph)
    seconds = time.perf_counter() - start
    total = sum(graph[a][b]["weight"] for a, b in matching)
    return {"seconds": round(seconds, 2), "total": total, "edges": len(i)}


def run_one(n: int, k: int, optimum: bool, with_networkx: bool) -> dict[str, Any]:
    members = synthetic_members(n, seed=42)
    config = MatchConfig(reference_date=REFERENCE, candidates_per_member=k)
    out: dict[str, Any] = {"n": n, "k": k}
    # Phases, as the engine runs them (pairs, no trios).
    start = _clock()
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    gi, gj, gw = candidate_graph(
        f, list(range(n)), config.weights, np.zeros(0, np.int64), k, config.dense_limit, 0
    )
    out["candidates"] = _since(start) | {"edges": len(gi), "peak_rss_mib": round(_rss_mib())}
    start = _clock()
    pairs = max_weight_matching(n, gi, gj, gw)
    out["solve"] = _since(start) | {"pairs": len(pairs), "peak_rss_mib": round(_rss_mib())}
    start = _clock()
    for a, b in pairs:
        explain_pair(f, a, b, config.weights)
    out["explanations"] = _since(start) | {"peak_rss_mib": round(_rss_mib())}
    del f, gi, gj, gw
    # End to end through the public API.
    start = _clock()
    result = match_members(members, config)
    out["end_to_end"] = _since(start) | {"peak_rss_mib": round(_rss_mib())}
    out["matched"] = result.stats.matched
    out["total_score"] = round(result.stats.total_score, 4)
    out["mean_score"] = round(result.stats.mean_score, 4)
    out["min_score"] = round(result.stats.min_score, 4)
    if optimum:
        total, edges, seconds = full_graph_optimum(members, config)
        out["optimum"] = {
            "total": round(total, 4),
            "full_edges": edges,
            "solve_s": round(seconds, 2),
            "ratio": round(result.stats.total_score / total, 5),
        }
    if with_networkx:
        nxr = networkx_full(members, config)
        out["networkx_full"] = nxr | {
            "ratio_engine": round(result.stats.total_score / nxr["total"], 5)
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--quick", action="store_true", help="sizes 1000,2000; networkx at 500 only"
    )
    parser.add_argument("--k", type=int, default=20, help="candidates per member")
    parser.add_argument("--networkx-sizes", default="500,1000")
    parser.add_argument("--optimum-limit", type=int, default=2000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--networkx", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        report = run_one(args.one, args.k, args.one <= args.optimum_limit, args.networkx)
        print(json.dumps(report))
        return 0
    sizes = [1000, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    nx_sizes = [500] if args.quick else [int(s) for s in args.networkx_sizes.split(",") if s]
    for n in sorted(set(sizes) | set(nx_sizes)):
        command = [sys.executable, "-m", "bench.matching", "--one", str(n), "--k", str(args.k)]
        command += ["--optimum-limit", str(args.optimum_limit)]
        if n in nx_sizes:
            command.append("--networkx")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        print(done.stdout.strip() or done.stderr.strip()[-2000:], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
