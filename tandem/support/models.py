"""The coordinator's support of each partnership: the program's cadence and the check-ins.

Support is what keeps partnerships going (across 1,451 mentoring programs, how often the program
supported its matches was the one significant predictor of a match ending early: McQuillin and
Lyons, Prevention Science, 2021). A check-in records that a coordinator was in touch with a
partnership: when, how, and the outcome from a short list, with a note for the program's
coordinators only. Partners' notes never feed it, and the partners never see the note.

A help request ("I need more help than a peer can give") is a member's private word to the
program's coordinators: who asked and which kind of help, nothing else. It brings the member's
partnership forward in the support queue until a coordinator checks in or marks it handled.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership, Program, Resource

NOTE_MAX_LENGTH = 2000
MESSAGE_MAX_LENGTH = 2000
EVERY_WEEKS_MIN = 1
EVERY_WEEKS_MAX = 26
TEMPLATE_NAME_MAX_LENGTH = 80


class SupportPlan(models.Model):
    """How often the coordinators check in with each partnership of a program."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="support_plan")
    every_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(EVERY_WEEKS_MIN), MaxValueValidator(EVERY_WEEKS_MAX)],
    )
    # A check-in is due as soon as a partnership has held its first meeting.
    after_first_meeting = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__gte=EVERY_WEEKS_MIN, every_weeks__lte=EVERY_WEEKS_MAX),
                name="supportplan_every_weeks_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check in every {self.every_weeks} weeks ({self.program})"


class CheckIn(models.Model):
    """A coordinator was in touch with a partnership (or asked it, by a message from Tandem)."""

    class Channel(models.TextChoices):
        CALL = "call", _("Phone or video call")
        IN_PERSON = "in_person", _("In person")
        CHAT = "chat", _("Chat or email of my own")
        MESSAGE = "message", _("Check-in message sent from Tandem")

    class Outcome(models.TextChoices):
        GOING_WELL = "going_well", _("Going well")
        NEEDS_A_HAND = "needs_a_hand", _("Needs a hand")
        REFERRED = "referred", _("Referred to further help")
        HEADING_FOR_AN_END = "ending", _("Heading for an ending")
        NO_ANSWER = "no_answer", _("No answer yet")
        ASKED = "asked", _("Asked how it is going")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="check_ins")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=clock.now)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # For the program's coordinators only; never shown to the partners, never in a figure.
    note = models.TextField(blank=True)
    # A check-in message: what the partners were asked, and when its emails went (empty until
    # the worker sent them). Replies go to the coordinator's own address.
    message = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("check-in with your partnership")
        verbose_name_plural = _("check-ins with your partnership")
        indexes = [
            models.Index(fields=["partnership", "-occurred_at"]),
            models.Index(fields=["program", "-occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                name="checkin_note_length",
            ),
            models.CheckConstraint(
                condition=~Q(channel="message") | Q(outcome="asked"),
                name="checkin_message_asks",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("message"), MESSAGE_MAX_LENGTH),
                name="checkin_message_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in with partnership #{self.partnership_id} ({self.occurred_at:%Y-%m-%d})"


class CheckInRecorded(CheckIn):
    """The check-ins a coordinator recorded, as their own data download lists them (with notes)."""

    class Meta:
        proxy = True
        verbose_name = _("check-in you recorded")
        verbose_name_plural = _("check-ins you recorded")


class CheckInTemplate(models.Model):
    """A check-in message the program keeps, for its coordinators to start from and edit."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="check_in_templates"
    )
    name = models.CharField(max_length=TEMPLATE_NAME_MAX_LENGTH)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "program", Lower("name"), name="checkintemplate_name_unique_in_program"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="checkintemplate_name_given"),
            models.CheckConstraint(condition=~Q(body=""), name="checkintemplate_body_given"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH),
                name="checkintemplate_body_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HelpFlag(models.Model):
    """A help request, "I need more help than a peer can give": who and which kind of help only."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="help_flags")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Resource.Kind.choices)
    raised_at = models.DateTimeField(default=clock.now)
    # When the coordinators were emailed: the claim that sends the email once.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A coordinator reached out: who marked it handled, and when (open while null).
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["program", "-raised_at"]),
            models.Index(fields=["program", "handled_at"]),
        ]

    def __str__(self) -> str:
        return f"Help flag #{self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
