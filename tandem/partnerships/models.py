from django.db import models
from django.db.models import Q
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import TimeStampedModel
from tandem.programs.models import Membership, Program


class Partnership(TimeStampedModel):
    """Two peers (a pair) or three to five (a circle) who mentor each other in turn."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="partnerships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField(default=clock.now)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    members = models.ManyToManyField(
        Membership, through="PartnershipMember", related_name="partnerships"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["program", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_at__isnull=False),
                name="partnership_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Partnership #{self.pk} in {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", kwargs={"pk": self.pk})


class PartnershipMember(models.Model):
    """One person's seat in a partnership; ``active`` is cleared when the partnership ends."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="seats")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="seats")
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["partnership", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "membership"], name="partnershipmember_unique_seat"
            ),
            # Nobody is in two live partnerships of the same program at once.
            models.UniqueConstraint(
                fields=["membership"], condition=Q(active=True), name="partnershipmember_one_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.partnership}"
