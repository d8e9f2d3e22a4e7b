"""The first month in the introduction email: the same preview as the page, for its reader.

Matching sends the introduction when a run is published and asks for this part through its
``introduction_preview`` slot (filled in ``DashboardConfig.ready()``). Both parts are rendered
in the recipient's own time zone, with full links to the preview page and the schedule page.
"""

from django.conf import settings
from django.template.loader import render_to_string

from tandem.dashboard.selectors_first_month import first_month_preview
from tandem.matching.slots import IntroductionPreview
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership


def introduction_preview(
    *, partnership: Partnership, membership: Membership
) -> IntroductionPreview | None:
    """Return the first month, as text and HTML, for ``membership``'s introduction email."""
    seat = (
        partnership.seats.select_related("membership__user", "membership__profile")
        .filter(membership=membership)
        .first()
    )
    if seat is None:
        return None
    context = {
        "month": first_month_preview(partnership=partnership, seat=seat),
        "base": settings.SITE_URL,
    }
    return IntroductionPreview(
        text=render_to_string("dashboard/email/first_month.txt", context),
        html=render_to_string("dashboard/_first_month.html", context),
    )
