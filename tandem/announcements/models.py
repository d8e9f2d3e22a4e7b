"""Emails a coordinator sends to a program's members: announcements and intake reminders.

Each announcement has one delivery row per recipient (unique), claimed by the worker when it
sends, so nobody gets the same announcement twice. Members may opt out of announcements.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.models import TimeStampedModel, WeeklyNudge
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import MemberStatus

SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20000


class Announcement(TimeStampedModel):
    """An email to everyone in a program, or to a segment of its members."""

    class PartnershipState(models.TextChoices):
        MATCHED = "matched", _("In an active partnership")
        PAUSED = "paused", _("In a paused partnership")
        UNMATCHED = "unmatched", _("Not in a partnership")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(help_text=_("Markdown."))
    # The segment: empty means everyone.
    member_status = models.CharField(max_length=20, choices=MemberStatus.choices, blank=True)
    partnership_state = models.CharField(
        max_length=10, choices=PartnershipState.choices, blank=True
    )
    sent_at = models.DateTimeField(default=clock.now)
    recipient_count = models.PositiveIntegerField(default=0)
    opted_out_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(subject=""), name="announcement_has_subject"),
            models.CheckConstraint(condition=~Q(body=""), name="announcement_has_body"),
        ]

    def __str__(self) -> str:
        return self.subject


class AnnouncementDelivery(models.Model):
    """One recipient of one announcement; ``sent_at`` is the worker's claim that it went out."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "announcement deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "membership"], name="announcementdelivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} to membership #{self.membership_id}"


class AnnouncementOptOut(models.Model):
    """A member who asked for no more announcements from the program."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="announcement_opt_out"
    )
    opted_out_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Membership #{self.membership_id} opted out of announcements"


class IntakeReminder(WeeklyNudge):
    """A reminder to finish the intake: at most one a week per membership."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(WeeklyNudge.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "week"], name="intakereminder_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Intake reminder to membership #{self.membership_id} ({self.week})"
