"""Agreed and cancelled meetings reach partners as calendar invitations (iTIP, RFC 5546)."""

from datetime import UTC, date, datetime, time

import pytest
from django.core.management import call_command
from icalendar import Calendar

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import Meeting
from tandem.meetings.tests.factories import partnership_make

MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)
PAIR = [("Ana", "Europe/Madrid"), ("Ben", "America/New_York")]


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


def _invitation(mail):
    """Return the (method, event) of the text/calendar alternative of the sent email."""
    message = mail.message()
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "no text/calendar part"
    method = parts[0].get_param("method")
    calendar = Calendar.from_ical(parts[0].get_payload(decode=True))
    assert calendar["method"] == method
    assert any(p.get_filename() == "invite.ics" for p in parts)
    assert calendar.walk("VTIMEZONE")
    return method, calendar.walk("VEVENT")[0]


@pytest.mark.django_db(transaction=True)
def test_agreed_moved_and_cancelled_meetings_are_invitations_for_one_event(mailoutbox):
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make(people=PAIR)
        series = services.series_propose(
            partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
            time_zone="Europe/Madrid",
        )  # fmt: skip
        services.series_accept(series=series, seat=ben)
        _run_worker()
        _run_worker()
        agreed = [m for m in mailoutbox if m.to == [ben.membership.user.email]][-1]
        method, master = _invitation(agreed)
        assert method == "REQUEST"
        assert "RRULE" in master
        assert master["DTSTART"].params["TZID"] == "Europe/Madrid"
        attendees = sorted(str(a) for a in master.get("ATTENDEE"))
        assert attendees == sorted(f"mailto:{s.membership.user.email}" for s in (ana, ben))
        assert all(a.params["PARTSTAT"] == "NEEDS-ACTION" for a in master.get("ATTENDEE"))

        first = Meeting.objects.order_by("starts_at").first()
        move = services.meeting_reschedule_propose(
            meeting=first, seat=ben, on=date(2027, 1, 14), at=time(13), time_zone="America/New_York"
        )
        services.reschedule_accept(proposal=move, seat=ana)
        _run_worker()
        _run_worker()
        method, moved = _invitation(mailoutbox[-1])
        assert method == "REQUEST"
        assert str(moved["UID"]) == str(master["UID"])
        assert "RECURRENCE-ID" in moved
        assert moved["SEQUENCE"] > master["SEQUENCE"]

        services.meeting_cancel(meeting=first, seat=ana, reason="Ill")
        _run_worker()
        method, cancelled = _invitation(mailoutbox[-1])
        assert method == "CANCEL"
        assert str(cancelled["UID"]) == str(master["UID"])
        assert cancelled["SEQUENCE"] > moved["SEQUENCE"]
        assert "Ill" not in str(cancelled.get("DESCRIPTION", ""))
