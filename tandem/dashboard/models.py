"""The dashboard's own rows: nudges sent to stalled partnerships (one a week each)."""

from django.conf import settings
from django.db import models

from tandem.core import clock
from tandem.partnerships.models import Partnership


class StalledNudge(models.Model):
    """A coordinator's nudge to a partnership that has not met lately: at most one a week."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stalled_nudges"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ISO year and week of ``sent_at`` ("2027-W02"): the database holds one nudge a week.
    week = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=clock.now)
    # When the worker emailed the partners (empty until then): the claim that sends it once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "week"], name="stallednudge_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Nudge to partnership #{self.partnership_id} ({self.week})"
