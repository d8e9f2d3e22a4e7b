"""Partners are emailed about proposals, agreements and cancellations, each email exactly once."""

import json
from datetime import UTC, date, datetime, time

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core import clock
from tandem.meetings import emails, services
from tandem.meetings.models import Meeting, MeetingSeries, ScheduleNotice
from tandem.meetings.tasks import schedule_notice_send
from tandem.meetings.tests.factories import partnership_make

MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)
SITE = "http://127.0.0.1:8000"
TRIO = [("Ana", "Europe/Madrid"), ("Ben", "America/New_York"), ("Cleo", "Europe/London")]


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


def _to(mails, seat):
    return [m for m in mails if m.to == [seat.membership.user.email]]


def _emails(seats):
    return sorted(s.membership.user.email for s in seats)


@pytest.mark.django_db(transaction=True)
def test_every_scheduling_change_reaches_the_right_partners_once_through_the_worker(mailoutbox):
    with clock.frozen(MONDAY):
        partnership, (ana, ben, cleo) = partnership_make(people=TRIO)
        schedule_url = f"{SITE}/meetings/partnership/{partnership.pk}/"

        # Ana proposes: Ben and Cleo are asked to accept, with a link to the schedule page.
        series = services.series_propose(
            partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
            time_zone="Europe/Madrid",
        )  # fmt: skip
        _run_worker()
        _run_worker()
        asked = list(mailoutbox)
        assert sorted(m.to[0] for m in asked) == _emails([ben, cleo])
        assert all(m.subject == f"[Tandem] Ana proposes a meeting time for {partnership.program.name}"
                   for m in asked)  # fmt: skip
        assert all(schedule_url in m.body for m in asked)

        # Ben accepts: nobody is emailed until the last partner has accepted too.
        services.series_accept(series=series, seat=ben)
        _run_worker()
        assert len(mailoutbox) == 2
        services.series_accept(series=series, seat=cleo)
        _run_worker()
        _run_worker()
        booked = mailoutbox[2:]
        assert sorted(m.to[0] for m in booked) == _emails([ana, ben, cleo])
        first, second = Meeting.objects.order_by("starts_at")[:2]
        assert all(f"{SITE}/meetings/{first.pk}/calendar.ics" in m.body for m in booked)

        # Ben proposes to move the first meeting: Ana and Cleo are asked.
        move = services.meeting_reschedule_propose(
            meeting=first, seat=ben, on=date(2027, 1, 14), at=time(13), time_zone="America/New_York"
        )
        _run_worker()
        asked_to_move = mailoutbox[5:]
        assert sorted(m.to[0] for m in asked_to_move) == _emails([ana, cleo])
        assert all(schedule_url in m.body for m in asked_to_move)

        # Everyone accepts: all three are told, with the moved meeting's .ics.
        services.reschedule_accept(proposal=move, seat=ana)
        services.reschedule_accept(proposal=move, seat=cleo)
        _run_worker()
        moved = mailoutbox[7:]
        assert sorted(m.to[0] for m in moved) == _emails([ana, ben, cleo])
        assert all(f"{SITE}/meetings/{first.pk}/calendar.ics" in m.body for m in moved)

        # Cleo cancels the second meeting with a reason: Ana and Ben are told, and never read notes.
        services.note_create(meeting=second, seat=ana, body="Shared worry", visibility="shared")
        services.note_create(meeting=second, seat=cleo, body="Cleo only", visibility="private")
        services.meeting_cancel(meeting=second, seat=cleo, reason="Travelling that week")
        _run_worker()
        _run_worker()
        cancelled = mailoutbox[10:]
        assert sorted(m.to[0] for m in cancelled) == _emails([ana, ben])
        assert all("Reason: Travelling that week" in m.body for m in cancelled)

        # The same email enqueued again (a retry, a second enqueue) is not sent again.
        schedule_notice_send.enqueue(
            kind=ScheduleNotice.Kind.MEETING_CANCELLED, subject_id=second.pk, seat_id=ana.pk
        )
        schedule_notice_send.enqueue(
            kind=ScheduleNotice.Kind.SERIES_AGREED, subject_id=series.pk, seat_id=ben.pk
        )
        _run_worker()
        _run_worker()

    assert len(mailoutbox) == 12
    assert ScheduleNotice.objects.count() == 12
    assert all("worry" not in m.body and "Cleo only" not in m.body for m in mailoutbox)


