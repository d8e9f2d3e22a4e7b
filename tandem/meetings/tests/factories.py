"""factory-boy factories for meetings, and partnerships with partners in given time zones."""

from datetime import date, time
from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import (
    Commitment,
    Delivery,
    Meeting,
    MeetingSeries,
    Note,
    ScheduleNotice,
    Turn,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
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
    partnership = cast(Partnership, PartnershipFactory(program=program))
    seats: list[PartnershipMember] = []
    for index, (name, zone) in enumerate(people):
        membership = MembershipFactory(program=program, user__name=name, status="matched")
        ProfileFactory(
            membership=membership,
            display_name=name,
            time_zone=zone,
            availability=(availability[index] if availability else [[2, 9 * 60, 21 * 60]]),
        )
        seats.append(PartnershipMemberFactory(partnership=partnership, membership=membership))
    return partnership, seats


def series_agreed(
    partnership: Partnership, proposer: PartnershipMember, accepter: PartnershipMember
) -> MeetingSeries:
    """Return a weekly series from Wednesday 13 January 2027 at 18:00 in Madrid, proposed by
    ``proposer`` and accepted by ``accepter`` (a pair's: its meetings are booked)."""
    series = services.series_propose(
        partnership=partnership, seat=proposer, starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    return services.series_accept(series=series, seat=accepter)


class MeetingFactory(DjangoModelFactory):
    """A one-off meeting starting now (pass ``original_start`` and ``starts_at`` to move it)."""

    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    original_start = factory.LazyFunction(clock.now)
    starts_at = factory.SelfAttribute("original_start")
    duration_minutes = 60
    time_zone = "UTC"  # every meeting the services make has its zone


class _SeatInMeetingFactory(DjangoModelFactory):
    """A row of one seat in one meeting; the seat defaults to a new one in its partnership."""

    class Meta:
        abstract = True

    meeting = factory.SubFactory(MeetingFactory)
    seat = factory.SubFactory(
        PartnershipMemberFactory, partnership=factory.SelfAttribute("..meeting.partnership")
    )


class TurnFactory(_SeatInMeetingFactory):
    class Meta:
        model = Turn

    position = 0
    planned_seconds = 600


class CommitmentFactory(_SeatInMeetingFactory):
    class Meta:
        model = Commitment

    text = factory.Sequence(lambda n: f"Commitment {n}")


class DeliveryFactory(_SeatInMeetingFactory):
    class Meta:
        model = Delivery

    kind = Delivery.Kind.REMINDER_24H


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.SubFactory(
        PartnershipMemberFactory, partnership=factory.SelfAttribute("..meeting.partnership")
    )
    body = "A note."


class ScheduleNoticeFactory(DjangoModelFactory):
    """A cancelled-meeting notice to ``seat``; another ``kind`` needs its series or reschedule."""

    class Meta:
        model = ScheduleNotice

    seat = factory.SubFactory(PartnershipMemberFactory)
    kind = ScheduleNotice.Kind.MEETING_CANCELLED
    meeting = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind == ScheduleNotice.Kind.MEETING_CANCELLED),
        yes_declaration=factory.SubFactory(
            MeetingFactory,
            partnership=factory.SelfAttribute("..seat.partnership"),
            status=Meeting.Status.CANCELLED,
        ),
        no_declaration=None,
    )
