"""The time zone a page shows its times in: one rule for every page (filled by programs).

Instants are stored in UTC. :class:`~tandem.core.middleware.ViewerZoneMiddleware` asks
:func:`viewer_zone` once per request and activates the answer, so every ``|date``, ``|time``
and ``{% now %}`` on every page is in the viewer's zone without a view or template doing
anything. Core knows no programs: the answer (the person's own zone, else the zone of the
program the page belongs to) comes from ``tandem/programs/selectors/zones.py``.
"""

from typing import Any

from django.http import HttpRequest

from tandem.core.slots import slot


@slot
def viewer_zone(request: HttpRequest, view_kwargs: dict[str, Any]) -> str | None:
    """Return the zone name to show this page's times in, or None for the site's (UTC)."""
    return None
