"""Reminders go out through the real worker, each exactly once per meeting, partner and kind."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import Delivery, Meeting
from tandem.meetings.tests.factories import partnership_make


def _booked_pair():
    partnership, seats = partnership_make()
    series = services.series_propose(
        partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    services.series_accept(series=series, seat=seats[1])
    return partnership, seats, Meeting.objects.order_by("starts_at").first()


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.mark.django_db(transaction=True)
def test_reminder_is_sent_once_even_when_enqueued_twice_and_the_worker_runs_twice(mailoutbox):
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        _, seats, meeting = _booked_pair()
        _run_worker()  # the "booked" emails
    booked = len(mailoutbox)
    assert booked == 2
    # 13 January 18:00 Madrid is 17:00 UTC; 23 hours before, the 24-hour reminder is due.
    with clock.frozen(meeting.starts_at - timedelta(hours=23)):
        assert services.meeting_reminders_due() == 2
        assert services.meeting_reminders_due() == 2  # not sent yet: enqueued again
        _run_worker()
        _run_worker()
        assert services.meeting_reminders_due() == 0
        _run_worker()
    reminders = [m for m in mailoutbox if "Tomorrow" in m.subject]
    assert sorted(m.to[0] for m in reminders) == sorted(s.membership.user.email for s in seats)
    ana = next(m for m in reminders if m.to == [seats[0].membership.user.email])
    assert "Wed 13 Jan 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)" in ana.body
    assert Delivery.objects.filter(kind=Delivery.Kind.REMINDER_24H).count() == 2

    with clock.frozen(meeting.starts_at - timedelta(minutes=50)):
        services.meeting_reminders_due()
        _run_worker()
        _run_worker()
    assert len([m for m in mailoutbox if "In an hour" in m.subject]) == 2
    assert len(mailoutbox) == booked + 4


@pytest.mark.django_db
def test_cancelled_meeting_gets_no_reminder(mailoutbox, django_capture_on_commit_callbacks,
                                            immediate_tasks):  # fmt: skip
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        _, seats, meeting = _booked_pair()
        services.meeting_cancel(meeting=meeting, seat=seats[1])
    with (
        clock.frozen(meeting.starts_at - timedelta(hours=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.meeting_reminders_due() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_reminder_never_includes_notes(mailoutbox, django_capture_on_commit_callbacks,
                                       immediate_tasks):  # fmt: skip
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        _, seats, meeting = _booked_pair()
        services.note_create(
            meeting=meeting, seat=seats[0], body="Secret plan", visibility="shared"
        )
    with (
        clock.frozen(meeting.starts_at - timedelta(minutes=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.meeting_reminders_due()
    assert len(mailoutbox) == 2
    assert all("Secret plan" not in m.body for m in mailoutbox)
