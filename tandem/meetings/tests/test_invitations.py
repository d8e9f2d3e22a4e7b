"""Agreed and cancelled meetings reach partners as calendar invitations (iTIP, RFC 5546)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.calendar import calendar_for, series_invitation, series_uid
from tandem.meetings.models import Meeting, MeetingSeries
from tandem.meetings.tests.factories import MeetingFactory, partnership_make, series_agreed
from tandem.partnerships.services.coordinator import membership_remove
from tandem.partnerships.services.life import partnership_end
from tandem.programs.tests.factories import MembershipFactory

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


def _agreed_pair():
    """Ana and Ben with an agreed weekly series whose REQUEST went out; return it too."""
    partnership, (ana, ben) = partnership_make(people=PAIR)
    series_agreed(partnership, ana, ben)
    return partnership, ana, ben


@pytest.mark.django_db(transaction=True)
def test_agreed_moved_and_cancelled_meetings_are_invitations_for_one_event(mailoutbox):
    with clock.frozen(MONDAY):
        _partnership, ana, ben = _agreed_pair()
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


def _bodies(mail):
    """Return every part of a sent email as text: body, alternatives and attachments."""
    return [
        part.get_payload(decode=True).decode()
        for part in mail.message().walk()
        if not part.is_multipart()
    ]


@pytest.mark.django_db(transaction=True)
def test_ending_the_partnership_cancels_the_standing_meeting_in_each_partners_language(
    mailoutbox,
):
    with clock.frozen(MONDAY):
        partnership, ana, ben = _agreed_pair()
        ben.membership.user.language = "es"
        ben.membership.user.save(update_fields=["language"])
        _run_worker()
        _, request = _invitation(mailoutbox[-1])
        first = Meeting.objects.order_by("starts_at").first()
        services.meeting_reschedule_propose(
            meeting=first, seat=ben, on=date(2027, 1, 14), at=time(13), time_zone="America/New_York"
        )
        move = first.reschedules.get()
        services.reschedule_accept(proposal=move, seat=ana)
        _run_worker()
        _, moved = _invitation(mailoutbox[-1])
        services.note_create(meeting=first, seat=ana, body="Secret plans", visibility="shared")
        mailoutbox.clear()

        partnership_end(partnership=partnership, user=ana.membership.user, end_reason="no_time")
        _run_worker()

    assert not Meeting.objects.filter(status=Meeting.Status.SCHEDULED).exists()
    assert MeetingSeries.objects.get(agreed_at__isnull=False).status == "ended"
    # One email each: the ending, carrying the cancellation (no email per cancelled meeting).
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        s.membership.user.email for s in (ana, ben)
    )
    for mail in mailoutbox:
        method, cancel = _invitation(mail)
        assert method == "CANCEL"
        assert cancel["STATUS"] == "CANCELLED"
        assert str(cancel["UID"]) == str(request["UID"]) == series_uid(partnership)
        assert "RECURRENCE-ID" not in cancel  # the whole series, every occurrence
        assert cancel["SEQUENCE"] > request["SEQUENCE"]
        assert cancel["SEQUENCE"] > moved["SEQUENCE"]
        attendees = sorted(str(a) for a in cancel.get("ATTENDEE"))
        assert attendees == sorted(f"mailto:{s.membership.user.email}" for s in (ana, ben))
        assert not any("Secret plans" in body for body in _bodies(mail))
    to_ben = next(m for m in mailoutbox if m.to == [ben.membership.user.email])
    to_ana = next(m for m in mailoutbox if m.to == [ana.membership.user.email])
    assert "Tus próximas reuniones se han cancelado" in to_ben.body
    assert "Página de la reunión" in str(_invitation(to_ben)[1]["DESCRIPTION"])
    assert "Your upcoming meetings are cancelled" in to_ana.body


@pytest.mark.django_db(transaction=True)
def test_a_partner_leaving_the_program_cancels_the_standing_meeting_for_both(mailoutbox):
    with clock.frozen(MONDAY):
        partnership, _ana, ben = _agreed_pair()
        _run_worker()
        _, request = _invitation(mailoutbox[-1])
        mailoutbox.clear()
        coordinator = MembershipFactory(program=partnership.program, role="coordinator")
        membership_remove(
            program=partnership.program,
            membership_id=ben.membership_id,
            actor=coordinator.user,
            reason="Left the company",
        )
        _run_worker()
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        method, cancel = _invitation(mail)
        assert method == "CANCEL"
        assert str(cancel["UID"]) == str(request["UID"])
        assert cancel["SEQUENCE"] > request["SEQUENCE"]


@pytest.mark.django_db(transaction=True)
def test_an_ending_without_an_agreed_series_carries_no_invitation(mailoutbox):
    with clock.frozen(MONDAY):
        partnership, (ana, _ben) = partnership_make(people=PAIR)
        services.series_propose(
            partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
            time_zone="Europe/Madrid",
        )  # fmt: skip
        _run_worker()
        mailoutbox.clear()
        partnership_end(partnership=partnership, user=ana.membership.user, end_reason="no_time")
        _run_worker()
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        assert not [p for p in mail.message().walk() if p.get_content_type() == "text/calendar"]
        assert "upcoming meetings are cancelled" not in mail.body


def _feed_events(client, user):
    token = services.calendar_feed_rotate(user=user)
    client.logout()
    feed = client.get(reverse("meetings:feed", kwargs={"token": token}))
    assert feed.status_code == 200
    return Calendar.from_ical(feed.content).walk("VEVENT")


@pytest.mark.django_db(transaction=True)
def test_the_feed_names_meetings_as_the_invitations_do(client, mailoutbox):
    with clock.frozen(MONDAY):
        partnership, ana, ben = _agreed_pair()
        _run_worker()
        _, request = _invitation(mailoutbox[-1])
        first = Meeting.objects.order_by("starts_at").first()
        services.meeting_reschedule_propose(
            meeting=first, seat=ben, on=date(2027, 1, 14), at=time(13), time_zone="America/New_York"
        )
        services.reschedule_accept(proposal=first.reschedules.get(), seat=ana)
        _run_worker()
        _, moved = _invitation(mailoutbox[-1])
        one_off = MeetingFactory(
            partnership=partnership,
            original_start=datetime(2027, 2, 1, 17, tzinfo=UTC),
            time_zone="Europe/Madrid",
        )
        services.meeting_cancel(meeting=one_off, seat=ana)
        _run_worker()
        _, one_off_cancel = _invitation(mailoutbox[-1])
        events = _feed_events(client, ana.membership.user)

    masters = [e for e in events if "RRULE" in e]
    occurrences = [e for e in events if "RECURRENCE-ID" in e]
    alone = [e for e in events if "RRULE" not in e and "RECURRENCE-ID" not in e]
    assert len(masters) == 1 and len(occurrences) == 3 and len(alone) == 1
    assert str(masters[0]["UID"]) == str(request["UID"])
    assert masters[0]["SEQUENCE"] == request["SEQUENCE"]
    assert {str(e["UID"]) for e in occurrences} == {str(request["UID"])}
    feed_moved = next(e for e in occurrences if e["RECURRENCE-ID"].dt == moved["RECURRENCE-ID"].dt)
    assert feed_moved["SEQUENCE"] == moved["SEQUENCE"]
    assert feed_moved["DTSTART"].dt == moved["DTSTART"].dt
    assert str(alone[0]["UID"]) == str(one_off_cancel["UID"])
    assert alone[0]["STATUS"] == "CANCELLED"


def _agree(partnership, ana, ben, *, at):
    """Agree a new weekly series for the pair at the instant ``at``; return it."""
    with clock.frozen(at):
        return series_agreed(partnership, ana, ben)


@pytest.mark.django_db
def test_each_agreed_series_counts_only_its_own_partnerships_earlier_series():
    first, (ana, ben) = partnership_make(people=PAIR)
    other, (cleo, dan) = partnership_make(people=PAIR)
    hour = timedelta(hours=1)
    agreed = [_agree(first, ana, ben, at=MONDAY)]
    # The other pair's series (one agreed in between) are no predecessors of the first pair's.
    theirs = [
        _agree(other, cleo, dan, at=MONDAY + hour),
        _agree(other, cleo, dan, at=MONDAY + 5 * hour),
    ]
    agreed += [_agree(first, ana, ben, at=MONDAY + n * hour) for n in (2, 3)]

    def sequence(series):
        _, payload = series_invitation(series)
        return Calendar.from_ical(payload).walk("VEVENT")[0]["SEQUENCE"]

    assert [sequence(s) for s in agreed] == [0, 1, 2]
    assert [sequence(s) for s in theirs] == [0, 1]
    # The feed of both pairs' meetings names each standing meeting with its agreed series' SEQUENCE.
    with clock.frozen(MONDAY + 6 * hour):
        feed = calendar_for(Meeting.objects.all(), name="Both", standing=True)
    masters = {
        str(e["UID"]): e["SEQUENCE"]
        for e in Calendar.from_ical(feed).walk("VEVENT")
        if "RRULE" in e
    }
    assert masters == {series_uid(first): 2, series_uid(other): 1}
