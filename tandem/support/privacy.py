"""What the support app holds about a person: check-ins with their partnership, and those a
coordinator recorded.

A partner's download lists the check-ins with their partnership (when, how, the outcome and any
message they were sent), never the coordinators' note; a coordinator's lists the check-ins they
recorded, notes included. Erasing either keeps the rows (they are the program's record of its
support), attributed to the pseudonym. See ``tandem/core/personal_data.py`` and docs/privacy.md.
"""

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.support.models import CheckIn, CheckInRecorded

DECLARATION = Declaration(
    app="support",
    holdings=(
        Holding(
            CheckIn,
            rows=lambda p: CheckIn.objects.filter(partnership_id__in=p.partnership_ids),
            erase=Erase.KEEP,
            hidden=("note", "coordinator"),
        ),
        Holding(
            CheckInRecorded,
            rows=lambda p: CheckInRecorded.objects.filter(coordinator=p.user),
            erase=Erase.KEEP,
        ),
    ),
)
