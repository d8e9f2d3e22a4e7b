"""Seed a big site for the load benchmark: years of history, one program of 10,000 members.

One program of 10,000 members matched into 5,000 partnerships (a published match run with a
proposal per partnership), each with a fortnightly series that began a year ago: held and
missed meetings with attendance, two turns and one to three notes per held meeting, a goal with
three steps per member, pulses, messages and a few help requests; and 50 programs of 50 to 200
members built the same way. Rows go in with ``bulk_create`` in batches, inside one transaction
per program, and every constraint of the schema holds (the database checks them).

Run with the load benchmark's environment on a migrated, empty database (bench/load/run.sh does
this with ``SEED=big``)::

    SEED=big bench/load/run.sh
    .venv/bin/python -m bench.load.seed_big plan.json [--members 10000] [--programs 50]

It prints the counts of each table and writes the load driver's plan (the same shape as
bench/load/seed.py's) for the big program, and one for a small program beside it
(``plan-small.json``), so one run can measure both.
"""

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

import django

BATCH = 5_000
WEEKS_OF_HISTORY = 52
MEETINGS_AHEAD = 4
ZONE = "Europe/Madrid"
NOTE_TEXTS = (
    "**Goals**: practise the talk.\n\n- ask about the budget slide",
    "We swapped: I showed the spreadsheet, they walked me through the interview plan.",
    "Next time: bring the draft and time the first five minutes.",
)


