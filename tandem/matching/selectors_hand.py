"""Reads for pairing by hand: who can be paired, and what the engine says about a group."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.core import clock
from tandem.matching import selectors
from tandem.matching.engine import MatchConfig, Rules, score_group
from tandem.matching.engine.hand import group_problems
from tandem.matching.models import MatchRule
from tandem.programs.models import Membership, Program

PAIR_SIZE = 2
CIRCLE_MIN = 3
CIRCLE_MAX = 5


@dataclass(frozen=True)
class HandCheck:
    """A group as the engine sees it: the hard rules it breaks and why it would work."""

    memberships: list[Membership]
    problems: tuple[str, ...]
    reasons: tuple[str, ...]
    score: float

    @property
    def allowed(self) -> bool:
        return not self.problems


def hand_size_range(*, program: Program) -> tuple[int, int]:
    """Return how many people a hand-made group has: two for pairs, three to five for circles."""
    if program.format == Program.Format.CIRCLES:
        return CIRCLE_MIN, CIRCLE_MAX
    return PAIR_SIZE, PAIR_SIZE


def hand_pool(*, program: Program) -> list[Membership]:
    """Return the members who can be paired: ready, intake complete, in no live partnership."""
    return list(selectors.match_pool(program=program))


def _reference_date(program: Program) -> dt.date:
    return program.kickoff_on or clock.today()


def hand_check(*, program: Program, memberships: Sequence[Membership]) -> HandCheck:
    """Check a group against the engine's hard rules and explain it in the engine's words.

    The rules: exclusions from the intakes, the program's forbids, earlier partners in the
    program, a shared language for every pair and a shared free window of the program's
    meeting length. A constant number of queries.
    """
    people = list(memberships)
    members = selectors.engine_members(program=program, memberships=people)
    ids = [m.pk for m in people]
    forbids = tuple(
        (str(a), str(b))
        for a, b in MatchRule.objects.filter(
            program=program,
            kind=MatchRule.Kind.FORBID,
            membership_a__in=ids,
            membership_b__in=ids,
        ).values_list("membership_a_id", "membership_b_id")
    )
    history = tuple(
        (str(a), str(b))
        for a, b in sorted(selectors.earlier_partner_pairs(program=program, membership_ids=ids))
    )
    config = MatchConfig(
        reference_date=_reference_date(program),
        min_meeting_minutes=program.meeting_minutes,
        format="circles" if program.format == Program.Format.CIRCLES else "pairs",
    )
    problems = group_problems(members, config, Rules(forbids=forbids, history=history))
    group = score_group(members, config)
    return HandCheck(
        memberships=people, problems=problems, reasons=group.reasons, score=group.score
    )
