"""Twenty people pressing the same button at the same instant: exactly one effect.

Each test starts 20 threads on a barrier; every thread has its own database connection
(closed at its end). They run on SQLite (WAL, BEGIN IMMEDIATE, 5 s busy timeout) and on
PostgreSQL (DATABASE_URL=postgres://... pytest tests/trust).
"""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import connection

from tandem.core import clock
from tandem.core.errors import DomainError
from tandem.core.models import AuditEvent
from tandem.matching.models import MatchRun
from tandem.matching.services import match_run_publish
from tandem.matching.tests.helpers import member, run_with_proposals
from tandem.meetings import services as meetings
from tandem.meetings.models import Meeting, MeetingSeries, Reschedule
from tandem.meetings.tests.factories import partnership_make
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
ON_POSTGRES = connection.vendor == "postgresql"


def race(work: Callable[[int], Any]) -> Counter[str]:
    """Run ``work(i)`` in THREADS threads released together; count how each call ended."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(i)
            outcome = "ok"
        except DomainError as exc:
            outcome = f"{type(exc).__name__}: {exc.message}"
        except Exception as exc:  # an unexpected error is an outcome the test reports
            outcome = f"ERROR {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == THREADS, "a thread did not finish"
    return Counter(outcomes)


def weekly_proposal(partnership: Partnership, seat: PartnershipMember) -> MeetingSeries:
    """Return a weekly series ``seat`` proposes, from eight days on at 18:00 in Madrid."""
    return meetings.series_propose(
        partnership=partnership,
        seat=seat,
        starts_on=clock.today() + timedelta(days=8),
        start_time=time(18, 0),
        time_zone="Europe/Madrid",
    )


def first_booked_meeting(
    partnership: Partnership, proposer: PartnershipMember, accepter: PartnershipMember
) -> Meeting:
    """Book ``weekly_proposal`` (``accepter`` accepts it) and return its first meeting."""
    meetings.series_accept(series=weekly_proposal(partnership, proposer), seat=accepter)
    meeting = Meeting.objects.filter(partnership=partnership).order_by("starts_at").first()
    assert meeting is not None
    return meeting


def test_publishing_the_same_match_run_twenty_times_publishes_it_once():
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program).user
    people = [member(program, name) for name in ("Ana", "Ben", "Cleo", "Dan")]
    run = run_with_proposals(program, people)

    outcomes = race(lambda i: match_run_publish(run_id=run.pk, actor=coordinator))

    assert outcomes["ok"] == 1, outcomes
    assert sum(n for o, n in outcomes.items() if o.startswith("Conflict")) == THREADS - 1
    assert Partnership.objects.filter(program=program).count() == 2
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.PUBLISHED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MATCH_PUBLISHED).count() == 1


def test_accepting_the_same_meeting_proposal_twenty_times_books_the_slot_once():
    partnership, (ana, ben) = partnership_make()
    series = weekly_proposal(partnership, ana)

    outcomes = race(lambda i: meetings.series_accept(series=series, seat=ben))

    assert outcomes["ok"] == 1, outcomes
    assert MeetingSeries.objects.filter(partnership=partnership, status="active").count() == 1
    live = Meeting.objects.filter(partnership=partnership, status="scheduled")
    assert live.count() == 3
    assert live.values("original_start").distinct().count() == 3


def test_accepting_the_same_move_twenty_times_moves_the_meeting_once():
    partnership, (ana, ben) = partnership_make()
    meeting = first_booked_meeting(partnership, ana, ben)
    proposal = meetings.meeting_reschedule_propose(
        meeting=meeting,
        seat=ana,
        on=clock.today() + timedelta(days=9),
        at=time(19, 0),
        time_zone="Europe/Madrid",
    )

    outcomes = race(lambda i: meetings.reschedule_accept(proposal=proposal, seat=ben))

    assert outcomes["ok"] == 1, outcomes
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # moved once, not twenty times
    assert Reschedule.objects.get(pk=proposal.pk).status == Reschedule.Status.ACCEPTED


def test_proposing_moves_of_the_same_meeting_at_once_leaves_one_open_proposal():
    partnership, (ana, ben) = partnership_make()
    meeting = first_booked_meeting(partnership, ana, ben)

    outcomes = race(
        lambda i: meetings.meeting_reschedule_propose(
            meeting=meeting,
            seat=ana,
            on=clock.today() + timedelta(days=10 + i % 5),
            at=time(19, 0),
            time_zone="Europe/Madrid",
        )
    )

    assert not [o for o in outcomes if o.startswith("ERROR")], outcomes
    assert Reschedule.objects.filter(meeting=meeting, status="proposed").count() == 1


def test_accepting_the_same_ground_rules_at_once_records_each_partner_once():
    agreements = pytest.importorskip("tandem.partnerships.services.agreement")
    partnership, (ana, ben) = partnership_make()
    users = [ana.membership.user, ben.membership.user]
    content = agreements.AgreementContent(cadence_weeks=2, meeting_minutes=60, channel="video")
    version = agreements.agreement_propose(
        partnership=partnership, user=users[0], content=content, base_number=None
    )

    outcomes = race(
        lambda i: agreements.agreement_accept(
            partnership=partnership, user=users[i % 2], number=version.number, promise=True
        )
    )

    assert outcomes["ok"] == THREADS, outcomes  # accepting again confirms: never an error
    version.refresh_from_db()
    assert version.acceptances.count() == 2
    assert version.agreed_at is not None


def test_editing_the_same_ground_rules_at_once_keeps_one_edit_and_loses_none_silently():
    agreements = pytest.importorskip("tandem.partnerships.services.agreement")
    partnership, (ana, ben) = partnership_make()
    users = [ana.membership.user, ben.membership.user]
    first = agreements.agreement_propose(
        partnership=partnership,
        user=users[0],
        content=agreements.AgreementContent(cadence_weeks=2, meeting_minutes=60, channel="video"),
        base_number=None,
    )

    outcomes = race(
        lambda i: agreements.agreement_propose(
            partnership=partnership,
            user=users[i % 2],
            content=agreements.AgreementContent(
                cadence_weeks=1 + i % 4, meeting_minutes=30 + i, channel="phone"
            ),
            base_number=first.number,
        )
    )

    assert outcomes["ok"] == 1, outcomes
    assert sum(n for o, n in outcomes.items() if o.startswith("Conflict")) == THREADS - 1
    assert partnership.agreement.versions.count() == 2


def test_proposing_a_new_slot_at_once_leaves_one_open_proposal():
    partnership, (ana, ben) = partnership_make()
    seats = [ana, ben]

    outcomes = race(
        lambda i: meetings.series_propose(
            partnership=partnership,
            seat=seats[i % 2],
            starts_on=clock.today() + timedelta(days=8 + i % 6),
            start_time=time(18, 0),
            time_zone="Europe/Madrid",
        )
    )

    assert not [o for o in outcomes if o.startswith("ERROR")], outcomes
    assert MeetingSeries.objects.filter(partnership=partnership, status="proposed").count() == 1
