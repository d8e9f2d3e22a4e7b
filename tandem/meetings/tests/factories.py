"""Builders for partnerships with partners in given time zones (meetings tests)."""

from typing import Any

from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.tests.factories import MembershipFactory, ProfileFactory, ProgramFactory


def partnership_make(
    *,
    people: list[tuple[str, str]] | None = None,
    availability: list[list[list[int]]] | None = None,
    program: Any = None,
    **program_fields: Any,
) -> tuple[Partnership, list[PartnershipMember]]:
    """Return an active partnership of ``people`` ([(name, zone), ...]) and their seats."""
    people = people or [("Ana", "Europe/Madrid"), ("Ben", "America/New_York")]
    program = program or ProgramFactory(
        status="running", **{"cadence_weeks": 1, "meeting_minutes": 60, **program_fields}
    )
    partnership = Partnership.objects.create(program=program)
    seats = []
    for index, (name, zone) in enumerate(people):
        membership = MembershipFactory(program=program, user__name=name, status="matched")
        ProfileFactory(
            membership=membership,
            display_name=name,
            time_zone=zone,
            availability=(availability[index] if availability else [[2, 9 * 60, 21 * 60]]),
        )
        seats.append(
            PartnershipMember.objects.create(partnership=partnership, membership=membership)
        )
    return partnership, seats
