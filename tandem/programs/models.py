import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.models import TimeStampedModel


def new_token() -> str:
    """Return an unguessable URL-safe token for links in emails."""
    return secrets.token_urlsafe(24)


class Program(TimeStampedModel):
    """A peer-mentoring program run by one or more coordinators."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        WAITLIST = "waitlist", _("Waitlist")
        INTAKE_OPEN = "intake_open", _("Intake open")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Format(models.TextChoices):
        PAIRS = "pairs", _("Pairs")
        CIRCLES = "circles", _("Circles of 3 to 5")

    class BothGain(models.TextChoices):
        SKILL_SWAP = "skill_swap", _("A skill swap: each teaches the other a skill they asked for")
        SHARED_GOALS = "shared_goals", _("Shared goals: they work towards a goal in common")
        OFF = "off", _("Off: the best score only")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=200, blank=True, help_text="Who the program is for.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    kickoff_on = models.DateField("kick-off", null=True, blank=True)
    midpoint_on = models.DateField("mid-point check-in", null=True, blank=True)
    ends_on = models.DateField("end", null=True, blank=True)
    recap_on = models.DateField("recap", null=True, blank=True)
    cadence_weeks = models.PositiveSmallIntegerField(
        "meet every (weeks)", default=2, help_text="Default cadence: every N weeks."
    )
    meeting_minutes = models.PositiveSmallIntegerField("meeting length (minutes)", default=60)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PAIRS)
    circle_size_min = models.PositiveSmallIntegerField(default=3)
    circle_size_max = models.PositiveSmallIntegerField(default=4)
    allow_trios = models.BooleanField(
        default=True, help_text="When the count is odd, the last person joins a pair as a trio."
    )
    both_gain = models.CharField(
        "pairs where both gain first",
        max_length=20,
        choices=BothGain.choices,
        default=BothGain.SKILL_SWAP,
        help_text=(
            "Matching first pairs as many people as it can, then prefers pairs where both "
            "partners gain, then the best fit."
        ),
    )
    cooling_off_days = models.PositiveSmallIntegerField(
        "cooling-off after an ending (days)",
        default=14,
        help_text=(
            "After a partnership ends, its partners wait this many days before matching "
            "pairs them again (0: no wait)."
        ),
    )
    confidentiality_rules = models.TextField(
        blank=True,
        default=(
            "What partners say to each other stays between them. Coordinators see that "
            "meetings happen, never what is said."
        ),
    )
    # The cohort this program was copied from: earlier partners there stay apart here.
    previous_cohort = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cohorts"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_weeks__gte=1, cadence_weeks__lte=12),
                name="program_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=15, meeting_minutes__lte=240),
                name="program_meeting_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(cooling_off_days__lte=90), name="program_cooling_off_range"
            ),
            models.CheckConstraint(
                condition=Q(circle_size_min__gte=3)
                & Q(circle_size_max__lte=5)
                & Q(circle_size_min__lte=F("circle_size_max")),
                name="program_circle_size_range",
            ),
            models.CheckConstraint(
                condition=Q(kickoff_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(kickoff_on__lte=F("ends_on")),
                name="program_kickoff_before_end",
            ),
            models.CheckConstraint(
                condition=Q(kickoff_on__isnull=True)
                | Q(midpoint_on__isnull=True)
                | Q(kickoff_on__lte=F("midpoint_on")),
                name="program_kickoff_before_midpoint",
            ),
            models.CheckConstraint(
                condition=Q(midpoint_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(midpoint_on__lte=F("ends_on")),
                name="program_midpoint_before_end",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(recap_on__isnull=True)
                | Q(ends_on__lte=F("recap_on")),
                name="program_end_before_recap",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:public", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        """Drafts are visible to their coordinators only."""
        return self.status != self.Status.DRAFT


class Membership(TimeStampedModel):
    """A person's place in one program, with one role. A person may be in many programs."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        INTAKE = "intake", _("Filling the intake")
        READY = "ready", _("Ready for matching")
        MATCHED = "matched", _("Matched")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTAKE)
    # Set when a partnership of theirs ends, from the program's cooling-off: until then the
    # member is "cooling off", not ready for matching (programs/selectors/member_status.py).
    cooling_off_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="membership_unique_person"),
        ]
        indexes = [models.Index(fields=["program", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.program} ({self.role})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR


class Tag(models.Model):
    """A skill, goal theme or language as a program spells it; synonyms are merged by pointing
    ``merged_into`` at the kept tag."""

    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        THEME = "theme", _("Goal theme")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=60)
    key = models.CharField(max_length=60, help_text="Case- and space-folded name.")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="synonyms"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind", "key"], name="tag_unique_key"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="tag_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Profile(TimeStampedModel):
    """A member's intake in one program ("tell us about your goals")."""

    class Stage(models.TextChoices):
        STUDENT = "student", _("Student")
        EARLY = "early", _("Early career")
        MID = "mid", _("Mid-career")
        SENIOR = "senior", _("Senior")
        EXECUTIVE = "executive", _("Executive")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        IN_PERSON = "in person", _("In person")

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80)
    pronouns = models.CharField(max_length=30, blank=True)
    goals_text = models.TextField("my goals", blank=True)
    themes = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name="goal themes")
    offers = models.ManyToManyField(
        Tag, blank=True, related_name="offered_by", verbose_name="skills I can offer"
    )
    wants = models.ManyToManyField(
        Tag, blank=True, related_name="wanted_by", verbose_name="skills I want to learn"
    )
    stage = models.CharField("career stage", max_length=12, choices=Stage.choices, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Weekly slots in the member's own zone: [[day 0=Mon, start minute, end minute], ...]
    availability = models.JSONField(default=list, blank=True)
    channel = models.CharField(
        "preferred channel", max_length=12, choices=Channel.choices, default=Channel.VIDEO
    )
    city = models.CharField(max_length=80, blank=True, help_text="For meeting in person.")
    languages = models.JSONField(default=list, blank=True)
    # "What would make meetings easier for you": for the member's partners only, never the
    # coordinators (not on their pages, in the API or in exports).
    meeting_needs = models.TextField("what would make meetings easier for me", blank=True)
    excluded = models.ManyToManyField(
        Membership, blank=True, related_name="excluded_by", verbose_name="not to be paired with"
    )
    # What the member typed: lower-cased addresses, members or not. Resolved against the
    # program at matching time so the intake never reveals who is a member.
    excluded_emails = models.JSONField("not to be paired with (emails)", default=list, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="in person") | ~Q(city=""), name="profile_in_person_needs_city"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_complete(self) -> bool:
        return self.submitted_at is not None and self.consent_at is not None


class WaitlistEntry(TimeStampedModel):
    """Someone who asked to hear when a program opens its doors (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        INVITED = "invited", _("Invited")
        JOINED = "joined", _("Joined")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="waitlist")
    email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    # The language the visitor read the sign-up page in: their emails are written in it.
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(fields=["program", "email"], name="waitlist_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"


class Invitation(TimeStampedModel):
    """A link to join a program with a given role, sent by email."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waitlist_entry = models.OneToOneField(
        WaitlistEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("programs:invitation", kwargs={"token": self.token})

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > clock.now()


def document_upload_to(instance: "Document", filename: str) -> str:
    """Store uploads under an unguessable folder; they are served only through an access check."""
    return f"documents/{instance.program_id}/{secrets.token_urlsafe(16)}/{filename}"


class Document(TimeStampedModel):
    """A guidebook page or worksheet: written here (Markdown) or uploaded as a file."""

    class Kind(models.TextChoices):
        GUIDEBOOK = "guidebook", _("Guidebook")
        WORKSHEET = "worksheet", _("Worksheet")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GUIDEBOOK)
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True, help_text="Markdown.")
    file = models.FileField(upload_to=document_upload_to, blank=True, max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(file=""), name="document_has_content"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Resource(TimeStampedModel):
    """A referral resource: where to turn when a problem is beyond peer support."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis line")
        COUNSELLING = "counselling", _("Counselling")
        EAP = "eap", _("Employee assistance")
        HR = "hr", _("HR")
        CAREER = "career", _("Career advice")
        OTHER = "other", _("Other")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    contact = models.CharField(max_length=200, help_text="Phone, email or web address.")
    when_to_use = models.TextField(help_text="When this is the right place to turn.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
