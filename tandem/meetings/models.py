"""Meetings of a partnership: recurring series, materialised meetings, turns, notes, deliveries.

A series is stored as local wall time + IANA zone + RRULE + duration (see docs/meetings.md), so
daylight-saving changes never move it; ``Meeting`` rows hold the next few occurrences as UTC
instants and are the per-occurrence exceptions too (cancelled, moved).
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import clock
from tandem.core.models import TimeStampedModel
from tandem.partnerships.models import Partnership, PartnershipMember


class MeetingSeries(TimeStampedModel):
    """A proposed or agreed recurring slot: first local start, zone, RRULE and length."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("proposal status", "Proposed")
        ACTIVE = "active", pgettext_lazy("proposal status", "Agreed")
        DECLINED = "declined", pgettext_lazy("proposal status", "Declined")
        REPLACED = "replaced", pgettext_lazy("proposal status", "Replaced")
        # The partnership ended: an agreed series stops, an open proposal closes with it.
        ENDED = "ended", pgettext_lazy("proposal status", "Ended")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="series")
    proposed_by = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="proposed_series"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The first occurrence as wall time in ``time_zone``: a date and a clock time, not an instant.
    starts_on = models.DateField()
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    rrule = models.CharField(max_length=200)
    duration_minutes = models.PositiveSmallIntegerField()
    accepted_by = models.ManyToManyField(PartnershipMember, blank=True, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="active"),
                name="meetingseries_one_active",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="proposed"),
                name="meetingseries_one_open_proposal",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=240),
                name="meetingseries_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Series #{self.pk} ({self.rrule} from {self.starts_on} {self.start_time:%H:%M})"


class Meeting(TimeStampedModel):
    """One occurrence of a series (or a one-off), as UTC instants; also the occurrence's exception."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        MISSED = "missed", pgettext_lazy("meeting status", "Missed")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    # The series' start for this occurrence (the calendar RECURRENCE-ID); never changes.
    original_start = models.DateTimeField()
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    marked_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        PartnershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written for the partners (it goes into their cancellation email); never a note.
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="meeting_unique_occurrence"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "starts_at"])]

    def __str__(self) -> str:
        return f"Meeting #{self.pk} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.pk})


class Reschedule(TimeStampedModel):
    """A proposal to move one meeting; it takes effect once every partner has accepted."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("proposal status", "Proposed")
        ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
        DECLINED = "declined", pgettext_lazy("proposal status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Replaced")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reschedules")
    proposed_by = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    new_starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    accepted_by = models.ManyToManyField(PartnershipMember, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status="proposed"), name="reschedule_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Move meeting #{self.meeting_id} to {self.new_starts_at:%Y-%m-%d %H:%M} UTC"


class Attendance(models.Model):
    """Whether one partner was at a meeting that was marked held or missed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seat"], name="attendance_unique_seat"),
        ]

    def __str__(self) -> str:
        return f"{self.seat_id} {'present' if self.present else 'absent'} at {self.meeting_id}"


class Turn(models.Model):
    """One partner's turn in the mentee's seat; start and end instants drive the timer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="turns")
    seat = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveSmallIntegerField()
    planned_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="turn_unique_position"),
            models.UniqueConstraint(fields=["meeting", "seat"], name="turn_unique_seat"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False),
                name="turn_ended_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"Turn {self.position} of meeting #{self.meeting_id}"

    @property
    def seconds_spent(self) -> int:
        if self.started_at is None or self.ended_at is None:
            return 0
        return max(0, int((self.ended_at - self.started_at).total_seconds()))


class Commitment(TimeStampedModel):
    """ "What I'll do before next time": asked about at the partner's next turn."""

    class Outcome(models.TextChoices):
        YES = "yes", pgettext_lazy("commitment outcome", "Yes")
        PARTLY = "partly", pgettext_lazy("commitment outcome", "Partly")
        NO = "no", pgettext_lazy("commitment outcome", "No")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="commitments")
    seat = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.CharField(max_length=500)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    reviewed_in = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )

    class Meta:
        ordering = ["meeting", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seat"], name="commitment_one_per_turn"),
        ]

    def __str__(self) -> str:
        return f"Commitment of seat {self.seat_id} in meeting #{self.meeting_id}"


class Note(TimeStampedModel):
    """A partner's Markdown note on a meeting: private to the author or shared with the partners.

    Never shown to coordinators, never in emails, calendar feeds, dashboards or exports.
    """

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        SHARED = "shared", _("Shared with my partners")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="notes")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note #{self.pk} on meeting #{self.meeting_id}"


class NoteRevision(models.Model):
    """One saved version of a note (the first version included); visible to its author only."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    visibility = models.CharField(max_length=10, choices=Note.Visibility.choices)
    saved_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"Revision #{self.pk} of note #{self.note_id}"


class Delivery(models.Model):
    """An email claimed for sending; the unique key makes each one go out at most once."""

    class Kind(models.TextChoices):
        REMINDER_24H = "reminder_24h", "Reminder 24 hours before"
        REMINDER_1H = "reminder_1h", "Reminder 1 hour before"
        DST_SHIFT = "dst_shift", "Clock change notice"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    seat = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "seat", "kind"], name="delivery_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for seat {self.seat_id} of meeting #{self.meeting_id}"


class ScheduleNotice(models.Model):
    """A scheduling-change email claimed for sending; the unique keys make each go out once.

    The subject is the series (proposed, agreed), the reschedule (proposed, agreed) or the
    meeting (cancelled) that the email is about: exactly one of the three is set, as the kind says.
    """

    class Kind(models.TextChoices):
        SERIES_PROPOSED = "series_proposed", "Series proposed"
        SERIES_AGREED = "series_agreed", "Series agreed"
        RESCHEDULE_PROPOSED = "reschedule_proposed", "Move proposed"
        RESCHEDULE_AGREED = "reschedule_agreed", "Move agreed"
        MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    seat = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    reschedule = models.ForeignKey(
        Reschedule, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["series_proposed", "series_agreed"],
                        series__isnull=False,
                        reschedule__isnull=True,
                        meeting__isnull=True,
                    )
                    | Q(
                        kind__in=["reschedule_proposed", "reschedule_agreed"],
                        series__isnull=True,
                        reschedule__isnull=False,
                        meeting__isnull=True,
                    )
                    | Q(
                        kind="meeting_cancelled",
                        series__isnull=True,
                        reschedule__isnull=True,
                        meeting__isnull=False,
                    )
                ),
                name="schedulenotice_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["series", "seat", "kind"],
                condition=Q(series__isnull=False),
                name="schedulenotice_once_per_series",
            ),
            models.UniqueConstraint(
                fields=["reschedule", "seat", "kind"],
                condition=Q(reschedule__isnull=False),
                name="schedulenotice_once_per_reschedule",
            ),
            models.UniqueConstraint(
                fields=["meeting", "seat", "kind"],
                condition=Q(meeting__isnull=False),
                name="schedulenotice_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for seat {self.seat_id}"


class CalendarFeed(models.Model):
    """A person's private calendar feed; the URL carries a secret token, stored here as a hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendarfeed_one_live"
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
