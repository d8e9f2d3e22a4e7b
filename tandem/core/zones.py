"""IANA time zones this system knows (pure Python; every app validates zones through here)."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zone_names() -> frozenset[str]:
    """Return the IANA zone names this system knows (read once: the scan is slow)."""
    return frozenset(available_timezones())


def zone_is_valid(name: str) -> bool:
    """Return whether ``name`` is an IANA zone this system knows."""
    if not name or name not in zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
