"""Wall-time recurrence: RRULE over local dates, turned into UTC instants with zoneinfo.

Pure functions (no database). Rules for clock changes, also in docs/meetings.md:

- a wall time that does not exist on a date (inside a spring-forward gap, e.g. 02:30 on the
  night clocks jump from 02:00 to 03:00) is moved forward by the length of the gap (03:30);
- a wall time that happens twice (autumn fold) means the first of the two (``fold=0``).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils.translation import gettext_lazy as _

# Zones are validated in core (every app shares the rule); kept here for the meetings code.
from tandem.core.zones import zone_is_valid as zone_is_valid

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_PLURALS = [
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
]


def weekly_rule(*, weekday: int, interval_weeks: int) -> str:
    """Return the RRULE for every ``interval_weeks`` weeks on ``weekday`` (0 = Monday)."""
    return f"FREQ=WEEKLY;INTERVAL={interval_weeks};BYDAY={WEEKDAY_CODES[weekday]}"


def wall_to_instant(local: datetime, zone_name: str) -> datetime:
    """Return the UTC instant of naive wall time ``local`` in ``zone_name``.

    Gap times move forward by the gap; ambiguous times take the first occurrence.
    """
    zone = ZoneInfo(zone_name)
    # With fold=0 zoneinfo reads a gap time with the offset from before the change, which lands
    # the instant exactly "gap length" later on the wall: the documented move forward.
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def instant_to_wall(instant: datetime, zone_name: str) -> datetime:
    """Return the aware local datetime of a UTC instant in ``zone_name``."""
    return instant.astimezone(ZoneInfo(zone_name))


@dataclass(frozen=True)
class Rule:
    """The parts of a series that decide its occurrences."""

    starts_on: date
    start_time: time
    time_zone: str
    rrule: str

    @cached_property
    def _rule(self) -> Any:
        first = datetime.combine(self.starts_on, self.start_time)
        return rrulestr(self.rrule, dtstart=first, cache=True)

    def local_starts(self) -> Iterator[datetime]:
        """Yield naive local start times, in order, from the first one."""
        yield from self._rule

    def instants(self) -> Iterator[datetime]:
        """Yield the UTC start instants, in order."""
        for local in self.local_starts():
            yield wall_to_instant(local, self.time_zone)

    def instants_after(self, after: datetime, *, count: int) -> list[datetime]:
        """Return the next ``count`` start instants strictly after ``after``."""
        found: list[datetime] = []
        for instant in self.instants():
            if instant > after:
                found.append(instant)
                if len(found) >= count:
                    break
        return found

    def instant_before(self, instant: datetime) -> datetime | None:
        """Return the occurrence just before ``instant`` (None for the first one)."""
        previous = None
        for candidate in self.instants():
            if candidate >= instant:
                return previous
            previous = candidate
        return previous


def clock_label(instant: datetime, zone_name: str) -> str:
    """Return ``"HH:MM"`` of the instant in the zone."""
    return f"{instant_to_wall(instant, zone_name):%H:%M}"


def first_local_date_on_or_after(day: date, weekday: int) -> date:
    """Return the first date on or after ``day`` that falls on ``weekday``."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
