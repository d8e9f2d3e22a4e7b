"""Intake reminders: the button and the schedule, at most once a week each, real worker."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.announcements import services
from tandem.announcements.models import IntakeReminder
from tandem.announcements.tasks import intake_reminder_enqueue
from tandem.announcements.tests.factories import AnnouncementOptOutFactory
from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.programs.models import Program
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.fixture
def program():
    program = ProgramFactory(name="Book club", slug="books", status=Program.Status.INTAKE_OPEN)
    MembershipFactory(program=program, user=UserFactory(email="ida@example.org"), status="intake")
    ProfileFactory(
        membership__program=program,
        membership__user=UserFactory(email="half@example.org"),
        submitted_at=None,
    )
    ProfileFactory(membership__program=program, membership__user=UserFactory(email="done@x.org"))
    return program


def test_the_button_reminds_each_unfinished_intake_once_a_week(client, program, mailoutbox):
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    url = reverse("announcements:intake_remind", args=["books"])
    with clock.frozen(MONDAY):
        page = client.get(reverse("announcements:list", args=["books"])).content.decode()
        assert "Remind the 2 members" in page
        response = client.post(url, follow=True)
        assert "Reminded 2 people to finish their intake." in response.content.decode()
        run_worker()
        assert sorted(m.to[0] for m in mailoutbox) == ["half@example.org", "ida@example.org"]
        email = mailoutbox[0]
        assert email.subject == "Book club: your intake is waiting"
        assert reverse("programs:intake", args=["books"]) in email.body
        assert "List-Unsubscribe" in email.extra_headers

        again = client.post(url, follow=True).content.decode()
        assert str(services.MSG_ALL_REMINDED) in again
    with clock.frozen(MONDAY + timedelta(days=6)):
        client.post(url)
    run_worker()
    assert len(mailoutbox) == 2
    with clock.frozen(MONDAY + timedelta(days=7)):
        client.post(url)
        run_worker()
    assert len(mailoutbox) == 4
    assert IntakeReminder.objects.count() == 4
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INTAKE_REMINDED).count() == 2


def test_the_schedule_reminds_programs_taking_intakes_and_skips_opted_out(program, mailoutbox):
    AnnouncementOptOutFactory(membership=program.memberships.get(user__email="ida@example.org"))
    closed = ProgramFactory(status=Program.Status.RUNNING)
    MembershipFactory(program=closed, status="intake")
    with clock.frozen(MONDAY):
        call_command("send_intake_reminders")
        call_command("send_intake_reminders")  # twice the same day: nothing more
        run_worker()
    assert [m.to for m in mailoutbox] == [["half@example.org"]]
    event = AuditEvent.objects.get(action=AuditEvent.Action.INTAKE_REMINDED)
    assert event.actor is None
    assert event.after == {"sent": 1, "skipped": 0, "opted_out": 1}


def test_an_intake_finished_before_the_worker_runs_gets_no_reminder(program, mailoutbox):
    coordinator = CoordinatorFactory(program=program)
    services.intake_reminder_send(
        program=program, actor=coordinator.user, enqueue=intake_reminder_enqueue
    )
    ProfileFactory(membership=program.memberships.get(user__email="ida@example.org"))
    run_worker()
    assert [m.to for m in mailoutbox] == [["half@example.org"]]


def test_nobody_to_remind_says_so(client):
    program = ProgramFactory(slug="empty")
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    response = client.post(reverse("announcements:intake_remind", args=["empty"]), follow=True)
    assert str(services.MSG_NO_INTAKE_LEFT) in response.content.decode()
