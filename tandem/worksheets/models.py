"""Worksheets that partners fill in together.

A coordinator writes a **template** (sections of questions, each of a kind: text, list, scale,
date), optionally due at a point of the program. Each partnership fills **its own copy**
(``Worksheet``): every partner edits every answer, and each saved answer is a new version kept
in ``AnswerRevision`` (who wrote what, when). A copy is as confidential as a shared note: its
partners read it, nobody else; coordinators learn only whether it was marked done.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.models import TimeStampedModel
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Program

TITLE_MAX_LENGTH = 200
PROMPT_MAX_LENGTH = 300
ANSWER_MAX_LENGTH = 4000
DUE_MEETING_MAX = 100
SCALE_MIN, SCALE_MAX = 1, 5


class WorksheetTemplate(TimeStampedModel):
    """A worksheet as the coordinator wrote it, for every partnership of the program."""

    class Due(models.TextChoices):
        ANYTIME = "anytime", _("Any time")
        KICKOFF = "kickoff", _("At the kick-off")
        MEETING = "meeting", _("At a meeting")
        MIDPOINT = "midpoint", _("At the mid-point check-in")
        RECAP = "recap", _("At the recap")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="worksheet_templates"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    intro = models.TextField(blank=True)
    due = models.CharField(max_length=10, choices=Due.choices, default=Due.ANYTIME)
    # With ``due == "meeting"``: the partnership's n-th meeting (1 is the first).
    due_meeting = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Which suggested worksheet this one started from ("" for the coordinator's own).
    default_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["program", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(due="meeting", due_meeting__isnull=False)
                    & Q(due_meeting__gte=1, due_meeting__lte=DUE_MEETING_MAX)
                )
                | (~Q(due="meeting") & Q(due_meeting__isnull=True)),
                name="worksheettemplate_due_meeting_with_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="worksheettemplate_title_not_empty"
            ),
            models.UniqueConstraint(
                fields=["program", "default_key"],
                condition=~Q(default_key=""),
                name="worksheettemplate_default_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorksheetSection(models.Model):
    """A titled group of questions in a template."""

    template = models.ForeignKey(
        WorksheetTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="worksheetsection_unique_position"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="worksheetsection_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class WorksheetQuestion(models.Model):
    """One question of a section; its kind says what an answer looks like."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        LIST = "list", _("List (one item a line)")
        SCALE = "scale", _("Scale from 1 to 5")
        DATE = "date", _("Date")

    section = models.ForeignKey(
        WorksheetSection, on_delete=models.CASCADE, related_name="questions"
    )
    prompt = models.CharField(max_length=PROMPT_MAX_LENGTH)
    help_text = models.CharField(max_length=PROMPT_MAX_LENGTH, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="worksheetquestion_unique_position"
            ),
            models.CheckConstraint(
                condition=~Q(prompt=""), name="worksheetquestion_prompt_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["text", "list", "scale", "date"]),
                name="worksheetquestion_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt


class Worksheet(models.Model):
    """One partnership's copy of a template: the row partners' saves lock, and whether it is done.

    Created with the first answer saved (or when it is marked done).
    """

    template = models.ForeignKey(WorksheetTemplate, on_delete=models.CASCADE, related_name="copies")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="worksheets"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        PartnershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["partnership", "template"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "partnership"], name="worksheet_one_copy_per_partnership"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=False) | Q(done_by__isnull=True),
                name="worksheet_done_by_only_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Worksheet {self.template_id} of partnership #{self.partnership_id}"


def _version_and_value_rules(prefix: str) -> list[models.CheckConstraint]:
    """An answer's and a revision's rules: versions count from 1, values have a limit."""
    return [
        models.CheckConstraint(condition=Q(version__gte=1), name=f"{prefix}_version"),
        models.CheckConstraint(
            condition=LessThanOrEqual(Length("value"), ANSWER_MAX_LENGTH),
            name=f"{prefix}_value_length",
        ),
    ]


class WorksheetAnswer(models.Model):
    """The current answer of a partnership to one question; ``version`` counts its saves.

    A save names the version it was written over; a save over an older version is refused, so
    two partners editing at once never silently overwrite each other.
    """

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        WorksheetQuestion, on_delete=models.RESTRICT, related_name="answers"
    )
    value = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    saved_by = models.ForeignKey(
        PartnershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["worksheet", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["worksheet", "question"], name="worksheetanswer_one_per_question"
            ),
            *_version_and_value_rules("worksheetanswer"),
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} (v{self.version})"


class AnswerRevision(models.Model):
    """One saved version of an answer: who wrote what, when (the partners' history)."""

    answer = models.ForeignKey(WorksheetAnswer, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    value = models.TextField(blank=True)
    author = models.ForeignKey(PartnershipMember, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-saved_at", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "version"], name="answerrevision_one_per_version"
            ),
            *_version_and_value_rules("answerrevision"),
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of answer #{self.answer_id}"
