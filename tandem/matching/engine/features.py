"""Encode members as bit sets (Python ints and NumPy word arrays) for scoring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .timeweek import BINS, free_mask, window_mask
from .types import STAGE_LEVELS, Member

__all__ = ["Features", "encode", "key_of"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def key_of(text: str) -> str:
    """Comparison key of a tag: whitespace collapsed, case-folded."""
    return " ".join(text.split()).casefold()


class _Vocab:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.names: list[str] = []

    def ids(self, items: Sequence[str]) -> frozenset[int]:
        out: set[int] = set()
        for item in items:
            key = key_of(item)
            if not key:
                continue
            if key not in self.index:
                self.index[key] = len(self.names)
                self.names.append(" ".join(item.split()))
            out.add(self.index[key])
        return frozenset(out)


def _int_words(values: Sequence[int], size: int) -> U64:
    width = max(1, -(-size // 64))
    buf = b"".join(v.to_bytes(width * 8, "little") for v in values)
    return np.frombuffer(buf, dtype="<u8").reshape(len(values), width).astype(np.uint64)


def _set_words(sets: Sequence[frozenset[int]], size: int) -> U64:
    width = max(1, -(-size // 64))
    bits = np.zeros((len(sets), width * 64), dtype=bool)
    rows = [i for i, s in enumerate(sets) for _ in s]
    cols = [c for s in sets for c in s]
    bits[rows, cols] = True
    packed = np.packbits(bits, axis=1, bitorder="little")
    return packed.view("<u8").astype(np.uint64)


@dataclass(frozen=True)
class Features:
    """Members encoded for scoring; index ``i`` is the ``i``-th input member."""

    n: int
    members: tuple[Member, ...]
    offers_sets: tuple[frozenset[int], ...]
    wants_sets: tuple[frozenset[int], ...]
    goal_sets: tuple[frozenset[int], ...]
    lang_sets: tuple[frozenset[int], ...]
    free_ints: tuple[int, ...]
    window_ints: tuple[int, ...]
    skill_names: tuple[str, ...]
    goal_names: tuple[str, ...]
    offers: U64
    wants: U64
    goals: U64
    langs: U64
    free: U64
    window: U64
    stage: npt.NDArray[np.int8]
    org: npt.NDArray[np.int32]
    dept: npt.NDArray[np.int32]
    reference_date: dt.date


def encode(members: Sequence[Member], reference_date: dt.date, min_minutes: int) -> Features:
    """Encode members; O(N * (tags + slots)) time and memory."""
    skills, goals, langs = _Vocab(), _Vocab(), _Vocab()
    orgs: dict[str, int] = {}
    depts: dict[tuple[int, str], int] = {}
    offers_sets = tuple(skills.ids(m.offers) for m in members)
    wants_sets = tuple(skills.ids(m.wants) for m in members)
    goal_sets = tuple(goals.ids(m.goals) for m in members)
    lang_sets = tuple(langs.ids(m.languages) for m in members)
    free_ints = tuple(free_mask(m.availability, m.time_zone, reference_date) for m in members)
    window_ints = tuple(window_mask(f, min_minutes) for f in free_ints)
    org = np.full(len(members), -1, dtype=np.int32)
    dept = np.full(len(members), -1, dtype=np.int32)
    stage = np.zeros(len(members), dtype=np.int8)
    for i, m in enumerate(members):
        stage[i] = STAGE_LEVELS.get(m.stage.strip().lower(), 0)
        okey = key_of(m.organisation)
        if okey:
            org[i] = orgs.setdefault(okey, len(orgs))
            dkey = key_of(m.department)
            if dkey:
                dept[i] = depts.setdefault((int(org[i]), dkey), len(depts))
    return Features(
        n=len(members),
        members=tuple(members),
        offers_sets=offers_sets,
        wants_sets=wants_sets,
        goal_sets=goal_sets,
        lang_sets=lang_sets,
        free_ints=free_ints,
        window_ints=window_ints,
        skill_names=tuple(skills.names),
        goal_names=tuple(goals.names),
        offers=_set_words(offers_sets, len(skills.names)),
        wants=_set_words(wants_sets, len(skills.names)),
        goals=_set_words(goal_sets, len(goals.names)),
        langs=_set_words(lang_sets, len(langs.names)),
        free=_int_words(free_ints, BINS),
        window=_int_words(window_ints, BINS),
        stage=stage,
        org=org,
        dept=dept,
        reference_date=reference_date,
    )