def _proposed(people=None):
    partnership, seats = partnership_make(people=people)
    series = services.series_propose(
        partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    return partnership, seats, series


def _booked():
    """Book Ana and Ben's weekly series (Ana proposes, Ben accepts); return their seats."""
    _partnership, (ana, ben), series = _proposed()
    services.series_accept(series=series, seat=ben)
    return ana, ben


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_proposal_email_shows_the_slot_in_the_partners_own_time_first(
    mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY), django_capture_on_commit_callbacks(execute=True):
        partnership, (_ana, ben), _series = _proposed()
    [mail] = mailoutbox
    assert mail.to == [ben.membership.user.email]
    assert (
        "Ana proposes to meet:\nWednesdays 12:00 for Ben (America/New_York) · 18:00 for Ana "
        "(Europe/Madrid), every week, 60 minutes, from 13 January 2027.\n" in mail.body
    )
    assert f"{SITE}/meetings/partnership/{partnership.pk}/" in mail.body


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_booked_email_lists_the_next_meetings_with_their_ics_and_the_feed_page(
    mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY):
        _partnership, (ana, ben), series = _proposed()
        with django_capture_on_commit_callbacks(execute=True):
            services.series_accept(series=series, seat=ben)
    [to_ana] = _to(mailoutbox, ana)
    assert to_ana.subject.startswith("[Tandem] Booked: your ")
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 3
    assert "- Wed 13 Jan 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)" in (
        to_ana.body
    )
    for meeting in meetings:
        assert f"{SITE}/meetings/{meeting.pk}/calendar.ics" in to_ana.body
    assert f"{SITE}/meetings/calendar/" in to_ana.body


@pytest.mark.django_db
def test_a_proposal_answered_or_replaced_before_the_worker_runs_asks_nobody(mailoutbox):
    with clock.frozen(MONDAY):
        partnership, (ana, ben, cleo), first = _proposed(people=TRIO)
        services.series_accept(series=first, seat=ben)
        # Ben accepted already: nothing to ask him. Cleo is still asked.
        assert not emails.schedule_notice_send(
            kind=ScheduleNotice.Kind.SERIES_PROPOSED, subject_id=first.pk, seat_id=ben.pk
        )
        assert emails.schedule_notice_send(
            kind=ScheduleNotice.Kind.SERIES_PROPOSED, subject_id=first.pk, seat_id=cleo.pk
        )
        # A newer proposal replaces the first: its email, still queued, is dropped.
        services.series_propose(
            partnership=partnership, seat=cleo, starts_on=date(2027, 1, 14), start_time=time(9),
            time_zone="Europe/London",
        )  # fmt: skip
        first.refresh_from_db()
        assert first.status == MeetingSeries.Status.REPLACED
        assert not emails.schedule_notice_send(
            kind=ScheduleNotice.Kind.SERIES_PROPOSED, subject_id=first.pk, seat_id=ana.pk
        )
        # Someone who is not in the partnership gets nothing, whatever the queue says.
        _, (stranger, _other) = partnership_make()
        assert not emails.schedule_notice_send(
            kind=ScheduleNotice.Kind.SERIES_PROPOSED, subject_id=first.pk, seat_id=stranger.pk
        )
    assert [m.to for m in mailoutbox] == [[cleo.membership.user.email]]


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_reschedule_emails_show_the_current_and_the_proposed_time(
    mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY):
        ana, ben = _booked()
        meeting = Meeting.objects.order_by("starts_at").first()
        with django_capture_on_commit_callbacks(execute=True):
            move = services.meeting_reschedule_propose(
                meeting=meeting, seat=ben, on=date(2027, 1, 14), at=time(13),
                time_zone="America/New_York",
            )  # fmt: skip
        [asked] = mailoutbox
        assert asked.to == [ana.membership.user.email]
        assert asked.subject.startswith("[Tandem] Ben proposes to move your ")
        assert asked.subject.endswith(" meeting of Wednesday 13 January")
        assert "Now: Wed 13 Jan 18:00 for Ana (Europe/Madrid)" in asked.body
        assert "Proposed: Thu 14 Jan 19:00 for Ana (Europe/Madrid)" in asked.body
        with django_capture_on_commit_callbacks(execute=True):
            services.reschedule_accept(proposal=move, seat=ana)
    moved = mailoutbox[1:]
    assert sorted(m.to[0] for m in moved) == _emails([ana, ben])
    assert all(m.subject.endswith("meeting is now on Thursday 14 January") for m in moved)


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_cancelling_on_the_page_tells_the_partner_with_the_reason(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY):
        ana, ben = _booked()
        first = Meeting.objects.order_by("starts_at").first()
        client.force_login(ben.membership.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("meetings:cancel", args=[first.pk]), {"reason": "  Sick,\n sorry "}
            )
        assert response.status_code == 302
        told = client.get(response["Location"]).text
        assert "Meeting cancelled; your partner is told. The series goes on." in told
        page = client.get(reverse("meetings:detail", args=[first.pk]))
    [mail] = mailoutbox
    assert mail.to == [ana.membership.user.email]
    assert mail.subject.endswith(" meeting of Wednesday 13 January")
    assert "Ben cancelled this meeting:\nWed 13 Jan 18:00 for Ana (Europe/Madrid)" in mail.body
    assert "Reason: Sick, sorry\n" in mail.body
    assert "Your next meeting: Wed 20 Jan 18:00 for Ana (Europe/Madrid)" in mail.body
    assert "Cancelled by Ben: “Sick, sorry”" in page.text


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_cancelling_without_a_reason_sends_no_reason_line(
    mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY):
        ana, ben = _booked()
        with django_capture_on_commit_callbacks(execute=True):
            services.meeting_cancel(meeting=Meeting.objects.order_by("starts_at")[1], seat=ana)
    [mail] = mailoutbox
    assert mail.to == [ben.membership.user.email]
    assert "Ana cancelled this meeting" in mail.body
    assert "Reason" not in mail.body


@pytest.mark.django_db
def test_too_long_reason_keeps_the_input_on_that_meeting_and_cancels_nothing(client):
    with clock.frozen(MONDAY):
        ana, _ben = _booked()
        meetings = list(Meeting.objects.order_by("starts_at"))
        client.force_login(ana.membership.user)
        reason = "x" * 301
        response = client.post(
            reverse("meetings:cancel", args=[meetings[1].pk]), {"reason": reason}
        )
    assert response.status_code == 400
    assert "Keep this to 300 characters or fewer (it has 301)." in response.text
    assert response.text.count(f'value="{reason}"') == 1
    assert f'id="id_m{meetings[1].pk}_reason"' in response.text
    assert Meeting.objects.filter(status=Meeting.Status.CANCELLED).count() == 0
    with pytest.raises(services.ValidationFailed, match=services.CANCEL_REASON_TOO_LONG):
        services.meeting_cancel(meeting=meetings[1], seat=ana, reason=reason)


@pytest.mark.django_db
@pytest.mark.usefixtures("immediate_tasks")
def test_api_cancel_takes_an_optional_reason(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(MONDAY):
        ana, _ben = _booked()
        first, second = Meeting.objects.order_by("starts_at")[:2]
        client.force_login(ana.membership.user)
        with django_capture_on_commit_callbacks(execute=True):
            plain = client.post(
                f"/api/v1/meetings/{first.pk}/cancel", content_type="application/json"
            )
            given = client.post(
                f"/api/v1/meetings/{second.pk}/cancel",
                data=json.dumps({"reason": "Work trip"}),
                content_type="application/json",
            )
    assert (plain.status_code, plain.json()["cancel_reason"]) == (200, "")
    assert (given.status_code, given.json()["cancel_reason"]) == (200, "Work trip")
    assert [("Reason: Work trip" in m.body) for m in mailoutbox] == [False, True]
