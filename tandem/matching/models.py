from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from tandem.core.models import TimeStampedModel
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership, Program


def default_weights() -> dict[str, float]:
    """Return the engine's default score weights as a plain dict."""
    from tandem.matching.engine import Weights

    w = Weights()
    return {name: getattr(w, name) for name in WEIGHT_NAMES}


WEIGHT_NAMES = (
    "skill_swap",
    "one_way_skill",
    "stage_closeness",
    "shared_goals",
    "shared_hours",
    "same_org_other_department",
)


class MatchRun(TimeStampedModel):
    """One run of the matching engine over a program's ready members, and its parameters."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("match run status", "Queued")
        RUNNING = "running", pgettext_lazy("match run status", "Running")
        DONE = "done", pgettext_lazy("match run status", "Ready for review")
        FAILED = "failed", pgettext_lazy("match run status", "Failed")
        PUBLISHED = "published", pgettext_lazy("match run status", "Published")

    class Format(models.TextChoices):
        PAIRS = "pairs", pgettext_lazy("match run format", "Pairs")
        CIRCLES = "circles", pgettext_lazy("match run format", "Circles")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reruns",
        help_text="The run this one was started again from.",
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PAIRS)
    circle_size = models.PositiveSmallIntegerField(default=4)
    allow_trios = models.BooleanField(default=False)
    maximise_matched = models.BooleanField("match as many people as possible", default=False)
    # The program's both_gain (its choices) as this run used it; runs from before the
    # setting ranked by score only, hence "off".
    both_gain = models.CharField(max_length=20, default=Program.BothGain.OFF)
    fairness = models.BooleanField("raise the weakest match first", default=False)
    allow_repeats = models.BooleanField("allow earlier partners again", default=False)
    weights = models.JSONField(default=default_weights)
    seed = models.PositiveIntegerField(default=0)
    reference_date = models.DateField()
    in_worker = models.BooleanField(default=False, help_text="Run by the background worker.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    stats = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(circle_size__gte=3, circle_size__lte=5),
                name="matchrun_circle_size_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="matchrun_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Match run #{self.pk} in {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("matching:review", kwargs={"slug": self.program.slug, "pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Proposal(models.Model):
    """A proposed pair, trio or circle of one run, with its score and reasons."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(default=0)
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    edited = models.BooleanField(default=False, help_text="Changed by the coordinator.")
    partnership = models.OneToOneField(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )

    class Meta:
        ordering = ["run", "position", "id"]

    def __str__(self) -> str:
        return f"Proposal #{self.pk} of run #{self.run_id}"


class ProposalMember(models.Model):
    """One person's place in a proposal; ``introduced_at`` is set once their email has gone."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="seats")
    # Denormalised so the database can hold "nobody twice in one run".
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    introduced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "membership"], name="proposalmember_once_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.proposal}"


class UnmatchedMember(models.Model):
    """A member a run left out, with the reason in words."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "membership"], name="unmatched_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} unmatched in run #{self.run_id}"


class LeftOutMember(models.Model):
    """A member of the program whom a run did not consider, and why (for the coordinator)."""

    class Reason(models.TextChoices):
        PARTNERED = (
            "partnered",
            pgettext_lazy("left out of a match run", "already in a partnership"),
        )
        PAUSED = "paused", pgettext_lazy("left out of a match run", "paused")
        INVITED = (
            "invited",
            pgettext_lazy("left out of a match run", "has not accepted the invitation yet"),
        )
        NO_INTAKE = (
            "no_intake",
            pgettext_lazy("left out of a match run", "has not started the intake"),
        )
        NOT_SUBMITTED = (
            "not_submitted",
            pgettext_lazy("left out of a match run", "intake not submitted"),
        )
        NO_CONSENT = (
            "no_consent",
            pgettext_lazy("left out of a match run", "consent to matching missing"),
        )
        COOLING_OFF = (
            "cooling_off",
            pgettext_lazy("left out of a match run", "cooling off after an ending"),
        )
        NOT_READY = (
            "not_ready",
            pgettext_lazy("left out of a match run", "not marked ready for matching"),
        )

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="left_out")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "membership"], name="leftout_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} left out of run #{self.run_id}"


class MatchRule(TimeStampedModel):
    """A coordinator's rule for every later run of a program: two people must, or must never,
    be matched. Stored with ``membership_a.pk < membership_b.pk``."""

    class Kind(models.TextChoices):
        LOCK = "lock", pgettext_lazy("match rule", "Must be matched")
        FORBID = "forbid", pgettext_lazy("match rule", "Never matched")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_rules")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    membership_a = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    membership_b = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "membership_a", "membership_b"], name="matchrule_one_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(membership_a__lt=F("membership_b")), name="matchrule_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.membership_a_id} & {self.membership_b_id}"
