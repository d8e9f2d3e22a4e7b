"""Tandem's matching engine: pure Python (NumPy, SciPy, PyMatching), never Django.

Plain data in (:class:`Member`, :class:`MatchConfig`, :class:`Rules`), plain
data out (:class:`MatchResult`). See ``docs/matching.md``.
"""

from .match import match_members, score_group
from .types import (
    BOTH_GAIN_KINDS,
    STAGE_LEVELS,
    BothGain,
    Group,
    MatchConfig,
    MatchResult,
    MatchStats,
    Member,
    Rules,
    Slot,
    Unmatched,
    Weights,
)

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
    "match_members",
    "score_group",
]
