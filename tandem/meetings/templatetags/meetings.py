"""``{% load meetings %}``: meetings on the partnership page.

- ``{% partnership_meetings partnership %}``: the next meeting, links to the schedule page and
  the calendar, and the balance of give and take (for the signed-in partner; nothing for anyone
  else).
- ``{% meeting_balance partnership %}``: the balance alone.
"""

from typing import Any

from django import template

from tandem.core.errors import NotFound
from tandem.meetings.selectors.access import seat_for
from tandem.meetings.selectors.balance import balance_for_partnership
from tandem.meetings.selectors.schedule import partnership_meetings_summary

register = template.Library()


@register.inclusion_tag("meetings/_balance.html")
def meeting_balance(partnership: Any) -> dict[str, Any]:
    """Render minutes in the mentee's and mentor's seat per partner: ``{% meeting_balance p %}``."""
    return {"balance": balance_for_partnership(partnership)}


@register.inclusion_tag("meetings/_partnership_meetings.html", takes_context=True)
def partnership_meetings(context: template.Context, partnership: Any) -> dict[str, Any]:
    """Render the partnership's meetings section for the partner viewing the page."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    try:
        seat = seat_for(partnership=partnership, user=user)
    except NotFound:
        return {"visible": False}
    return {
        "visible": True,
        **partnership_meetings_summary(partnership=partnership, seat=seat),
    }
