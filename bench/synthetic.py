"""Synthetic members for benchmarks (fixed seed)."""

from __future__ import annotations

import numpy as np

from tandem.matching.engine import Member, Slot

ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Madrid",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
)
STAGES = ("student", "early", "mid", "senior", "executive")


def synthetic_members(n: int, seed: int = 42) -> list[Member]:
    """About 3 skills offered and 3 wanted out of 200, stage 1..5, 2 to 4 goals out
    of 50, 2 to 5 weekly evening/lunch slots of 1 to 3 hours in one of 9 zones."""
    rng = np.random.default_rng(seed)
    skills = [f"skill {k}" for k in range(200)]
    goals = [f"goal {k}" for k in range(50)]
    out: list[Member] = []
    for i in range(n):
        offers = rng.choice(200, size=int(rng.integers(2, 5)), replace=False)
        wants = rng.choice(200, size=int(rng.integers(2, 5)), replace=False)
        g = rng.choice(50, size=int(rng.integers(2, 5)), replace=False)
        slots = []
        for _ in range(int(rng.integers(2, 6))):
            day = int(rng.integers(0, 7))
            start = int(rng.choice([7, 8, 12, 13, 17, 18, 19, 20])) * 60
            end = min(start + int(rng.integers(1, 4)) * 60, 1440)
            slots.append(Slot(day, start, end))
        out.append(
            Member(
                id=f"m{i}",
                name=f"Member {i}",
                time_zone=ZONES[int(rng.integers(0, len(ZONES)))],
                availability=tuple(sorted(set(slots))),
                offers=tuple(skills[k] for k in offers),
                wants=tuple(skills[k] for k in wants),
                goals=tuple(goals[k] for k in g),
                stage=STAGES[int(rng.integers(0, 5))],
                organisation=f"org {int(rng.integers(0, 20))}",
                department=f"dept {int(rng.integers(0, 5))}",
            )
        )
    return out
