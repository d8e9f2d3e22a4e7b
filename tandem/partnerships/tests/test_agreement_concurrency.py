"""Partners acting at the same moment: one agreed version, no lost acceptance, no lost edit.

Real threads on the real database (SQLite in WAL mode with BEGIN IMMEDIATE, or PostgreSQL with
``select_for_update``), each on its own connection.
"""

import threading

import pytest
from django.db import OperationalError, connection

from tandem.core.errors import Conflict
from tandem.partnerships.models import AgreementAcceptance, AgreementVersion
from tandem.partnerships.services import agreement as sa
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(jobs):
    """Run each job in its own thread, released together; return results and exceptions."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def worker(k, job):
        try:
            barrier.wait()
            outcomes[k] = job()
        except Exception as exc:  # collected and asserted by the test
            outcomes[k] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(k, job)) for k, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def circle():
    program = ProgramFactory(format="circles")
    partnership, people = partnership_of(program, "Ana", "Ben", "Cleo", "Dan")
    sa.agreement_propose(
        partnership=partnership,
        user=people["Ana"].user,
        content=sa.AgreementContent(cadence_weeks=2, meeting_minutes=60, channel="video"),
        base_number=None,
    )
    return partnership, people


def test_partners_accepting_at_once_make_exactly_one_agreed_version():
    partnership, people = circle()

    def accept(user):
        return lambda: sa.agreement_accept(
            partnership=partnership, user=user, number=1, promise=True
        )

    # Every partner accepts, two of them twice (a double click), all at the same moment.
    users = [m.user for m in people.values()]
    outcomes = run_at_once([accept(u) for u in [*users, users[0], users[2]]])

    assert not [o for o in outcomes if isinstance(o, OperationalError)]
    assert all(isinstance(o, AgreementAcceptance) for o in outcomes), outcomes
    assert AgreementAcceptance.objects.count() == 4
    version = AgreementVersion.objects.get()
    assert version.agreed_at is not None
    assert AgreementVersion.objects.filter(agreed_at__isnull=False).count() == 1


def test_partners_editing_at_once_lose_nothing_silently():
    partnership, people = circle()

    def edit(user, minutes):
        return lambda: sa.agreement_propose(
            partnership=partnership,
            user=user,
            content=sa.AgreementContent(
                cadence_weeks=2,
                meeting_minutes=minutes,
                channel="video",
                goals=(),
                incentive=f"edit {minutes}",
            ),
            base_number=1,
        )

    users = [m.user for m in people.values()]
    outcomes = run_at_once([edit(u, 30 + 10 * k) for k, u in enumerate(users)])

    saved = [o for o in outcomes if isinstance(o, AgreementVersion)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(saved) == 1, outcomes
    assert len(refused) == 3
    assert all(str(r) == sa.MSG_STALE_EDIT.format(number=2) for r in refused)
    assert list(AgreementVersion.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]
    assert AgreementVersion.objects.get(number=2).incentive == saved[0].incentive
