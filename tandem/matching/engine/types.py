"""Plain data types of the matching engine (frozen dataclasses, no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BOTH_GAIN_KINDS",
    "STAGE_LEVELS",
    "BothGain",
    "Group",
    "MatchConfig",
    "MatchResult",
    "MatchStats",
    "Member",
    "Rules",
    "Slot",
    "Unmatched",
    "Weights",
]

STAGE_LEVELS: dict[str, int] = {"student": 1, "early": 2, "mid": 3, "senior": 4, "executive": 5}

#: What counts as a pair where both gain: ``"skill_swap"`` (each offers a skill the other
#: wants), ``"shared_goals"`` (they share a goal), or ``"off"`` (not put first).
BothGain = Literal["off", "skill_swap", "shared_goals"]
BOTH_GAIN_KINDS: tuple[str, ...] = ("off", "skill_swap", "shared_goals")


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly free slot in the member's own time zone.

    ``day`` 0 = Monday .. 6 = Sunday; ``start``/``end`` minutes from local
    midnight, ``0 <= start < end <= 1440``.
    """

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class Member:
    """One person to match (intake answers as plain data).

    ``exclude`` holds ids of members this person must not be paired with;
    an exclusion by either side forbids the pair. ``stage`` is one of the
    keys of :data:`STAGE_LEVELS` or ``""`` when unknown.
    """

    id: str
    name: str
    time_zone: str
    availability: tuple[Slot, ...] = ()
    offers: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    stage: str = ""
    organisation: str = ""
    department: str = ""
    languages: tuple[str, ...] = ("English",)
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Weights:
    """Relative weights of the score components (per program).

    The pair score is the weighted mean of the components, each in [0, 1],
    so the score is in [0, 1] whatever the scale of the weights.
    """

    skill_swap: float = 0.40
    one_way_skill: float = 0.05
    stage_closeness: float = 0.15
    shared_goals: float = 0.15
    shared_hours: float = 0.15
    same_org_other_department: float = 0.10

    def __post_init__(self) -> None:
        values = (
            self.skill_swap,
            self.one_way_skill,
            self.stage_closeness,
            self.shared_goals,
            self.shared_hours,
            self.same_org_other_department,
        )
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ValueError(MSG_BAD_WEIGHTS)


MSG_BAD_WEIGHTS = "Weights must be zero or positive, and at least one must be positive."
MSG_BAD_CIRCLE_SIZE = "Circle size must be between 3 and 5 people."
MSG_BAD_BOTH_GAIN = "Unknown 'both gain' rule {value!r}; use 'off', 'skill_swap' or 'shared_goals'."


@dataclass(frozen=True)
class MatchConfig:
    """Options of one match run.

    Attributes
    ----------
    reference_date : datetime.date
        A day in the week the schedule applies to; weekly local slots are
        converted to UTC with the offsets of that week (so DST is handled).
    weights : Weights
        Score weights.
    format : {"pairs", "circles"}
        Pairs (optionally with trios) or circles of 3 to 5.
    circle_size : int
        Target circle size (3..5); circles differ in size by at most one.
    allow_trios : bool
        Pairs mode: an unmatched member may join a pair as a third.
    maximise_matched : bool
        Match as many people as possible first, then maximise total score.
    both_gain : {"off", "skill_swap", "shared_goals"}
        Pairs: after the number matched (when ``maximise_matched``), maximise
        how many pairs both gain, then the total score, exactly (see
        :func:`~tandem.matching.engine.solver.mutual_first_matching`). Both
        gain in a ``"skill_swap"`` when each offers a skill the other wants,
        with ``"shared_goals"`` when they share a goal. ``"off"``: score only
        (``MatchStats.mutual_pairs`` then counts skill swaps).
    fairness : bool
        Raise the weakest match first (bottleneck), then maximise the total
        above it, keeping at least as many people matched.
    allow_repeats : bool
        Allow pairing people who were partners before (``Rules.history``).
    seed : int
        Seed of the circles local search (pairs use no randomness).
    min_meeting_minutes : int
        Length of the common free window every match needs (default 60).
    candidates_per_member : int
        Each member's best *k* candidates are kept in the sparse graph.
    dense_limit : int
        Up to this many members every pair is scored; above, a certified
        index search finds the same graph without scoring every pair.
    exact_limit : int or None
        Up to this many matchable members the pairs are solved exactly;
        above, by an assignment relaxation with exact repair, whose proven
        bound is reported as ``MatchStats.certified_gap``. ``None``: always
        exact (slow above about 20,000 members, see ``docs/benchmarks.md``).
    """

    reference_date: dt.date
    weights: Weights = field(default_factory=Weights)
    format: Literal["pairs", "circles"] = "pairs"
    circle_size: int = 4
    allow_trios: bool = False
    maximise_matched: bool = False
    both_gain: BothGain = "off"
    fairness: bool = False
    allow_repeats: bool = False
    seed: int = 0
    min_meeting_minutes: int = 60
    candidates_per_member: int = 20
    dense_limit: int = 3000
    exact_limit: int | None = 20_000

    def __post_init__(self) -> None:
        if not 3 <= self.circle_size <= 5:
            raise ValueError(MSG_BAD_CIRCLE_SIZE)
        if self.format not in ("pairs", "circles"):
            raise ValueError(f"Unknown format {self.format!r}; use 'pairs' or 'circles'.")
        if self.both_gain not in BOTH_GAIN_KINDS:
            raise ValueError(MSG_BAD_BOTH_GAIN.format(value=self.both_gain))


@dataclass(frozen=True)
class Rules:
    """Hard rules set by the coordinator, as pairs of member ids.

    ``locks`` must be paired (or share a circle), ``forbids`` never, and
    ``history`` lists earlier partners (not paired again unless
    ``MatchConfig.allow_repeats``).
    """

    locks: tuple[tuple[str, str], ...] = ()
    forbids: tuple[tuple[str, str], ...] = ()
    history: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Group:
    """A pair, trio or circle with its score (mean pair score inside) and reasons."""

    members: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    """A member left out, with the reason in words."""

    member: str
    reason: str


@dataclass(frozen=True)
class MatchStats:
    """Summary figures of a run.

    ``exact`` says whether the pairs were solved exactly; when not,
    ``certified_gap`` is a proven bound on the share of the best possible
    total (on the candidate graph) that the pairs miss (0.0 when exact).
    ``pairs`` counts the groups of two (locked ones included) and
    ``mutual_pairs`` those in which both gain (``MatchConfig.both_gain``; a
    skill swap when it is ``"off"``).
    """

    members: int
    matched: int
    groups: int
    mean_score: float
    min_score: float
    total_score: float
    candidate_edges: int
    exact: bool = True
    certified_gap: float = 0.0
    pairs: int = 0
    mutual_pairs: int = 0


@dataclass(frozen=True)
class MatchResult:
    """Groups (best first), unmatched members (input order) and stats."""

    groups: tuple[Group, ...]
    unmatched: tuple[Unmatched, ...]
    stats: MatchStats
