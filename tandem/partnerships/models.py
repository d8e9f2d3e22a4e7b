from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core import clock
from tandem.core.models import TimeStampedModel
from tandem.programs.models import Membership, Program

# The statuses' labels stay plain text (other apps key figures by them); pages show them in the
# reader's language with {% translate partnership.get_status_display context "partnership status" %}.
STATUS_WORDS = (
    pgettext_lazy("partnership status", "Active"),
    pgettext_lazy("partnership status", "Paused"),
    pgettext_lazy("partnership status", "Ended"),
)


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


# -- ground rules (the agreement) -------------------------------------------------------


class Agreement(TimeStampedModel):
    """A partnership's ground rules; every change is an AgreementVersion, acceptances belong to one.

    The row is what services lock (``select_for_update``) so that edits and acceptances by
    several partners at once are applied one after the other.
    """

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="agreement"
    )
    current_version = models.ForeignKey(
        "AgreementVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Ground rules of {self.partnership}"


class AgreementVersion(models.Model):
    """The full content of the ground rules as one partner saved them (never changed afterwards).

    ``goals`` is a list of ``{"seat": <PartnershipMember id>, "text": str, "deadline": "YYYY-MM-DD"}``.
    ``agreed_at`` is set once, when the last active partner accepts this version.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")
        IN_PERSON = "in person", _("In person")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        PartnershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    cadence_weeks = models.PositiveSmallIntegerField("meet every (weeks)")
    meeting_minutes = models.PositiveSmallIntegerField("meeting length (minutes)")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.VIDEO)
    where = models.CharField(
        max_length=300, blank=True, help_text="Phone number, video link or place."
    )
    goals = models.JSONField(default=list, blank=True)
    incentive = models.TextField(blank=True)
    confidentiality_rules = models.TextField(blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreementversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(cadence_weeks__gte=1, cadence_weeks__lte=12),
                name="agreementversion_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=15, meeting_minutes__lte=240),
                name="agreementversion_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.agreement}"


class AgreementAcceptance(models.Model):
    """One partner's acceptance of one version, with the confidentiality promise ticked.

    ``confirmed_at`` moves forward when the partner says "still good" at the mid-point review.
    """

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acceptances"
    )
    seat = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(default=clock.now)
    confirmed_at = models.DateTimeField(default=clock.now)
    promised_confidentiality = models.BooleanField(default=False)

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "seat"], name="agreementacceptance_once_per_version"
            ),
            models.CheckConstraint(
                condition=Q(promised_confidentiality=True),
                name="agreementacceptance_promises_confidentiality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} accepted {self.version}"


# -- the life of a partnership --------------------------------------------------------------


class PartnershipEvent(models.Model):
    """A pause, resume or end, with who did it and why; partners are emailed about each one.

    ``reason`` is for the partners; ``coordinator_feedback`` is read by the program's
    coordinators (the end form says so).
    """

    class Kind(models.TextChoices):
        PAUSED = "paused", pgettext_lazy("partnership event", "Paused")
        RESUMED = "resumed", pgettext_lazy("partnership event", "Resumed")
        ENDED = "ended", pgettext_lazy("partnership event", "Ended")

    class EndReason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("We reached our goals")
        PROGRAM_OVER = "program_over", _("The program is over")
        NO_TIME = "no_time", _("We don't have time to meet")
        NOT_A_FIT = "not_a_fit", _("We are not a good fit")
        LEFT = "left", _("Someone left the organisation")
        OTHER = "other", _("Another reason")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        PartnershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=clock.now)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    reason = models.TextField(blank=True)
    coordinator_feedback = models.TextField(blank=True)
    # Set when a coordinator of the program acted (``actor`` is then empty: they have no seat).
    by_coordinator = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="ended") | ~Q(end_reason=""),
                name="partnershipevent_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.partnership}"


class RematchRequest(models.Model):
    """A partner asks the coordinator for a new match; the coordinator marks it handled."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rematch_requests")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="rematch_requests"
    )
    seat = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="rematch_requests"
    )
    requested_at = models.DateTimeField(default=clock.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by the worker when the program's coordinators were emailed (once per request).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["program", "handled_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"], condition=Q(handled_at__isnull=True), name="rematch_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Rematch request by {self.seat}"


# -- messages between meetings ------------------------------------------------------------

MESSAGE_MAX_LENGTH = 2000


class Message(models.Model):
    """A short message in a partnership's thread (partners only, never in emails)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["partnership", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH)
                & GreaterThan(Length("body"), 0),
                name="message_body_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Message #{self.pk} in {self.partnership}"


class MessagePreference(models.Model):
    """How one partner hears about new messages in one partnership, and when they last looked."""

    class Notify(models.TextChoices):
        EACH = "each", _("An email for each message")
        DIGEST = "digest", _("A daily digest")
        NONE = "none", _("No email")

    seat = models.OneToOneField(
        PartnershipMember, on_delete=models.CASCADE, related_name="message_preference"
    )
    notify = models.CharField(max_length=10, choices=Notify.choices, default=Notify.DIGEST)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.seat}: {self.notify}"


class DigestSent(models.Model):
    """The claim that a person's message digest for one day went out (at most one a day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digestsent_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


# -- closing well: the exit survey and the choices after an ending -----------------------------

EXIT_TEXT_MAX_LENGTH = 1000


class ExitSurvey(models.Model):
    """One partner's answers to the short exit survey of an ended partnership (once each).

    The answers are the partner's own: coordinators see how many answered and the mean of
    ``usefulness`` (from five answers on), never the text.
    """

    seat = models.OneToOneField(
        PartnershipMember, on_delete=models.CASCADE, related_name="exit_survey"
    )
    usefulness = models.PositiveSmallIntegerField()
    what_worked = models.TextField(blank=True)
    could_be_better = models.TextField(blank=True)
    would_take_part_again = models.BooleanField()
    answered_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="exitsurvey_usefulness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Exit survey of {self.seat}"


class ClosingChoice(models.Model):
    """What one partner chose after an ending: stay in touch with the partners (they see each
    other's email once all of them chose it) and be listed among the program's alumni."""

    seat = models.OneToOneField(
        PartnershipMember, on_delete=models.CASCADE, related_name="closing_choice"
    )
    stay_in_touch = models.BooleanField(default=False)
    alumni_listed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Closing choices of {self.seat}"
