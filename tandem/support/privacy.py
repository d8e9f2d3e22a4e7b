"""What the support app holds about a person: check-ins with their partnership, those a
coordinator recorded, and help requests (those they raised, and those they marked handled).

A partner's download lists the check-ins with their partnership (when, how, the outcome and any
message they were sent), never the coordinators' note; a coordinator's lists the check-ins they
recorded, notes included. Erasing either keeps the rows (they are the program's record of its
support), attributed to the pseudonym. A member's help requests go with them; those a
coordinator marked handled stay, pointing at the pseudonym. See ``tandem/core/personal_data.py``
and docs/privacy.md.
"""

from django.db.models import Q

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.support.models import CheckIn, CheckInRecorded, HelpFlag

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
        Holding(
            HelpFlag,
            rows=lambda p: HelpFlag.objects.filter(
                Q(membership_id__in=p.membership_ids) | Q(handled_by=p.user)
            ),
            own=lambda p: Q(membership_id__in=p.membership_ids),
        ),
    ),
)
