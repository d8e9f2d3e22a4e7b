"""Benchmark: erasing a member with a year of history takes under a second on PostgreSQL.

Seeds one running program of ``--pairs`` partnerships (default 30, 60 members), each with a
year of weekly meetings (attendance, two turns, a note with two revisions from each partner,
a commitment, a pulse from each), messages, three goals per member with steps, progress
updates and weekly nudges from the partner, three surveys answered, a monthly coordinator
check-in with its note, a help request from each member, and a worksheet of five questions
answered together with three versions each; then times ``account_erase`` (the same service as
/me/delete/: one transaction over every app's declaration and the scrub of every text
column) for ``--repeat`` different members, one after another, and prints one JSON line each.

Uses its own database, dropped and made afresh each run (never another one)::

    .venv/bin/python -m bench.erasure            # postgres://postgres@127.0.0.1:5432/tandem_bench_erasure
    .venv/bin/python -m bench.erasure --pairs 60 --repeat 5

See docs/benchmarks.md ("Erasure") for the latest figures.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

DATABASE = "tandem_bench_erasure"
SERVER = "postgres://postgres@127.0.0.1:5432"


def _fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def _seed(pairs: int) -> list[Any]:
    """Create the program and its year; return the members' accounts, partner by partner."""
    from tandem.accounts.models import User
    from tandem.core import clock
    from tandem.goals.models import (
        Answer,
        Goal,
        Nudge,
        ProgressUpdate,
        Pulse,
        Question,
        Step,
        Survey,
        SurveyResponse,
    )
    from tandem.meetings.models import Attendance, Commitment, Meeting, Note, NoteRevision, Turn
    from tandem.partnerships.models import Message
    from tandem.partnerships.services.partnership import partnership_create_from_match
    from tandem.programs.models import Membership, Program
    from tandem.programs.tests.factories import (
        CoordinatorFactory,
        MembershipFactory,
        ProfileFactory,
        ProgramFactory,
        UserFactory,
    )
    from tandem.support.models import CheckIn, HelpFlag
    from tandem.worksheets.models import (
        AnswerRevision,
        Worksheet,
        WorksheetAnswer,
        WorksheetQuestion,
        WorksheetSection,
        WorksheetTemplate,
    )

    start = clock.now() - timedelta(days=365)
    program = cast(
        Program, ProgramFactory(name="Bench", slug="bench", status=Program.Status.RUNNING)
    )
    coordinator = cast(User, UserFactory(name="Cora Bench"))
    CoordinatorFactory(program=program, user=coordinator)
    template = WorksheetTemplate.objects.create(program=program, title="Our ground rules")
    section = WorksheetSection.objects.create(template=template, title="Ground rules", position=0)
    sheet_questions = [
        WorksheetQuestion.objects.create(section=section, prompt=f"Rule {i}", position=i)
        for i in range(5)
    ]
    surveys = [Survey.objects.create(program=program, kind=k) for k in Survey.Kind.values]
    questions = {
        s.pk: [
            Question.objects.create(survey=s, text=f"Question {i}", kind="text", position=i)
            for i in range(5)
        ]
        for s in surveys
    }
    users = []
    for p in range(pairs):
        memberships: list[Membership] = []
        for side in range(2):
            user = UserFactory(
                name=f"Person{p}x{side} Bench", email=f"p{p}x{side}@bench.example.org"
            )
            membership = cast(Membership, MembershipFactory(program=program, user=user))
            ProfileFactory(membership=membership, display_name=f"Person{p}x{side}")
            memberships.append(membership)
            users.append(user)
        partnership = partnership_create_from_match(program=program, memberships=memberships)
        seats = list(partnership.seats.order_by("pk"))
        meetings = Meeting.objects.bulk_create(
            Meeting(
                partnership=partnership,
                original_start=start + timedelta(weeks=w),
                starts_at=start + timedelta(weeks=w),
                duration_minutes=60,
                time_zone="Europe/London",
                status="held",
                marked_at=start + timedelta(weeks=w, hours=1),
            )
            for w in range(52)
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=m, seat=s, present=True) for m in meetings for s in seats
        )
        Turn.objects.bulk_create(
            Turn(meeting=m, seat=s, position=i, planned_seconds=1500)
            for m in meetings
            for i, s in enumerate(seats)
        )
        notes = Note.objects.bulk_create(
            Note(meeting=m, author=s, body=f"Notes of week {w} by {s.pk}", visibility="private")
            for w, m in enumerate(meetings)
            for s in seats
        )
        NoteRevision.objects.bulk_create(
            NoteRevision(note=n, body=f"{n.body} draft {r}", visibility="private")
            for n in notes
            for r in range(2)
        )
        Commitment.objects.bulk_create(
            Commitment(meeting=m, seat=s, text=f"Try step {w}")
            for w, m in enumerate(meetings)
            for s in seats
        )
        Pulse.objects.bulk_create(
            Pulse(meeting=m, membership=mb, score=4) for m in meetings for mb in memberships
        )
        Message.objects.bulk_create(
            Message(
                partnership=partnership,
                author=seats[i % 2],
                body=f"Message {i}",
                created_at=start + timedelta(hours=60 * i),
            )
            for i in range(150)
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                program=program,
                partnership=partnership,
                coordinator=coordinator,
                occurred_at=start + timedelta(days=30 * i),
                channel="call",
                outcome="going_well",
                note=f"Spoke with both partners, month {i}",
            )
            for i in range(12)
        )
        HelpFlag.objects.bulk_create(
            HelpFlag(program=program, membership=mb, kind="hr") for mb in memberships
        )
        worksheet = Worksheet.objects.create(template=template, partnership=partnership)
        answers = WorksheetAnswer.objects.bulk_create(
            WorksheetAnswer(
                worksheet=worksheet,
                question=q,
                value=f"Rule {q.position} v3",
                version=3,
                saved_by=seats[q.position % 2],
            )
            for q in sheet_questions
        )
        AnswerRevision.objects.bulk_create(
            AnswerRevision(answer=a, version=v, value=f"Rule v{v}", author=seats[v % 2])
            for a in answers
            for v in range(1, 4)
        )
        for side, mb in enumerate(memberships):
            goals = Goal.objects.bulk_create(
                Goal(partnership=partnership, owner=mb, title=f"Goal {g}", why="Because")
                for g in range(3)
            )
            Step.objects.bulk_create(
                Step(goal=g, title=f"Step {i}") for g in goals for i in range(4)
            )
            ProgressUpdate.objects.bulk_create(
                ProgressUpdate(goal=g, text=f"Update {i}", percent=10 * i)
                for g in goals
                for i in range(6)
            )
            partner = memberships[1 - side]
            Nudge.objects.bulk_create(
                Nudge(goal=g, sender=partner, week=f"2026-W{w + 1:02d}")
                for g in goals
                for w in range(10)
            )
            for survey in surveys:
                response = SurveyResponse.objects.create(survey=survey, membership=mb)
                Answer.objects.bulk_create(
                    Answer(response=response, question=q, text=f"Answer {q.position}")
                    for q in questions[survey.pk]
                )
    return users


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # fast password hashing
    _fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.privacy.services import account_erase, person_of
    from tandem.programs.tests.factories import PASSWORD

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    users = _seed(args.pairs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeded = time.perf_counter() - began
    times = []
    for user in users[: 2 * args.repeat : 2]:  # one partner of each of the first pairs
        person = person_of(user=user)
        start, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            account_erase(user=user, password=PASSWORD)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
        times.append(wall)
        print(
            json.dumps(
                {
                    "erase_seconds": round(wall, 3),
                    "python_cpu_seconds": round(cpu, 3),
                    "load_average_1m": os.getloadavg()[0],
                    "queries": len(queries),
                    "seats": len(person.seat_ids),
                    "members": len(users),
                    "seeded_seconds": round(seeded, 1),
                    "at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            ),
            flush=True,
        )
    print(json.dumps({"median_seconds": round(statistics.median(times), 3),
                      "max_seconds": round(max(times), 3)}))  # fmt: skip
    return 0 if max(times) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