def _batched(rows: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(model: Any, rows: Iterable[Any]) -> list[Any]:
    """Insert ``rows`` in batches and return them with their primary keys (PostgreSQL and
    SQLite return them from ``bulk_create``)."""
    created: list[Any] = []
    for batch in _batched(rows):
        created += model.objects.bulk_create(batch)
    return created


class Site:
    """Builds programs into the database and keeps the counts of what it wrote."""

    def __init__(self, *, seed: int, today: date) -> None:
        from django.contrib.auth.hashers import make_password

        self.random = random.Random(seed)
        self.today = today
        self.now = datetime.combine(today, wall_time(12), tzinfo=UTC)
        self.password = make_password("load-test-only")  # hashed once, shared by every person
        self.counts: dict[str, int] = {}
        self.people = 0

    def _count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    def _users(self, n: int, slug: str) -> list[Any]:
        from tandem.accounts.models import User

        start, self.people = self.people, self.people + n
        users = _bulk(
            User,
            (
                User(email=f"{slug}-{i}@load.example", password=self.password, is_active=True)
                for i in range(start, start + n)
            ),
        )
        self._count("people", n)
        return users

    def program(self, *, slug: str, name: str, members: int) -> Any:
        """Build one running program of ``members`` members (an even number) and return it."""
        from django.db import transaction

        from tandem.programs.models import Program

        with transaction.atomic():
            kickoff = self.today - timedelta(weeks=WEEKS_OF_HISTORY + 1)
            program = Program.objects.create(
                name=name,
                slug=slug,
                description="A peer-mentoring program seeded for the load benchmark.",
                status=Program.Status.RUNNING,
                kickoff_on=kickoff,
                midpoint_on=self.today - timedelta(weeks=WEEKS_OF_HISTORY // 2),
                ends_on=self.today + timedelta(weeks=8),
                recap_on=self.today + timedelta(weeks=9),
                cadence_weeks=2,
            )
            self._count("programs", 1)
            memberships = self._memberships(program, members)
            partnerships = self._partnerships(program, memberships)
            self._match_run(program, partnerships)
            self._history(program, partnerships)
        return program

    def _memberships(self, program: Any, n: int) -> list[Any]:
        from tandem.programs.models import Membership, Profile

        coordinators = self._users(2, program.slug + "-coordinator")
        users = self._users(n, program.slug)
        _bulk(
            Membership,
            (
                Membership(program=program, user=u, role=Membership.Role.COORDINATOR)
                for u in coordinators
            ),
        )
        memberships = _bulk(
            Membership,
            (Membership(program=program, user=u, status=Membership.Status.MATCHED) for u in users),
        )
        departments = ("Engineering", "Finance", "People", "Sales", "Support", "Legal")
        _bulk(
            Profile,
            (
                Profile(
                    membership=m,
                    display_name=f"Member {i}",
                    organisation="Load Example",
                    department=departments[i % len(departments)],
                    time_zone=ZONE,
                    availability=[[1 + i % 5, 17 * 60, 19 * 60]],
                    languages=["English"],
                    consent_at=self.now - timedelta(weeks=WEEKS_OF_HISTORY + 2),
                    submitted_at=self.now - timedelta(weeks=WEEKS_OF_HISTORY + 2),
                )
                for i, m in enumerate(memberships)
            ),
        )
        self._count("memberships", n + 2)
        return memberships

    def _partnerships(self, program: Any, memberships: list[Any]) -> list[tuple[Any, list[Any]]]:
        from tandem.partnerships.models import Partnership, PartnershipMember

        started = self.now - timedelta(weeks=WEEKS_OF_HISTORY)
        partnerships = _bulk(
            Partnership,
            (Partnership(program=program, started_at=started) for _ in memberships[::2]),
        )
        seats = _bulk(
            PartnershipMember,
            (
                PartnershipMember(partnership=p, membership=m, joined_at=started)
                for i, p in enumerate(partnerships)
                for m in memberships[2 * i : 2 * i + 2]
            ),
        )
        self._count("partnerships", len(partnerships))
        return [(p, seats[2 * i : 2 * i + 2]) for i, p in enumerate(partnerships)]

    def _match_run(self, program: Any, partnerships: list[tuple[Any, list[Any]]]) -> None:
        from tandem.matching.models import MatchRun, Proposal, ProposalMember

        published = self.now - timedelta(weeks=WEEKS_OF_HISTORY, days=1)
        run = MatchRun.objects.create(
            program=program,
            reference_date=published.date(),
            status=MatchRun.Status.PUBLISHED,
            progress="Done.",
            stats={"matched": 2 * len(partnerships), "unmatched": 0},
            started_at=published,
            finished_at=published,
            published_at=published,
        )
        proposals = _bulk(
            Proposal,
            (
                Proposal(
                    run=run,
                    position=i,
                    score=round(0.3 + self.random.random() * 0.6, 4),
                    reasons=["Both can teach what the other wants to learn", "Shared evenings"],
                    partnership=p,
                )
                for i, (p, _seats) in enumerate(partnerships)
            ),
        )
        _bulk(
            ProposalMember,
            (
                ProposalMember(
                    proposal=proposal,
                    run=run,
                    membership_id=seat.membership_id,
                    position=k,
                    introduced_at=published,
                )
                for proposal, (_p, seats) in zip(proposals, partnerships, strict=True)
                for k, seat in enumerate(seats)
            ),
        )
        self._count("proposals", len(proposals))

    def _history(self, program: Any, partnerships: list[tuple[Any, list[Any]]]) -> None:
        """A fortnightly series a year long per partnership, with what its meetings left."""
        from tandem.goals.models import Goal, Pulse, Step
        from tandem.meetings import recurrence
        from tandem.meetings.models import Attendance, Meeting, MeetingSeries, Note, Turn
        from tandem.partnerships.models import Message
        from tandem.support.models import HelpFlag

        first = self.today - timedelta(weeks=WEEKS_OF_HISTORY)
        series = _bulk(
            MeetingSeries,
            (
                MeetingSeries(
                    partnership=p,
                    proposed_by=seats[0],
                    status=MeetingSeries.Status.ACTIVE,
                    starts_on=first,
                    start_time=wall_time(18),
                    time_zone=ZONE,
                    rrule=recurrence.weekly_rule(weekday=first.weekday(), interval_weeks=2),
                    duration_minutes=60,
                    agreed_at=self.now - timedelta(weeks=WEEKS_OF_HISTORY, days=1),
                )
                for p, seats in partnerships
            ),
        )
        fortnights = WEEKS_OF_HISTORY // 2
        rand = self.random

        def meetings() -> Iterator[Any]:
            for s, (p, _seats) in zip(series, partnerships, strict=True):
                for k in range(fortnights + MEETINGS_AHEAD):
                    start = recurrence.wall_to_instant(
                        datetime.combine(first + timedelta(weeks=2 * k), wall_time(18)), ZONE
                    )
                    past = start < self.now
                    held = past and rand.random() < 0.85
                    yield Meeting(
                        partnership=p,
                        series=s,
                        original_start=start,
                        starts_at=start,
                        duration_minutes=60,
                        time_zone=ZONE,
                        status=(
                            Meeting.Status.SCHEDULED
                            if not past
                            else Meeting.Status.HELD
                            if held
                            else Meeting.Status.MISSED
                        ),
                        marked_at=start + timedelta(hours=1) if past else None,
                    )

        all_meetings = _bulk(Meeting, meetings())
        seats_of = {p.pk: seats for p, seats in partnerships}
        held = [m for m in all_meetings if m.status == Meeting.Status.HELD]
        self._count("meetings", len(all_meetings))
        self._count("meetings held", len(held))
        _bulk(
            Attendance,
            (
                Attendance(meeting=m, seat=seat, present=True)
                for m in held
                for seat in seats_of[m.partnership_id]
            ),
        )

        def turns() -> Iterator[Any]:
            for m in held:
                seats = seats_of[m.partnership_id]
                order = seats if rand.random() < 0.5 else seats[::-1]
                for position, seat in enumerate(order):
                    begin = m.starts_at + timedelta(minutes=30 * position)
                    planned = 1_800 if rand.random() < 0.7 else 1_500 + 600 * position
                    yield Turn(
                        meeting=m,
                        seat=seat,
                        position=position,
                        planned_seconds=planned,
                        started_at=begin,
                        ended_at=begin + timedelta(seconds=planned),
                    )

        self._count("turns", len(_bulk(Turn, turns())))

        def notes() -> Iterator[Any]:
            for m in held:
                seats = seats_of[m.partnership_id]
                for n in range(rand.randint(1, 3)):
                    yield Note(
                        meeting=m,
                        author=seats[n % 2],
                        visibility=Note.Visibility.SHARED if n else Note.Visibility.PRIVATE,
                        body=NOTE_TEXTS[n],
                        created_at=m.starts_at + timedelta(hours=1),
                    )

        self._count("notes", len(_bulk(Note, notes())))
        self._count(
            "pulses",
            len(
                _bulk(
                    Pulse,
                    (
                        Pulse(
                            meeting=m,
                            membership_id=seat.membership_id,
                            score=rand.randint(2, 5),
                            answered_at=m.starts_at + timedelta(hours=2),
                        )
                        for m in held
                        for seat in seats_of[m.partnership_id]
                        if rand.random() < 0.4
                    ),
                )
            ),
        )
        goals = _bulk(
            Goal,
            (
                Goal(
                    partnership=p,
                    owner_id=seat.membership_id,
                    title=f"Lead a meeting in {('Spanish', 'public', 'the new tool')[i % 3]}",
                    why="It is what my next role asks for.",
                    due_on=self.today + timedelta(weeks=8),
                    percent=rand.choice((0, 33, 66, 100)),
                )
                for p, seats in partnerships
                for i, seat in enumerate(seats)
            ),
        )
        self._count("goals", len(goals))
        steps = _bulk(
            Step,
            (
                Step(
                    goal=g,
                    title=title,
                    position=k,
                    done_at=self.now - timedelta(weeks=3 - k) if k < g.percent // 33 else None,
                )
                for g in goals
                for k, title in enumerate(("Find a first chance", "Prepare it", "Do it"))
            ),
        )
        self._count("steps", len(steps))
        self._count(
            "messages",
            len(
                _bulk(
                    Message,
                    (
                        Message(
                            partnership=p,
                            author=seats[k % 2],
                            body="Still on for Thursday? I will bring the draft.",
                            created_at=self.now - timedelta(days=7 * k + 1),
                            notified_at=self.now - timedelta(days=7 * k + 1),
                        )
                        for p, seats in partnerships
                        for k in range(4)
                    ),
                )
            ),
        )
        help_kinds = ["career", "hr", "other"]
        everyone = [seat for _p, seats in partnerships for seat in seats]
        asking = rand.sample(everyone, k=min(10, len(everyone)))
        _bulk(
            HelpFlag,
            (
                HelpFlag(
                    program=program,
                    membership_id=seat.membership_id,
                    kind=help_kinds[k % len(help_kinds)],
                    raised_at=self.now - timedelta(days=k),
                )
                for k, seat in enumerate(asking)
            ),
        )
        self._count("help requests", len(asking))


def _plan(program: Any) -> dict[str, Any]:
    """The load driver's plan for ``program``: the same shape as bench/load/seed.py writes."""
    from bench.load.seed import _page, _session_for, plan_for
    from tandem.meetings.models import Meeting
    from tandem.programs.models import Membership

    coordinator = Membership.objects.filter(
        program=program, role=Membership.Role.COORDINATOR
    ).first()
    assert coordinator is not None
    members = []
    for partnership in program.partnerships.order_by("pk")[:100]:
        meeting = partnership.meetings.filter(status=Meeting.Status.SCHEDULED).earliest("starts_at")
        for seat in partnership.seats.select_related("membership__user"):
            members.append(
                {
                    "session": _session_for(seat.membership.user),
                    "meeting": _page("meetings:detail", pk=meeting.pk),
                    "note": _page("meetings:note_create", pk=meeting.pk),
                }
            )
    return plan_for(program.slug, members=members, coordinator=coordinator.user)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path, help="where to write the big program's plan")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--programs", type=int, default=50, help="small programs beside it")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    from tandem.core import clock

    started = time.perf_counter()
    site = Site(seed=args.seed, today=clock.today())
    big = site.program(slug="big", name="Peer mentoring at scale", members=args.members)
    print(f"big program: {args.members:,} members in {time.perf_counter() - started:.0f} s")
    small = []
    for k in range(args.programs):
        size = 2 * site.random.randint(25, 100)  # 50 to 200 members, an even number
        small.append(site.program(slug=f"small-{k}", name=f"Small program {k}", members=size))
    print(f"site seeded in {time.perf_counter() - started:.0f} s")
    for label, n in site.counts.items():
        print(f"  {label}: {n:,}")
    args.plan.write_text(json.dumps(_plan(big), indent=1))
    if small:
        args.plan.with_name("plan-small.json").write_text(json.dumps(_plan(small[0]), indent=1))
    counts = args.plan.with_name("counts.json")
    counts.write_text(json.dumps(site.counts, indent=1))


if __name__ == "__main__":
    django.setup()
    main(sys.argv[1:])
