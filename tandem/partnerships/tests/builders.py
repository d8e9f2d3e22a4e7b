"""Builders for the ground-rules, life and messages tests: live partnerships of named members."""

from collections.abc import Sequence

from tandem.matching.tests.helpers import member
from tandem.partnerships.models import Partnership
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory


def partnership_of(program: Program, *names: str) -> tuple[Partnership, dict[str, Membership]]:
    """Return a live partnership of new matched members called ``names``."""
    people = {name: member(program, name) for name in names}
    partnership = partnership_create_from_match(program=program, memberships=list(people.values()))
    Membership.objects.filter(pk__in=[m.pk for m in people.values()]).update(
        status=Membership.Status.MATCHED
    )
    return partnership, people


def outsiders(program: Program) -> dict[str, object]:
    """Return everyone who must get 404: a coordinator, another member, another program's member."""
    return {
        "coordinator": CoordinatorFactory(program=program).user,
        "member_same_program": member(program, "Cleo").user,
        "other_program": member(ProgramFactory(), "Zed").user,
        "anonymous": None,
    }


ROLES: Sequence[str] = ("coordinator", "member_same_program", "other_program", "anonymous")
