"""Weekly availability across time zones, in quarter-hour bins of a UTC week.

Each member's weekly local slots are converted to UTC for one reference week
(so DST offsets of that week apply) and stored as a bit mask of the 672
quarter-hours of the week, Monday 00:00 UTC being bit 0. A second mask marks
the quarter-hours at which a free window of ``min_meeting_minutes`` starts;
two members can meet iff their window masks intersect.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable

from .types import Slot

__all__ = [
    "BINS",
    "BIN_MINUTES",
    "DAY_NAMES",
    "format_window",
    "free_mask",
    "runs",
    "week_start",
    "window_mask",
]

BIN_MINUTES = 15
BINS = 7 * 24 * 60 // BIN_MINUTES  # 672
FULL = (1 << BINS) - 1
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UTC = dt.UTC


def week_start(reference_date: dt.date) -> dt.date:
    """Return the Monday of the week containing ``reference_date``."""
    return reference_date - dt.timedelta(days=reference_date.weekday())


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


@functools.lru_cache(maxsize=1 << 16)
def _local_to_week_minute(monday: dt.date, zone: zoneinfo.ZoneInfo, day: int, minute: int) -> int:
    local = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(), zone)
    local = local + dt.timedelta(minutes=minute)  # wall-clock arithmetic
    origin = dt.datetime.combine(monday, dt.time(), UTC)
    return int((local.astimezone(UTC) - origin).total_seconds() // 60)


@functools.lru_cache(maxsize=65536)
def free_mask(slots: tuple[Slot, ...], time_zone: str, reference_date: dt.date) -> int:
    """Return the UTC quarter-hour bit mask of a member's weekly free time.

    Slot edges that are not on a quarter-hour are rounded inwards (a member is
    never counted free when they are not). Time that falls before Monday
    00:00 UTC or after Sunday 24:00 UTC wraps round the week (the schedule
    repeats weekly).

    Examples
    --------
    >>> import datetime as dt
    >>> mask = free_mask((Slot(0, 60, 120),), "Europe/London", dt.date(2027, 1, 6))
    >>> [b for b in range(BINS) if mask >> b & 1]
    [4, 5, 6, 7]
    """
    zone = _zone(time_zone)
    monday = week_start(reference_date)
    mask = 0
    for slot in slots:
        start = _local_to_week_minute(monday, zone, slot.day, slot.start)
        end = _local_to_week_minute(monday, zone, slot.day, slot.end)
        first = -(-start // BIN_MINUTES)
        last = end // BIN_MINUTES
        if last <= first:
            continue
        length = min(last - first, BINS)
        run = ((1 << length) - 1) << (first % BINS)
        mask |= (run | run >> BINS) & FULL
    return mask


def _rotate_down(mask: int, shift: int) -> int:
    """Bit b of the result is bit b + shift of ``mask`` (cyclic)."""
    return ((mask >> shift) | (mask << (BINS - shift))) & FULL


def window_mask(free: int, minutes: int) -> int:
    """Return the bins at which a free window of ``minutes`` starts.

    >>> window_mask(0b1111, 60)
    1
    """
    length = max(1, -(-minutes // BIN_MINUTES))
    result = free
    for shift in range(1, length):
        result &= _rotate_down(free, shift)
    return result


def _rotate_up(mask: int, shift: int) -> int:
    """Bit b of the result is bit b - shift of ``mask`` (cyclic)."""
    return ((mask << shift) | (mask >> (BINS - shift))) & FULL


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def runs(mask: int) -> list[tuple[int, int]]:
    """Return the maximal runs of set bits as ``(start_bin, length)``, cyclic.

    A run crossing the end of the week is reported once, starting at its
    first bin. Runs are sorted by start bin. Time O(runs) big-integer
    operations.

    >>> runs(0b0110)
    [(1, 2)]
    >>> runs((1 << (BINS - 1)) | 1)
    [(671, 2)]
    """
    if mask == FULL:
        return [(0, BINS)]
    if mask == 0:
        return []
    starts = _bits(mask & ~_rotate_up(mask, 1))
    ends = _bits(mask & ~_rotate_down(mask, 1))
    if ends[0] < starts[0]:  # the first end closes the run that wraps round the week
        ends = ends[1:] + ends[:1]
    return [(a, (b - a) % BINS + 1) for a, b in zip(starts, ends, strict=True)]


@functools.lru_cache(maxsize=1 << 16)
def _local_label(start_utc_min: int, end_utc_min: int, zone_name: str, monday: dt.date) -> str:
    zone = _zone(zone_name)
    origin = dt.datetime.combine(monday, dt.time(), UTC)
    start = (origin + dt.timedelta(minutes=start_utc_min)).astimezone(zone)
    end = (origin + dt.timedelta(minutes=end_utc_min)).astimezone(zone)
    end_text = "24:00" if (end - start) > dt.timedelta(0) and end.time() == dt.time() else ""
    same_day = start.date() == end.date() or (
        end_text and end.date() == start.date() + dt.timedelta(days=1)
    )
    if not end_text:
        end_text = end.strftime("%H:%M")
    if same_day:
        return f"{DAY_NAMES[start.weekday()]} {start:%H:%M}-{end_text}"
    return f"{DAY_NAMES[start.weekday()]} {start:%H:%M} to {DAY_NAMES[end.weekday()]} {end_text}"


def format_window(
    start_bin: int,
    length: int,
    people: Iterable[tuple[str, str]],
    reference_date: dt.date,
) -> str:
    """Describe a common window in each person's local time.

    ``people`` are ``(name, time_zone)``. When everybody reads the same local
    time the window is given once.

    Examples
    --------
    >>> import datetime as dt
    >>> ref = dt.date(2027, 1, 6)
    >>> format_window(2 * 96 + 68, 8, [("Ana", "Europe/Madrid"), ("Ben", "America/New_York")], ref)
    'Wednesday 18:00-20:00 for Ana (Europe/Madrid), 12:00-14:00 for Ben (America/New_York)'
    """
    monday = week_start(reference_date)
    start = start_bin * BIN_MINUTES
    end = start + length * BIN_MINUTES
    labels = [(name, zone, _local_label(start, end, zone, monday)) for name, zone in people]
    distinct = {label for _, _, label in labels}
    if len(distinct) == 1:
        label = labels[0][2]
        zones = {zone for _, zone, _ in labels}
        return label if len(zones) == 1 else f"{label}, each in their own time zone"
    parts: list[str] = []
    previous_day = ""
    for name, zone, label in labels:
        day, _, rest = label.partition(" ")
        shown = rest if day == previous_day and " to " not in label else label
        previous_day = day
        parts.append(f"{shown} for {name} ({zone})")
    return ", ".join(parts)
