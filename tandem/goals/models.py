"""Goals and accountability, check-ins and surveys.

Goals belong to one member of a partnership; a private goal is the owner's alone, a shared one
is visible to the partners, who may comment and nudge. Survey answers and pulses are the
member's; coordinators only ever see them in aggregate, and free text only when allowed.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.models import TimeStampedModel, WeeklyNudge
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership, Program


class Goal(TimeStampedModel):
    """What one partner wants to reach in the program, with why it matters and a due date."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        SHARED = "shared", _("Shared with my partners")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=160)
    why = models.TextField(_("why it matters"), blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the partners were emailed that the goal is complete: the claim that sends it once.
    partners_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["completed_at", "due_on", "created_at", "id"]
        indexes = [
            models.Index(fields=["partnership", "owner"]),
            models.Index(fields=["owner", "completed_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="goal_percent_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:detail", kwargs={"pk": self.pk})

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def is_shared(self) -> bool:
        return self.visibility == self.Visibility.SHARED


class Step(TimeStampedModel):
    """One step of a goal, with its own due date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=160)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProgressUpdate(models.Model):
    """A short update on a goal: a line of text with a percent, or a step completed."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    text = models.CharField(max_length=280)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="updates"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="progressupdate_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Update on goal #{self.goal_id}"


class GoalComment(models.Model):
    """A partner's comment on a shared goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment #{self.pk} on goal #{self.goal_id}"


class Nudge(WeeklyNudge):
    """A partner's "how is it going?" about a goal: at most one a week per goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="nudges")
    sender = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta(WeeklyNudge.Meta):
        constraints = [
            models.UniqueConstraint(fields=["goal", "week"], name="nudge_one_per_goal_week"),
        ]

    def __str__(self) -> str:
        return f"Nudge on goal #{self.goal_id} ({self.week})"


class IncentiveEarned(models.Model):
    """The agreement's incentive, earned by completing a goal."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="incentives_earned"
    )
    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="incentive_earned")
    # The incentive as the agreement said it when the goal was completed (blank: none agreed).
    incentive = models.TextField(blank=True)
    earned_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-earned_at"]
        verbose_name_plural = "incentives earned"

    def __str__(self) -> str:
        return f"Incentive earned for goal #{self.goal_id}"


class Survey(TimeStampedModel):
    """The kick-off, mid-point or recap questionnaire of a program."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kick-off")
        MIDPOINT = "midpoint", _("Mid-point check-in")
        RECAP = "recap", _("Recap")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["program", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="survey_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} survey of {self.program}"


class Measure(models.Model):
    """An outcome measure: a 1-5 question asked at kick-off (the baseline) and at the recap.

    The coordinator writes it once; it is one scale question in each of the two surveys
    (``Question.measure``), so members answer it as any other question and the dashboard
    compares the two answers, before and after.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="measures")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Question(models.Model):
    """One question of a survey: a 1-5 scale, a choice among options, or free text."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Scale 1 to 5")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCALE)
    choices = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Set on the kick-off and recap questions of an outcome measure (always a 1-5 scale).
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )

    class Meta:
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "measure"], name="question_measure_once_per_survey"
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=True) | Q(kind="scale"),
                name="question_measure_is_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    """One member asked to answer one survey; the unique key makes it once per member."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "membership"], name="surveyinvitation_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.membership_id} to survey #{self.survey_id}"


class SurveyResponse(models.Model):
    """One member's answers to one survey (one response per member)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "membership"], name="surveyresponse_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"Response of {self.membership_id} to survey #{self.survey_id}"


class Answer(models.Model):
    """One answer; free text reaches coordinators only when ``share_text`` is set."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    share_text = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to question #{self.question_id}"


class Pulse(models.Model):
    """ "How useful was this meeting?" (1 to 5), asked of each attendee of a held meeting."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="pulse_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="pulse_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Pulse {self.score} on meeting #{self.meeting_id}"
