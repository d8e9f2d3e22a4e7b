"""What the introduction email asks of the apps above matching (see core/slots).

Each partner's introduction email carries a preview of the partnership's first month (the
kick-off, the suggested first meetings in the reader's own time, the first worksheet, how turns
go, what to prepare). That reads apps above matching, so the dashboard fills
:func:`introduction_preview` in ``DashboardConfig.ready()``.
"""

from dataclasses import dataclass

from tandem.core.slots import slot
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership


@dataclass(frozen=True)
class IntroductionPreview:
    """What the introduction email adds, already rendered for one recipient."""

    text: str
    html: str


@slot
def introduction_preview(
    *, partnership: Partnership, membership: Membership
) -> IntroductionPreview | None:
    """Return the first-month preview for ``membership``'s email (none by default)."""
    return None
