"""Encode members as bit sets (Python ints and NumPy word arrays) for scoring."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .arrays import I64
from .timeweek import BINS, free_mask, window_mask
from .types import STAGE_LEVELS, Member

__all__ = ["Features", "encode", "key_of"]

U64 = npt.NDArray[np.uint64]


def key_of(text: str) -> str:
    """Comparison key of a tag: whitespace collapsed, case-folded."""
    return " ".join(text.split()).casefold()


class _Vocab:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.names: list[str] = []
        # Raw text -> id (-1 for blank), so each distinct spelling is normalised once.
        self.raw: dict[str, int] = {}

    def _id(self, item: str) -> int:
        key = key_of(item)
        if not key:
            value = -1
        elif key in self.index:
            value = self.index[key]
        else:
            value = self.index[key] = len(self.names)
            self.names.append(" ".join(item.split()))
        self.raw[item] = value
        return value

    def ids(self, items: Sequence[str]) -> frozenset[int]:
        raw = self.raw
        out = frozenset(raw[x] if x in raw else self._id(x) for x in items)
        return out - {-1} if -1 in out else out


def _int_words(values: Sequence[int], size: int) -> U64:
    width = max(1, -(-size // 64))
    buf = b"".join(v.to_bytes(width * 8, "little") for v in values)
    return np.frombuffer(buf, dtype="<u8").reshape(len(values), width).astype(np.uint64)


def _csr(sets: Sequence[frozenset[int]]) -> tuple[I64, I64]:
    """Row pointers and sorted column ids of a list of sets (CSR incidence)."""
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    ptr = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    idx = np.fromiter(itertools.chain.from_iterable(map(sorted, sets)), np.int64, int(ptr[-1]))
    return ptr, idx


def _csr_words(ptr: I64, idx: I64, size: int) -> U64:
    width = max(1, -(-size // 64))
    bits = np.zeros((len(ptr) - 1, width * 64), dtype=bool)
    bits[np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)), idx] = True
    packed = np.packbits(bits, axis=1, bitorder="little")
    return packed.view("<u8").astype(np.uint64)


def _columns(words: U64) -> U64:
    return np.ascontiguousarray(words.T)


@dataclass(frozen=True)
class Features:
    """Members encoded for scoring; index ``i`` is the ``i``-th input member.

    Tag sets are kept three ways: Python sets (scalar scoring and reasons),
    64-bit words per member (``offers`` etc., one row per member) and the same
    words column-major (``offers_cols`` etc., one row per word, so vectorised
    code gathers contiguous 1-D arrays), plus CSR incidence lists
    (``offers_csr`` = ``(indptr, indices)``, ids sorted within a member) for
    the candidate index.
    """

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
    offers_cols: U64
    wants_cols: U64
    goals_cols: U64
    langs_cols: U64
    free_cols: U64
    window_cols: U64
    offers_csr: tuple[I64, I64]
    wants_csr: tuple[I64, I64]
    goals_csr: tuple[I64, I64]
    free_bins: I64
    window_summary: U64


def encode(members: Sequence[Member], reference_date: dt.date, min_minutes: int) -> Features:
    """Encode members; O(N * (tags + slots)) time and memory.

    Each distinct tag spelling, organisation, department and stage text is
    normalised once (dictionaries), so repeated values cost a lookup.
    """
    skills, goals, langs = _Vocab(), _Vocab(), _Vocab()
    offers_sets = tuple(skills.ids(m.offers) for m in members)
    wants_sets = tuple(skills.ids(m.wants) for m in members)
    goal_sets = tuple(goals.ids(m.goals) for m in members)
    lang_sets = tuple(langs.ids(m.languages) for m in members)
    free_ints = tuple(free_mask(m.availability, m.time_zone, reference_date) for m in members)
    window_ints = tuple(_window_masks(free_ints, min_minutes))
    n = len(members)
    stage_of: dict[str, int] = {}
    org_of: dict[str, int] = {}
    dept_of: dict[tuple[int, str], int] = {}
    orgs: dict[str, int] = {}
    depts: dict[tuple[int, str], int] = {}
    org = np.full(n, -1, dtype=np.int32)
    dept = np.full(n, -1, dtype=np.int32)
    stage = np.zeros(n, dtype=np.int8)
    for i, m in enumerate(members):
        level = stage_of.get(m.stage)
        if level is None:
            level = stage_of[m.stage] = STAGE_LEVELS.get(m.stage.strip().lower(), 0)
        stage[i] = level
        o = org_of.get(m.organisation)
        if o is None:
            okey = key_of(m.organisation)
            o = org_of[m.organisation] = orgs.setdefault(okey, len(orgs)) if okey else -1
        if o >= 0:
            org[i] = o
            d = dept_of.get((o, m.department))
            if d is None:
                dkey = key_of(m.department)
                d = depts.setdefault((o, dkey), len(depts)) if dkey else -1
                dept_of[(o, m.department)] = d
            dept[i] = d
    offers_csr = _csr(offers_sets)
    wants_csr = _csr(wants_sets)
    goals_csr = _csr(goal_sets)
    offers = _csr_words(*offers_csr, len(skills.names))
    wants = _csr_words(*wants_csr, len(skills.names))
    goal_words = _csr_words(*goals_csr, len(goals.names))
    lang_words = _csr_words(*_csr(lang_sets), len(langs.names))
    free = _int_words(free_ints, BINS)
    window = _int_words(window_ints, BINS)
    return Features(
        n=n,
        members=tuple(members),
        offers_sets=offers_sets,
        wants_sets=wants_sets,
        goal_sets=goal_sets,
        lang_sets=lang_sets,
        free_ints=free_ints,
        window_ints=window_ints,
        skill_names=tuple(skills.names),
        goal_names=tuple(goals.names),
        offers=offers,
        wants=wants,
        goals=goal_words,
        langs=lang_words,
        free=free,
        window=window,
        stage=stage,
        org=org,
        dept=dept,
        reference_date=reference_date,
        offers_cols=_columns(offers),
        wants_cols=_columns(wants),
        goals_cols=_columns(goal_words),
        langs_cols=_columns(lang_words),
        free_cols=_columns(free),
        window_cols=_columns(window),
        offers_csr=offers_csr,
        wants_csr=wants_csr,
        goals_csr=goals_csr,
        free_bins=np.bitwise_count(free).sum(axis=1, dtype=np.int64),
        window_summary=_summary(window),
    )


#: Bins folded into each bit of :attr:`Features.window_summary`.
SUMMARY_BINS = 11


def _summary(words: U64) -> U64:
    """One word per member: bit ``b`` is set when any of bins ``11b .. 11b+10`` is.

    Two members whose summaries share no bit share no bin (a cheap first test).
    """
    bits = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")[:, :BINS]
    groups = -(-BINS // SUMMARY_BINS)
    padded = np.zeros((len(words), groups * SUMMARY_BINS), dtype=np.uint8)
    padded[:, :BINS] = bits
    folded = padded.reshape(len(words), groups, SUMMARY_BINS).any(axis=2)
    wide = np.zeros((len(words), 64), dtype=bool)
    wide[:, :groups] = folded
    return np.packbits(wide, axis=1, bitorder="little").view("<u8").ravel().astype(np.uint64)


def _window_masks(free_ints: Sequence[int], min_minutes: int) -> list[int]:
    cache: dict[int, int] = {}
    out = []
    for value in free_ints:
        mask = cache.get(value)
        if mask is None:
            mask = cache[value] = window_mask(value, min_minutes)
        out.append(mask)
    return out
