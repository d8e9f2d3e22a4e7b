"""Builders for matching tests: members with intakes, and runs made without the engine."""

from typing import Any, cast

from tandem.matching.models import MatchRun
from tandem.matching.tests.factories import MatchRunFactory, ProposalFactory, ProposalMemberFactory
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import ProfileFactory, UserFactory

WEDNESDAY_EVENING = [[2, 18 * 60, 20 * 60]]


def member(
    program: Program,
    name: str,
    *,
    offers: list[str] | None = None,
    wants: list[str] | None = None,
    themes: list[str] | None = None,
    **profile: Any,
) -> Membership:
    """Return a ready member of ``program`` with a complete intake."""
    user = UserFactory(name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    p = ProfileFactory(
        membership__program=program,
        membership__user=user,
        display_name=name,
        offers=offers or [],
        wants=wants or [],
        themes=themes or [],
        **profile,
    )
    return cast(Membership, p.membership)


def four_members(program: Program) -> dict[str, Membership]:
    """Ana and Ben swap Spanish and skiing; Cleo and Dan swap chess and piano."""
    return {
        "Ana": member(program, "Ana", offers=["Spanish"], wants=["Skiing"], themes=["Leadership"]),
        "Ben": member(program, "Ben", offers=["Skiing"], wants=["Spanish"], themes=["Leadership"]),
        "Cleo": member(program, "Cleo", offers=["Chess"], wants=["Piano"]),
        "Dan": member(program, "Dan", offers=["Piano"], wants=["Chess"]),
    }


def run_with_proposals(program: Program, memberships: list[Membership]) -> MatchRun:
    """Return a finished run pairing ``memberships`` in order (no engine, for page tests)."""
    run = MatchRunFactory(
        program=program, reference_date=program.kickoff_on or "2027-01-11", status="done"
    )
    for k in range(0, len(memberships) - 1, 2):
        proposal = ProposalFactory(
            run=run, position=k, score=0.5 + (k % 10) / 20, reasons=["both mid-career"]
        )
        for pos, m in enumerate(memberships[k : k + 2]):
            ProposalMemberFactory(proposal=proposal, run=run, membership=m, position=pos)
    return cast(MatchRun, run)


def names_in(run: MatchRun) -> list[set[str]]:
    """Return each proposal of the run as a set of display names."""
    return [
        {s.membership.profile.display_name for s in p.seats.all()}
        for p in run.proposals.prefetch_related("seats__membership__profile")
    ]
