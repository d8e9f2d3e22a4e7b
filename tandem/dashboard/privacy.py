"""What the dashboard app holds about a person: the stalled-partnership nudges they sent.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.dashboard.models import StalledNudge

DECLARATION = Declaration(
    app="dashboard",
    holdings=(
        # The partnership's record that it was nudged stays, attributed to the pseudonym.
        Holding(
            StalledNudge,
            rows=lambda p: StalledNudge.objects.filter(sent_by=p.user),
            erase=Erase.KEEP,
        ),
    ),
)
