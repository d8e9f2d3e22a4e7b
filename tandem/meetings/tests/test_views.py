"""Meeting pages: scheduling, turns and timer, commitments, marking, balance, calendars."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import Meeting, MeetingSeries, Turn
from tandem.meetings.selectors.balance import balance_for_partnership, meeting_history
from tandem.meetings.selectors.notes import (
    commitment_to_review,
    commitments_for,
    commitments_for_page,
    commitments_to_review,
)
from tandem.meetings.selectors.turns import turn_order_for, turn_state
from tandem.meetings.tests.factories import partnership_make
from tandem.partnerships.tests.factories import AgreementFactory, AgreementVersionFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)


def _booked(**kwargs):
    partnership, seats = partnership_make(**kwargs)
    series = services.series_propose(
        partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    for seat in seats[1:]:
        services.series_accept(series=series, seat=seat)
    return partnership, seats


def test_partners_pick_a_suggested_slot_and_accept_it_on_the_schedule_page(client):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make(
            availability=[[[2, 18 * 60, 20 * 60]], [[2, 12 * 60, 14 * 60]]]
        )
        url = reverse("meetings:schedule", args=[partnership.pk])
        client.force_login(seats[0].membership.user)
        page = client.get(url)
        assert "Wednesdays 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)" in (
            page.text
        )
        client.post(
            reverse("meetings:series_propose", args=[partnership.pk]),
            {"starts_on": "2027-01-13", "start_time": "18:00", "time_zone": "Europe/Madrid"},
        )
        series = MeetingSeries.objects.get()
        assert series.status == MeetingSeries.Status.PROPOSED
        client.force_login(seats[1].membership.user)
        client.post(reverse("meetings:series_accept", args=[series.pk]))
        page = client.get(url)
    series.refresh_from_db()
    assert series.status == MeetingSeries.Status.ACTIVE
    assert page.text.count("Move or cancel this meeting") == 3
    assert (
        "Wed 13 Jan 12:00 for Ben (America/New_York) · 18:00 for Ana (Europe/Madrid)" in page.text
    )


CIRCLE = [("Ana", "Europe/Madrid"), ("Ben", "America/New_York"), ("Chen", "Asia/Singapore")]
SLOT = {"starts_on": "2027-01-13", "start_time": "18:00", "time_zone": "Europe/Madrid"}


def test_a_pair_proposal_waits_for_the_partner_and_names_the_proposer(client):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make()
        client.force_login(seats[0].membership.user)
        page = client.post(
            reverse("meetings:series_propose", args=[partnership.pk]), SLOT, follow=True
        )
    assert "Proposed. It is booked once your partner accepts." in page.text
    assert "You proposed this time. Waiting for your partner." in page.text
    assert "your partners accept" not in page.text and "Waiting for your partners" not in page.text
    assert "You accepted" not in page.text


def test_a_circle_proposal_waits_for_the_partners_and_names_the_proposer(client):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make(people=CIRCLE)
        client.force_login(seats[0].membership.user)
        page = client.post(
            reverse("meetings:series_propose", args=[partnership.pk]), SLOT, follow=True
        )
        assert "Proposed. It is booked once your partners accept." in page.text
        assert "You proposed this time. Waiting for your partners." in page.text
        assert "You accepted" not in page.text

        client.force_login(seats[1].membership.user)
        series = MeetingSeries.objects.get()
        page = client.post(reverse("meetings:series_accept", args=[series.pk]), follow=True)
    assert "You accepted. Waiting for your partners." in page.text
    assert "You proposed this time" not in page.text


@pytest.mark.parametrize(
    ("people", "proposed", "waiting", "wrong"),
    [
        (
            None,
            "Move proposed. It takes effect once your partner accepts.",
            "Waiting for your partner.",
            "Waiting for your partners.",
        ),
        (
            CIRCLE,
            "Move proposed. It takes effect once your partners accept.",
            "Waiting for your partners.",
            "Waiting for your partner.",
        ),
    ],
    ids=["pair", "circle"],
)
def test_a_proposed_move_waits_for_the_partner_or_the_partners(
    client, people, proposed, waiting, wrong
):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked(people=people)
        meeting = Meeting.objects.order_by("starts_at").first()
        client.force_login(seats[1].membership.user)
        page = client.post(
            reverse("meetings:reschedule", args=[meeting.pk]),
            {"on": "2027-01-14", "at": "13:00", "time_zone": "America/New_York"},
            follow=True,
        )
    assert proposed in page.text
    assert waiting in page.text and wrong not in page.text


def test_my_meetings_says_a_pair_proposal_waits_for_an_answer_and_links_to_it(client):
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make()
        client.force_login(ana.membership.user)
        client.post(reverse("meetings:series_propose", args=[partnership.pk]), SLOT)
        to_ana = client.get(reverse("meetings:list")).text
        client.force_login(ben.membership.user)
        to_ben = client.get(reverse("meetings:list")).text
    schedule = reverse("meetings:schedule", args=[partnership.pk])
    program = partnership.program.name
    assert "No upcoming meetings." not in to_ana and "No meeting booked yet." in to_ana
    assert (
        f"You proposed a meeting time in {program}; it is waiting for your partner\u2019s answer. "
        f'<a href="{schedule}">See the proposal</a>'
    ) in to_ana
    assert (
        f"Ana proposed a meeting time in {program}; it is waiting for your answer. "
        f'<a href="{schedule}">Accept or decline it</a>'
    ) in to_ben


def test_my_meetings_says_a_circle_proposal_waits_for_the_partners_answers(client):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make(people=CIRCLE)
        client.force_login(seats[0].membership.user)
        client.post(reverse("meetings:series_propose", args=[partnership.pk]), SLOT)
        client.force_login(seats[1].membership.user)
        client.post(reverse("meetings:series_accept", args=[MeetingSeries.objects.get().pk]))
        to_ben = client.get(reverse("meetings:list")).text
        client.force_login(seats[2].membership.user)
        to_chen = client.get(reverse("meetings:list")).text
    program = partnership.program.name
    assert (
        f"You accepted a meeting time in {program}; it is waiting for your partners\u2019 answers."
    ) in to_ben
    assert f"Ana proposed a meeting time in {program}; it is waiting for your answer." in to_chen


def test_my_meetings_no_longer_mentions_a_proposal_once_it_is_agreed(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
        client.force_login(seats[0].membership.user)
        page = client.get(reverse("meetings:list")).text
    assert "See the proposal" not in page and "Accept or decline it" not in page
    assert "No upcoming meetings." not in page and "No meeting booked yet." not in page


def test_proposing_a_past_slot_keeps_the_input_and_says_what_to_fix(client):
    with clock.frozen(MONDAY):
        partnership, seats = partnership_make()
        client.force_login(seats[0].membership.user)
        response = client.post(
            reverse("meetings:series_propose", args=[partnership.pk]),
            {"starts_on": "2026-12-02", "start_time": "07:45", "time_zone": "Asia/Kolkata"},
        )
    assert response.status_code == 400
    assert services.START_IN_PAST in response.text
    assert 'value="2026-12-02"' in response.text and 'value="07:45"' in response.text
    assert '<option value="Asia/Kolkata" selected>' in response.text


def test_reschedule_takes_effect_once_the_partner_accepts_and_bumps_the_sequence(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
        meeting = Meeting.objects.order_by("starts_at").first()
        client.force_login(seats[1].membership.user)
        client.post(
            reverse("meetings:reschedule", args=[meeting.pk]),
            {"on": "2027-01-14", "at": "13:00", "time_zone": "America/New_York"},
        )
        meeting.refresh_from_db()
        assert meeting.starts_at == datetime(2027, 1, 13, 17, tzinfo=UTC)  # not yet
        proposal = meeting.reschedules.get()
        client.force_login(seats[0].membership.user)
        client.post(reverse("meetings:reschedule_accept", args=[proposal.pk]))
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime(2027, 1, 14, 18, tzinfo=UTC)
    assert meeting.sequence == 1
    assert meeting.original_start == datetime(2027, 1, 13, 17, tzinfo=UTC)


def test_timer_hands_over_after_the_turn_and_survives_a_reload(client):
    start = datetime(2027, 1, 13, 17, tzinfo=UTC)
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    meeting = Meeting.objects.order_by("starts_at").first()
    client.force_login(seats[1].membership.user)
    with clock.frozen(start):
        client.post(reverse("meetings:turn_start", args=[meeting.pk]))
    turns = list(Turn.objects.filter(meeting=meeting))
    assert [t.planned_seconds for t in turns] == [1800, 1800]
    with clock.frozen(start + timedelta(minutes=12)):
        panel = client.get(reverse("meetings:turns", args=[meeting.pk]))
    assert "Ana</strong>\u2019s turn" in panel.text and "18:00" in panel.text  # 18 minutes left
    with clock.frozen(start + timedelta(minutes=30)):
        # Both browsers hand over at zero; the second call changes nothing.
        for _ in range(2):
            client.post(
                reverse("meetings:turn_hand_over", args=[meeting.pk]),
                {"turn": turns[0].pk},
                HTTP_HX_REQUEST="true",
            )
        state = turn_state(meeting=meeting)
    assert state.current.seat_id == seats[1].pk
    assert state.current.started_at == start + timedelta(minutes=30)
    with clock.frozen(start + timedelta(minutes=40)):
        page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert "Ben</strong>\u2019s turn" in page.text and "20:00" in page.text


def test_first_speaker_alternates_and_commitments_are_asked_about_next_time(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    first, second = Meeting.objects.order_by("starts_at")[:2]
    with clock.frozen(first.starts_at):
        services.meeting_start(meeting=first, seat=seats[0])
        services.commitment_set(meeting=first, seat=seats[1], text="Send two applications")
        services.meeting_mark(
            meeting=first, seat=seats[0], status="held", present_seat_ids=[s.pk for s in seats]
        )
    with clock.frozen(second.starts_at):
        services.meeting_start(meeting=second, seat=seats[0])
        client.force_login(seats[0].membership.user)
        page = client.get(reverse("meetings:detail", args=[second.pk]))
    order = lambda m: list(m.turns.values_list("seat_id", flat=True))  # noqa: E731
    assert "Ben</strong> in the mentee\u2019s seat · goes first" in page.text
    held = client.get(reverse("meetings:detail", args=[first.pk])).text
    assert "Ana</strong> (you) in the mentee\u2019s seat · went first" in held
    assert order(first) == [seats[0].pk, seats[1].pk]
    assert order(second) == [seats[1].pk, seats[0].pk]
    assert "Last time Ben committed to: <em>Send two applications</em>. Did it happen?" in page.text
    review = commitment_to_review(meeting=second, seat=seats[1])
    client.post(
        reverse("meetings:commitment_review", args=[second.pk, review.pk]), {"outcome": "partly"}
    )
    review.refresh_from_db()
    assert (review.outcome, review.reviewed_in_id) == ("partly", second.pk)


def test_held_needs_two_partners_there(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    meeting = Meeting.objects.order_by("starts_at").first()
    client.force_login(seats[0].membership.user)
    with clock.frozen(meeting.starts_at + timedelta(hours=1)):
        response = client.post(
            reverse("meetings:mark", args=[meeting.pk]),
            {"status": "held", "present": [seats[0].pk]},
        )
        assert response.status_code == 400
        assert services.HELD_NEEDS_TWO in response.text
        client.post(
            reverse("meetings:mark", args=[meeting.pk]),
            {"status": "missed", "present": [seats[0].pk]},
        )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MISSED
    assert dict(meeting.attendance.values_list("seat_id", "present")) == {
        seats[0].pk: True, seats[1].pk: False
    }  # fmt: skip


def test_starting_the_turns_too_early_over_htmx_answers_why_in_the_refusal_region(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    meeting = Meeting.objects.order_by("starts_at").first()
    client.force_login(seats[0].membership.user)
    with clock.frozen(meeting.starts_at - timedelta(minutes=20)):
        response = client.post(
            reverse("meetings:turn_start", args=[meeting.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#htmx-refusal", "innerHTML")
    assert f'role="alert">{services.TURN_TOO_EARLY}</p>' in response.text
    assert not meeting.turns.exists()
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert 'id="htmx-refusal"' in page.text


def test_meeting_page_heads_running_turns_in_progress_and_shows_the_saved_mark(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    meeting = Meeting.objects.order_by("starts_at").first()
    url = reverse("meetings:detail", args=[meeting.pk])
    client.force_login(seats[0].membership.user)
    with clock.frozen(meeting.starts_at):
        client.post(reverse("meetings:turn_start", args=[meeting.pk]))
        page = client.get(url)
    assert "60 minutes · In progress</p>" in page.text
    for turn in meeting.turns.order_by("position"):
        with clock.frozen(meeting.starts_at + timedelta(minutes=30)):
            services.turn_hand_over(meeting=meeting, seat=seats[0], turn_id=turn.pk)
    with clock.frozen(meeting.starts_at + timedelta(minutes=60)):
        page = client.get(url)
        assert "60 minutes · Scheduled</p>" in page.text
        assert "All turns are done. Mark the meeting below." in page.text
        client.post(
            reverse("meetings:mark", args=[meeting.pk]),
            {"status": "missed", "present": [seats[0].pk]},
        )
        page = client.get(url)
    assert "60 minutes · Missed</p>" in page.text
    assert "All turns are done.</p>" in page.text
    assert "Mark the meeting below" not in page.text
    assert 'value="missed" required id="id_status_1" checked' in page.text
    assert f'value="{seats[0].pk}" id="id_present_0" checked' in page.text
    assert f'value="{seats[1].pk}" id="id_present_1" checked' not in page.text


def _held_meeting(meeting, seats, minutes):
    """Run the turns with the given minutes per seat (in order), then mark it held."""
    at = meeting.starts_at
    with clock.frozen(at):
        services.meeting_start(meeting=meeting, seat=seats[0])
    for turn in meeting.turns.order_by("position"):
        at += timedelta(minutes=minutes[turn.seat_id])
        with clock.frozen(at):
            services.turn_hand_over(meeting=meeting, seat=seats[0], turn_id=turn.pk)
    with clock.frozen(at):
        services.meeting_mark(
            meeting=meeting, seat=seats[0], status="held", present_seat_ids=[s.pk for s in seats]
        )


def test_one_sided_partnership_is_flagged_with_a_suggestion(client):
    with clock.frozen(MONDAY):
        partnership, seats = _booked(cadence_weeks=1)
    ana, ben = seats
    for meeting in Meeting.objects.order_by("starts_at")[:2]:
        _held_meeting(meeting, seats, {ana.pk: 40, ben.pk: 20})
    balance = balance_for_partnership(partnership)
    assert [(p.name, p.mentee_minutes, p.mentor_minutes) for p in balance.partners] == [
        ("Ana", 80, 40), ("Ben", 40, 80)
    ]  # fmt: skip
    assert not balance.one_sided  # two meetings are not yet a pattern
    with clock.frozen(datetime(2027, 1, 26, tzinfo=UTC)):
        services.meetings_extend()
    third = Meeting.objects.filter(status="scheduled").order_by("starts_at").first()
    _held_meeting(third, seats, {ana.pk: 40, ben.pk: 20})
    balance = balance_for_partnership(partnership)
    assert balance.one_sided  # 66.7% against 33.3%
    assert balance.suggestion.endswith("Next time, let Ben go first and take the longer turn.")
    client.force_login(ben.membership.user)
    page = client.get(reverse("meetings:detail", args=[third.pk]))
    assert "let Ben go first and take the longer turn" in page.text
    following = Meeting.objects.filter(status="scheduled").order_by("starts_at").first()
    assert turn_order_for(meeting=following, seats=seats)[0] == ben


def test_exactly_65_35_is_not_flagged():
    with clock.frozen(MONDAY):
        partnership, seats = _booked(cadence_weeks=1)
        services.meetings_extend(now=datetime(2027, 1, 26, tzinfo=UTC))
    ana, ben = seats
    for meeting in Meeting.objects.order_by("starts_at")[:3]:
        _held_meeting(meeting, seats, {ana.pk: 39, ben.pk: 21})
    assert not balance_for_partnership(partnership).one_sided


def test_meeting_ics_has_tzid_stable_uid_sequence_and_cancelled_status(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
        meeting = Meeting.objects.order_by("starts_at").first()
        client.force_login(seats[0].membership.user)
        before = Calendar.from_ical(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
        services.meeting_cancel(meeting=meeting, seat=seats[0])
        after = Calendar.from_ical(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    event, cancelled = before.events[0], after.events[0]
    assert event["UID"] == cancelled["UID"] == f"{meeting.uid}@tandem"
    assert event.decoded("DTSTART") == datetime(
        2027, 1, 13, 18, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert [tz["TZID"] for tz in before.walk("VTIMEZONE")] == ["Europe/Madrid"]
    assert (event["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1)
    assert (str(event["STATUS"]), str(cancelled["STATUS"])) == ("CONFIRMED", "CANCELLED")


def test_ics_and_meeting_page_carry_the_place_agreed_in_the_ground_rules(client):

    with clock.frozen(MONDAY):
        partnership, seats = _booked()
    meeting = Meeting.objects.order_by("starts_at").first()
    agreement = AgreementFactory(partnership=partnership)
    AgreementVersionFactory(
        agreement=agreement, number=1, cadence_weeks=1, meeting_minutes=60, channel="video",
        where="https://meet.example.org/ana-ben", agreed_at=MONDAY,
    )  # fmt: skip
    client.force_login(seats[0].membership.user)
    event = Calendar.from_ical(client.get(reverse("meetings:ics", args=[meeting.pk])).content)
    assert str(event.events[0]["LOCATION"]) == "Video call: https://meet.example.org/ana-ben"
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert 'href="https://meet.example.org/ana-ben"' in page.text


def test_calendar_feed_is_revocable_and_replaceable(client):
    with clock.frozen(MONDAY):
        _partnership, seats = _booked()
    user = seats[0].membership.user
    client.force_login(user)
    page = client.post(reverse("meetings:calendar"), {"action": "rotate"})
    old_url = page.context["feed_url"]
    path = old_url.removeprefix("http://127.0.0.1:8000")
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200
    # The standing meeting (the series' RRULE) and its three booked occurrences.
    assert len(Calendar.from_ical(feed.content).events) == 4
    client.force_login(user)
    new_url = client.post(reverse("meetings:calendar"), {"action": "rotate"}).context["feed_url"]
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get(new_url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    client.force_login(user)
    client.post(reverse("meetings:calendar"), {"action": "revoke"})
    assert client.get(new_url.removeprefix("http://127.0.0.1:8000")).status_code == 404


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


def test_list_page_feed_and_api_lists_keep_their_query_count_as_rows_grow(client):
    with clock.frozen(MONDAY):
        partnership, seats = _booked()
        meeting = Meeting.objects.order_by("starts_at").first()
        services.note_create(meeting=meeting, seat=seats[0], body="a", visibility="shared")
        user = seats[0].membership.user
        client.force_login(user)
        token = services.calendar_feed_rotate(user=user)
        feed_path = reverse("meetings:feed", kwargs={"token": token})
        urls = [
            lambda: client.get(reverse("meetings:list")),
            lambda: client.get("/api/v1/meetings/"),
            lambda: client.get(f"/api/v1/meetings/{meeting.pk}/notes"),
            lambda: client.get(f"/api/v1/meetings/series?partnership_id={partnership.pk}"),
            lambda: client.get(feed_path),
        ]
        small = [_count(url) for url in urls]
        services.meetings_extend(now=datetime(2027, 3, 1, tzinfo=UTC))  # more meetings
        for _ in range(4):
            services.note_create(meeting=meeting, seat=seats[1], body="b", visibility="shared")
        services.series_propose(
            partnership=partnership, seat=seats[1], starts_on=date(2027, 1, 21),
            start_time=time(9), time_zone="America/New_York",
        )  # fmt: skip
        large = [_count(url) for url in urls]
    assert Meeting.objects.count() == 6  # was 3
    assert small == large


def _history(partnership, seats):
    """Ana and Ben, weekly: two lopsided held meetings, one started then marked missed, one
    held without the timer, each with commitments; the next meeting still to come."""
    services.meetings_extend(now=datetime(2027, 2, 9, tzinfo=UTC))
    ana, ben = seats
    past = list(Meeting.objects.order_by("starts_at")[:4])
    for meeting in past[:2]:
        _held_meeting(meeting, seats, {ana.pk: 40, ben.pk: 20})
    with clock.frozen(past[2].starts_at):
        services.meeting_start(meeting=past[2], seat=ben)
        services.meeting_mark(meeting=past[2], seat=ana, status="missed", present_seat_ids=[ana.pk])
    with clock.frozen(past[3].starts_at):
        services.meeting_mark(
            meeting=past[3], seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk]
        )
    for meeting in past:
        for seat in seats:
            with clock.frozen(meeting.starts_at):
                services.commitment_set(meeting=meeting, seat=seat, text=f"read {meeting.pk}")
    upcoming = Meeting.objects.filter(status="scheduled").order_by("starts_at").first()
    return past, upcoming


def test_meeting_history_gives_the_same_order_and_balance_as_the_separate_reads():
    with clock.frozen(MONDAY):
        partnership, seats = _booked(cadence_weeks=1)
    past, upcoming = _history(partnership, seats)
    history = meeting_history(meeting=upcoming, seats=seats)
    assert history.balance == balance_for_partnership(partnership, seats=seats)
    assert not history.has_turns
    assert meeting_history(meeting=past[2], seats=seats).has_turns
    assert not meeting_history(meeting=past[3], seats=seats).has_turns
    # The missed meeting was started by Ben's turn order; the next one rotates from it.
    assert history.previous_first_seat_id == past[2].turns.get(position=0).seat_id
    assert turn_order_for(meeting=upcoming, seats=seats, history=history) == turn_order_for(
        meeting=upcoming, seats=seats
    )
    mine, to_review = commitments_for_page(meeting=past[3], seats=seats)
    assert mine == commitments_for(meeting=past[3])
    assert to_review == commitments_to_review(meeting=past[3], seats=seats)
    assert {c.text for c in to_review.values()} == {f"read {past[2].pk}"}


def test_meeting_page_queries_stay_the_same_as_the_partnership_history_grows(client):
    with clock.frozen(MONDAY):
        partnership, seats = _booked(cadence_weeks=1)
    first = Meeting.objects.order_by("starts_at").first()
    client.force_login(seats[0].membership.user)
    url = reverse("meetings:detail", args=[first.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    past, upcoming = _history(partnership, seats)
    url = reverse("meetings:detail", args=[upcoming.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert f"read {past[3].pk}" in page.text
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
