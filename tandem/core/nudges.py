"""The one rule for reminders a person sends by hand: at most one a week.

A nudge (a partner's goal, a stalled partnership, an intake reminder) may go again only once
seven days have passed since the last one and a new ISO week has begun. Each kind records the
ISO week beside the instant, and a unique constraint on (what was nudged, week) makes the rule
hold under two clicks at once.
"""

from datetime import datetime, timedelta

from tandem.core import clock

NUDGE_INTERVAL = timedelta(days=7)


def iso_week(at: datetime) -> str:
    """Return the ISO year and week of an instant, as "2027-W02"."""
    year, week, _ = at.isocalendar()
    return f"{year}-W{week:02d}"


def nudge_is_too_soon(last: datetime | None, *, now: datetime | None = None) -> bool:
    """Return whether a nudge sent at ``last`` forbids another one now (7 days, same week)."""
    if last is None:
        return False
    at = now or clock.now()
    return at - last < NUDGE_INTERVAL or iso_week(at) == iso_week(last)
