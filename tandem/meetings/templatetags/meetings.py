"""``{% load meetings %}``: the balance of give and take, for the partnership page."""

from typing import Any

from django import template

from tandem.meetings.selectors import balance_for_partnership

register = template.Library()


@register.inclusion_tag("meetings/_balance.html")
def meeting_balance(partnership: Any) -> dict[str, Any]:
    """Render minutes in the mentee's and mentor's seat per partner: ``{% meeting_balance p %}``."""
    return {"balance": balance_for_partnership(partnership)}
