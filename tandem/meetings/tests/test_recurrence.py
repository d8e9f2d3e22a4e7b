"""Series keep their wall time in the owner's zone; every partner sees their own local time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tandem.core import clock
from tandem.meetings import recurrence, services
from tandem.meetings.models import Delivery, Meeting, MeetingSeries
from tandem.meetings.selectors.schedule import (
    dst_shift_for,
    meeting_upcoming,
    partner_times,
    rule_of,
    slot_suggestions,
)
from tandem.meetings.tests.factories import partnership_make

pytestmark = pytest.mark.django_db


def _series(partnership, seats, *, starts_on, start_time, zone):
    series = services.series_propose(
        partnership=partnership, seat=seats[0], starts_on=starts_on, start_time=start_time,
        time_zone=zone,
    )  # fmt: skip
    for seat in seats[1:]:
        series = services.series_accept(series=series, seat=seat)
    series.refresh_from_db()
    return series


def _clocks(series, seats, start, end):
    """Return [(date in owner's zone, [each partner's HH:MM])] for occurrences in [start, end)."""
    rule = rule_of(series)
    rows = []
    for instant in rule.instants():
        if instant >= end:
            break
        if instant >= start:
            times = partner_times(instant=instant, seats=seats)
            rows.append((times[0].local.date(), [t.clock for t in times]))
    return rows


def test_gap_time_moves_forward_and_fold_takes_first():
    # US spring forward: 02:00 -> 03:00 on 14 March 2027; 02:30 does not exist.
    assert recurrence.wall_to_instant(datetime(2027, 3, 14, 2, 30), "America/New_York") == (
        datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    )
    assert (
        f"{recurrence.instant_to_wall(datetime(2027, 3, 14, 7, 30, tzinfo=UTC), 'America/New_York'):%H:%M}"
        == "03:30"
    )
    # US fall back: 01:30 on 7 November 2027 happens twice; the first (still EDT, -4) is used.
    assert recurrence.wall_to_instant(datetime(2027, 11, 7, 1, 30), "America/New_York") == (
        datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    )  # fmt: skip


def test_new_york_series_keeps_wall_time_while_london_shifts_between_the_changes():
    with clock.frozen(datetime(2027, 2, 1, 12, tzinfo=UTC)):
        partnership, seats = partnership_make(
            people=[("Ben", "America/New_York"), ("Lou", "Europe/London")]
        )
        series = _series(partnership, seats, starts_on=date(2027, 3, 3), start_time=time(12),
                         zone="America/New_York")  # fmt: skip
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE"
    spring = _clocks(
        series, seats, datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 8, tzinfo=UTC)
    )
    assert spring == [
        (date(2027, 3, 3), ["12:00", "17:00"]),
        (date(2027, 3, 10), ["12:00", "17:00"]),
        (date(2027, 3, 17), ["12:00", "16:00"]),  # US on summer time, UK not yet
        (date(2027, 3, 24), ["12:00", "16:00"]),
        (date(2027, 3, 31), ["12:00", "17:00"]),
        (date(2027, 4, 7), ["12:00", "17:00"]),
    ]
    autumn = _clocks(
        series, seats, datetime(2027, 10, 20, tzinfo=UTC), datetime(2027, 11, 18, tzinfo=UTC)
    )
    assert autumn == [
        (date(2027, 10, 20), ["12:00", "17:00"]),
        (date(2027, 10, 27), ["12:00", "17:00"]),
        (date(2027, 11, 3), ["12:00", "16:00"]),  # UK back on GMT, US not yet
        (date(2027, 11, 10), ["12:00", "17:00"]),
        (date(2027, 11, 17), ["12:00", "17:00"]),
    ]


def _run_daily(start, days, mailoutbox, django_capture_on_commit_callbacks):
    for day in range(days):
        with (
            clock.frozen(start + timedelta(days=day)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.meeting_reminders_due()
            services.meeting_reminders_due()  # a second cron run the same day changes nothing
    return [m for m in mailoutbox if "Clock change" in m.subject]


@pytest.mark.usefixtures("immediate_tasks")
def test_both_partners_are_told_once_a_week_ahead_of_each_shifted_stretch(
    mailoutbox, django_capture_on_commit_callbacks
):
    with clock.frozen(datetime(2027, 2, 1, 12, tzinfo=UTC)):
        partnership, seats = partnership_make(
            people=[("Ben", "America/New_York"), ("Lou", "Europe/London")]
        )
        _series(partnership, seats, starts_on=date(2027, 3, 3), start_time=time(12),
                zone="America/New_York")  # fmt: skip
    spring = _run_daily(datetime(2027, 3, 6, 8, tzinfo=UTC), 26, mailoutbox,
                        django_capture_on_commit_callbacks)  # fmt: skip
    assert sorted(m.to[0] for m in spring) == sorted(s.membership.user.email for s in seats)
    lou = next(m for m in spring if m.to == [seats[1].membership.user.email])
    assert "from Wednesday 17 March" in lou.subject
    assert "- Lou (Europe/London): 16:00 instead of 17:00" in lou.body
    assert "- Ben (America/New_York): 12:00 (unchanged)" in lou.body
    assert "From Wednesday 31 March the times are as before." in lou.body
    # Told ahead: the notice left no later than a week before 17 March.
    meeting = Meeting.objects.get(original_start=datetime(2027, 3, 17, 16, tzinfo=UTC))
    notices = meeting.deliveries.filter(kind=Delivery.Kind.DST_SHIFT)
    assert notices.count() == 2
    assert all(d.sent_at <= meeting.starts_at - timedelta(days=6) for d in notices)

    mailoutbox.clear()
    autumn = _run_daily(datetime(2027, 10, 23, 8, tzinfo=UTC), 20, mailoutbox,
                        django_capture_on_commit_callbacks)  # fmt: skip
    assert len(autumn) == 2
    lou = next(m for m in autumn if m.to == [seats[1].membership.user.email])
    assert "- Lou (Europe/London): 16:00 instead of 17:00" in lou.body
    assert "From Wednesday 10 November the times are as before." in lou.body


def test_kolkata_has_no_clock_change_but_sees_london_summer_time():
    with clock.frozen(datetime(2027, 2, 1, 12, tzinfo=UTC)):
        partnership, seats = partnership_make(
            people=[("Lou", "Europe/London"), ("Priya", "Asia/Kolkata")]
        )
        series = _series(partnership, seats, starts_on=date(2027, 3, 24), start_time=time(9),
                         zone="Europe/London")  # fmt: skip
    rows = _clocks(
        series, seats, datetime(2027, 3, 20, tzinfo=UTC), datetime(2027, 4, 2, tzinfo=UTC)
    )
    assert rows == [
        (date(2027, 3, 24), ["09:00", "14:30"]),  # +05:30 against GMT
        (date(2027, 3, 31), ["09:00", "13:30"]),  # against BST
    ]
    meeting = Meeting.objects.get(
        series=series, original_start=datetime(2027, 3, 31, 8, tzinfo=UTC)
    )
    shift = dst_shift_for(meeting=meeting, seats=seats)
    assert shift is not None
    assert [t.clock for t in shift.during] == ["09:00", "13:30"]
    # The return (3 November) lies beyond the horizon: it gets its own notice then.
    assert shift.until is None


def test_sydney_series_crosses_both_hemispheres_changes():
    with clock.frozen(datetime(2027, 2, 1, 12, tzinfo=UTC)):
        partnership, seats = partnership_make(
            people=[("Mia", "Australia/Sydney"), ("Lou", "Europe/London")]
        )
        series = _series(partnership, seats, starts_on=date(2027, 3, 25), start_time=time(8),
                         zone="Australia/Sydney")  # fmt: skip
    rows = _clocks(
        series, seats, datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 9, tzinfo=UTC)
    )
    # Sydney ends summer time on 4 April; London starts it on 28 March.
    assert rows == [
        (date(2027, 3, 25), ["08:00", "21:00"]),
        (date(2027, 4, 1), ["08:00", "22:00"]),
        (date(2027, 4, 8), ["08:00", "23:00"]),
    ]
    october = _clocks(
        series, seats, datetime(2027, 9, 25, tzinfo=UTC), datetime(2027, 11, 5, tzinfo=UTC)
    )
    assert [c for _, c in october] == [
        ["08:00", "23:00"],  # 30 Sep
        ["08:00", "22:00"],  # 7 Oct: Sydney on summer time from 3 October
        ["08:00", "22:00"],
        ["08:00", "22:00"],
        ["08:00", "22:00"],  # 28 Oct
        ["08:00", "21:00"],  # 4 Nov: London back on GMT from 31 October
    ]
    assert all(d.weekday() == 3 for d, _ in rows + october)  # always Thursday in Sydney


def test_agreed_series_books_the_next_three_meetings_and_tops_up_after_a_cancellation():
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        partnership, seats = partnership_make(cadence_weeks=2)
        series = services.series_propose(
            partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13),
            start_time=time(18), time_zone="Europe/Madrid",
        )  # fmt: skip
        assert series.status == MeetingSeries.Status.PROPOSED
        assert not Meeting.objects.exists()
        series = services.series_accept(series=series, seat=seats[1])
        assert series.status == MeetingSeries.Status.ACTIVE
        upcoming = meeting_upcoming(partnership=partnership)
        assert [m.starts_at.date() for m in upcoming] == [
            date(2027, 1, 13), date(2027, 1, 27), date(2027, 2, 10)
        ]  # fmt: skip
        services.meeting_cancel(meeting=upcoming[1], seat=seats[1])
        upcoming = meeting_upcoming(partnership=partnership)
        assert [m.starts_at.date() for m in upcoming] == [
            date(2027, 1, 13), date(2027, 2, 10), date(2027, 2, 24)
        ]  # fmt: skip
        assert services.meetings_extend() == 0  # idempotent


def test_slot_suggestions_show_each_partner_their_own_time():
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        partnership, seats = partnership_make(
            people=[("Ana", "Europe/Madrid"), ("Ben", "America/New_York")],
            availability=[[[2, 18 * 60, 20 * 60]], [[2, 12 * 60, 14 * 60]]],
        )
        slots = slot_suggestions(partnership=partnership, viewer=seats[0])
    assert [s.label for s in slots] == [
        "Wednesdays 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)",
        "Wednesdays 19:00 for Ana (Europe/Madrid) · 13:00 for Ben (America/New_York)",
    ]
    assert (slots[0].starts_on, slots[0].start_time, slots[0].time_zone) == (
        date(2027, 1, 13), time(18), "Europe/Madrid"
    )  # fmt: skip
