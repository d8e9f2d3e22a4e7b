"""The once-a-week rule that every hand-sent reminder shares."""

from datetime import UTC, datetime, timedelta

from tandem.core.nudges import iso_week, nudge_is_too_soon

SUNDAY = datetime(2027, 1, 10, 18, 0, tzinfo=UTC)  # ISO week 2027-W01 ends on this Sunday


def test_the_first_nudge_is_never_too_soon():
    assert not nudge_is_too_soon(None, now=SUNDAY)


def test_a_new_week_alone_does_not_allow_another_nudge():
    monday = SUNDAY + timedelta(days=1)
    assert iso_week(monday) != iso_week(SUNDAY)
    assert nudge_is_too_soon(SUNDAY, now=monday)


def test_seven_days_later_in_a_new_week_another_nudge_may_go():
    assert not nudge_is_too_soon(SUNDAY, now=SUNDAY + timedelta(days=7))
    assert nudge_is_too_soon(SUNDAY, now=SUNDAY + timedelta(days=6, hours=23))


def test_iso_week_reads_as_year_and_week():
    assert iso_week(SUNDAY) == "2027-W01"
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
