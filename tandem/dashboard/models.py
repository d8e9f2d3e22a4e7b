"""The dashboard's own rows: nudges sent to stalled partnerships (one a week each)."""

from django.conf import settings
from django.db import models

from tandem.core.models import WeeklyNudge
from tandem.partnerships.models import Partnership


class StalledNudge(WeeklyNudge):
    """A coordinator's nudge to a partnership that has not met lately: at most one a week."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stalled_nudges"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(WeeklyNudge.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "week"], name="stallednudge_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Nudge to partnership #{self.partnership_id} ({self.week})"
