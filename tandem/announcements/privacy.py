"""What the announcements app holds about a person: deliveries, opt-outs, intake reminders.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from django.db.models import Q

from tandem.announcements.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementOptOut,
    IntakeReminder,
)
from tandem.core.personal_data import Declaration, Erase, Holding

DECLARATION = Declaration(
    app="announcements",
    holdings=(
        # An announcement a coordinator wrote was sent to others: kept, under the pseudonym.
        Holding(
            Announcement,
            rows=lambda p: Announcement.objects.filter(author=p.user),
            erase=Erase.KEEP,
        ),
        Holding.by(AnnouncementDelivery, "membership_id", "membership_ids"),
        Holding.by(AnnouncementOptOut, "membership_id", "membership_ids"),
        Holding(
            IntakeReminder,
            rows=lambda p: IntakeReminder.objects.filter(
                Q(membership_id__in=p.membership_ids) | Q(sent_by=p.user)
            ),
            # Reminders sent to the person go; those a coordinator sent to others stay.
            own=lambda p: Q(membership_id__in=p.membership_ids),
        ),
    ),
)
