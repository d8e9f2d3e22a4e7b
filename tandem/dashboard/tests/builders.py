"""Builders for dashboard and goals tests: programs of many members made with bulk_create."""

from datetime import datetime, timedelta
from typing import Any

from tandem.accounts.models import User
from tandem.core import clock
from tandem.goals.models import Goal, Pulse
from tandem.meetings.models import Attendance, Meeting, Turn
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Profile, Program
from tandem.support.models import HelpFlag


def program_populate(
    program: Program, *, members: int, prefix: str = "m", started_at: datetime | None = None
) -> list[Partnership]:
    """Add ``members`` matched members in pairs, each pair with a held meeting (with turns),
    a goal each, a pulse each and one help flag per ten members; return the partnerships.

    Even-numbered pairs met three days ago; odd ones last met ten weeks ago (stalled).
    """
    now = clock.now()
    started = started_at or now - timedelta(weeks=10)
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{program.pk}-{i}@example.org", name=f"Member {i}", password="!")
            for i in range(members)
        ]
    )
    memberships = Membership.objects.bulk_create(
        [Membership(program=program, user=u, status=Membership.Status.MATCHED) for u in users]
    )
    Profile.objects.bulk_create(
        [Profile(membership=m, display_name=f"Member {i}") for i, m in enumerate(memberships)]
    )
    partnerships = Partnership.objects.bulk_create(
        [Partnership(program=program, started_at=started) for _ in range(members // 2)]
    )
    seats = PartnershipMember.objects.bulk_create(
        [
            PartnershipMember(partnership=p, membership=memberships[2 * k + side])
            for k, p in enumerate(partnerships)
            for side in (0, 1)
        ]
    )
    held_at = [now - timedelta(days=3 if k % 2 == 0 else 70) for k in range(len(partnerships))]
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                partnership=p,
                original_start=held_at[k],
                starts_at=held_at[k],
                duration_minutes=60,
                time_zone="UTC",
                status=Meeting.Status.HELD,
                marked_at=held_at[k],
            )
            for k, p in enumerate(partnerships)
        ]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meetings[k], seat=seats[2 * k + side], present=True)
            for k in range(len(partnerships))
            for side in (0, 1)
        ]
    )
    Turn.objects.bulk_create(
        [
            Turn(
                meeting=meetings[k],
                seat=seats[2 * k + side],
                position=side,
                planned_seconds=1800,
                started_at=held_at[k] + timedelta(minutes=30 * side),
                ended_at=held_at[k] + timedelta(minutes=30 * side + 30),
            )
            for k in range(len(partnerships))
            for side in (0, 1)
        ]
    )
    Goal.objects.bulk_create(
        [
            Goal(
                partnership=seat.partnership,
                owner=seat.membership,
                title=f"Goal of {seat.membership_id}",
                due_on=clock.today() + timedelta(days=7),
            )
            for seat in seats
        ]
    )
    Pulse.objects.bulk_create(
        [
            Pulse(meeting=meetings[k], membership=seats[2 * k].membership, score=4)
            for k in range(len(partnerships))
        ]
    )
    HelpFlag.objects.bulk_create(
        [HelpFlag(program=program, membership=m, kind="counselling") for m in memberships[::10]]
    )
    return partnerships


def member_of(program: Program, **filters: Any) -> Membership:
    return Membership.objects.filter(
        program=program, role=Membership.Role.MEMBER, **filters
    ).earliest("pk")
