"""The time zones people choose from: real IANA zones, without legacy aliases and odd names.

``zoneinfo.available_timezones()`` also lists "Factory", "localtime", "posixrules", POSIX-style
names ("EST5EDT") and old country aliases ("US/Eastern", "Japan"); nobody should pick those.
Validation accepts any zone the system knows except the odd ones, so older answers and
imported files (which may use an alias) stay valid.
"""

import functools
import zoneinfo
from datetime import datetime

OFFERED_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
NEVER_VALID = frozenset({"Factory", "localtime", "posixrules"})


@functools.cache
def zone_names_known() -> frozenset[str]:
    """Return every zone a person's answer may name (read once: the scan is slow)."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in NEVER_VALID and not name.startswith(("posix/", "right/"))
    )


@functools.cache
def zone_names_offered() -> tuple[str, ...]:
    """Return the zones to offer in a list, sorted: region/city zones, and UTC."""
    offered = {name for name in zone_names_known() if name.split("/")[0] in OFFERED_REGIONS}
    return tuple(sorted(offered | {"UTC"}))


def zone_is_known(name: str) -> bool:
    """Return whether ``name`` is a zone a person may give."""
    return name in zone_names_known()


def zone_is_valid(name: str) -> bool:
    """Return whether ``name`` is a zone this system knows and a person may give."""
    if not name or not zone_is_known(name):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def day_in_zone(at: datetime, zone: str) -> str:
    """Return the day of an instant in the reader's zone ("Monday 11 January")."""
    return f"{at.astimezone(zoneinfo.ZoneInfo(zone)):%A %-d %B}"
