"""The link to "Your first month" on the partnership page (a page of an app below this one).

The tag reads through the dashboard's first-month selectors, so the partnership page needs one
line in its template and nothing in its view (the page has checked the viewer is a partner).
"""

from typing import Any

from django import template

from tandem.dashboard.selectors_first_month import first_month_open
from tandem.partnerships.models import Partnership

register = template.Library()


@register.inclusion_tag("dashboard/_first_month_link.html")
def partnership_first_month(partnership: Partnership) -> dict[str, Any]:
    """A call to open the first month while it lasts; afterwards a plain link to it."""
    return {"partnership": partnership, "open": first_month_open(partnership=partnership)}
