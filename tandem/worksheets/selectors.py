"""Reads for worksheets. ``access_*`` return an object for a given user or raise NotFound.

A partnership's worksheet (its answers, their history) is read by its partners only, exactly
as a shared note: everyone else, coordinators included, gets NotFound, the same answer as for a
worksheet that does not exist. Coordinators read their program's templates and, of each
partnership's copy, only whether it was marked done (as counts).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core.errors import NotFound
from tandem.meetings.models import Meeting
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.models import Program
from tandem.programs.names import member_name
from tandem.worksheets.models import (
    AnswerRevision,
    Worksheet,
    WorksheetAnswer,
    WorksheetQuestion,
    WorksheetSection,
    WorksheetTemplate,
)

Due = WorksheetTemplate.Due


def answer_field(question_id: int) -> str:
    """Return the form field (and error field) that holds the answer to a question."""
    return f"a{question_id}"


def _day(on: date | None) -> str:
    return date_format(on, "j M Y") if on is not None else ""


def due_label(*, template: WorksheetTemplate, program: Program) -> str:
    """Return when the worksheet is due, in the program's own dates ("At the mid-point, 3 Jun")."""
    if template.due == Due.MEETING and template.due_meeting is not None:
        if template.due_meeting == 1:
            return _("At your first meeting")
        return _("At your meeting number %(n)d") % {"n": template.due_meeting}
    on = {
        Due.KICKOFF: program.kickoff_on,
        Due.MIDPOINT: program.midpoint_on,
        Due.RECAP: program.recap_on or program.ends_on,
    }.get(Due(template.due))
    label = str(Due(template.due).label)
    return f"{label}, {_day(on)}" if on else label


# --- Partners ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorksheetPlace:
    """A partnership's worksheet as one of its partners opens it (``worksheet`` None until the
    first answer is saved)."""

    partnership: Partnership
    seat: PartnershipMember
    template: WorksheetTemplate
    worksheet: Worksheet | None

    @property
    def program(self) -> Program:
        return self.partnership.program

    @property
    def can_edit(self) -> bool:
        return self.seat.active and self.partnership.status != Partnership.Status.ENDED


def access_worksheet(*, user: Any, partnership_id: int, template_id: int) -> WorksheetPlace:
    """Return a worksheet of one of the user's partnerships; NotFound for anyone else.

    The partnership is found by the one "partnership and my seat" selector; the template must
    belong to the partnership's program. Two queries.
    """
    partnership, seat = access_partnership_seat(user=user, pk=partnership_id)
    template = WorksheetTemplate.objects.filter(
        pk=template_id, program_id=partnership.program_id
    ).first()
    if template is None:
        raise NotFound()
    worksheet = Worksheet.objects.filter(template=template, partnership=partnership).first()
    return WorksheetPlace(partnership, seat, template, worksheet)


@dataclass(frozen=True)
class WorksheetRow:
    """One worksheet of a partnership, as its list shows it."""

    template: WorksheetTemplate
    due_label: str
    questions: int
    answered: int
    done: bool


def worksheet_rows_for(*, partnership: Partnership) -> list[WorksheetRow]:
    """Return the program's worksheets with this partnership's progress on each. Two queries."""
    program = partnership.program
    templates = WorksheetTemplate.objects.filter(program=program).annotate(
        question_count=Count("sections__questions")
    )
    copies = {
        w.template_id: w
        for w in Worksheet.objects.filter(partnership=partnership).annotate(
            answered=Count("answers", filter=~Q(answers__value=""))
        )
    }
    rows = []
    for template in templates:
        copy = copies.get(template.pk)
        rows.append(
            WorksheetRow(
                template=template,
                due_label=due_label(template=template, program=program),
                questions=template.question_count,
                answered=copy.answered if copy else 0,
                done=bool(copy and copy.done_at),
            )
        )
    return rows


@dataclass(frozen=True)
class AnswerView:
    value: str
    version: int
    saved_by: str
    saved_at: datetime

    @property
    def items(self) -> list[str]:
        """The lines of a list answer."""
        return [line for line in self.value.splitlines() if line.strip()]


@dataclass(frozen=True)
class QuestionView:
    question: WorksheetQuestion
    answer: AnswerView | None

    @property
    def field_name(self) -> str:
        return answer_field(self.question.pk)

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0


@dataclass(frozen=True)
class SectionView:
    section: WorksheetSection
    questions: list[QuestionView]


def _seat_name(seat: PartnershipMember | None) -> str:
    return member_name(seat.membership) if seat is not None else _("A former partner")


def worksheet_sections(
    *, template: WorksheetTemplate, worksheet: Worksheet | None
) -> list[SectionView]:
    """Return the template's sections and questions in order, with the partnership's current
    answers (who saved each, and its version). Three queries."""
    sections = list(template.sections.prefetch_related("questions"))
    answers: dict[int, WorksheetAnswer] = {}
    if worksheet is not None:
        answers = {
            a.question_id: a
            for a in worksheet.answers.select_related(
                "saved_by__membership__user", "saved_by__membership__profile"
            )
        }
    out = []
    for section in sections:
        views = []
        for question in section.questions.all():
            answer = answers.get(question.pk)
            views.append(
                QuestionView(
                    question,
                    AnswerView(
                        answer.value, answer.version, _seat_name(answer.saved_by), answer.saved_at
                    )
                    if answer is not None
                    else None,
                )
            )
        out.append(SectionView(section, views))
    return out


def questions_of(*, template: WorksheetTemplate) -> list[WorksheetQuestion]:
    """Return the template's questions, section by section, in order."""
    return list(
        WorksheetQuestion.objects.filter(section__template=template).order_by(
            "section__position", "position"
        )
    )


@dataclass(frozen=True)
class RevisionRow:
    prompt: str
    version: int
    value: str
    author: str
    saved_at: datetime


def worksheet_history(*, worksheet: Worksheet | None) -> list[RevisionRow]:
    """Return every saved version of every answer of the worksheet, newest first. One query."""
    if worksheet is None:
        return []
    revisions = AnswerRevision.objects.filter(answer__worksheet=worksheet).select_related(
        "answer__question", "author__membership__user", "author__membership__profile"
    )
    return [
        RevisionRow(r.answer.question.prompt, r.version, r.value, _seat_name(r.author), r.saved_at)
        for r in revisions
    ]


def meeting_number(*, meeting: Meeting) -> int:
    """Return which meeting of its partnership this is (1 for the first), cancelled ones left
    out."""
    earlier = (
        Meeting.objects.filter(partnership_id=meeting.partnership_id)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(
            Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__lt=meeting.pk)
        )
        .count()
    )
    return earlier + 1


def worksheets_due_at(*, meeting: Meeting) -> list[WorksheetTemplate]:
    """Return the worksheets due at this meeting of the partnership (none once cancelled).

    The caller has checked that the viewer is one of the meeting's partners. Two queries.
    """
    if meeting.status == Meeting.Status.CANCELLED:
        return []
    due = WorksheetTemplate.objects.filter(
        program_id=meeting.partnership.program_id, due=Due.MEETING
    )
    number = meeting_number(meeting=meeting)
    return [t for t in due if t.due_meeting == number]


# --- Coordinators ----------------------------------------------------------------------------


def template_list(*, program: Program) -> QuerySet[WorksheetTemplate]:
    """Return the program's worksheet templates in order."""
    return WorksheetTemplate.objects.filter(program=program)


def access_template(*, program: Program, pk: int) -> WorksheetTemplate:
    """Return a template of the program (the caller coordinates it); NotFound otherwise."""
    template = WorksheetTemplate.objects.filter(program=program, pk=pk).first()
    if template is None:
        raise NotFound()
    return template


def access_section(*, template: WorksheetTemplate, pk: int) -> WorksheetSection:
    section = WorksheetSection.objects.filter(template=template, pk=pk).first()
    if section is None:
        raise NotFound()
    return section


def access_question(*, template: WorksheetTemplate, pk: int) -> WorksheetQuestion:
    question = WorksheetQuestion.objects.filter(section__template=template, pk=pk).first()
    if question is None:
        raise NotFound()
    return question


def question_answered(*, question: WorksheetQuestion) -> bool:
    """Whether any partnership has answered the question (then its kind stays, and it stays)."""
    return WorksheetAnswer.objects.filter(question=question).exists()


@dataclass(frozen=True)
class Progress:
    """How many current partnerships marked a worksheet done: a count, never content."""

    template: WorksheetTemplate
    due_label: str
    done: int
    partnerships: int


def worksheet_progress(*, program: Program) -> list[Progress]:
    """Return, for each worksheet of the program, how many of its current (not ended)
    partnerships marked it done. Three queries, whatever the program's size."""
    current = Partnership.objects.filter(program=program).exclude(status=Partnership.Status.ENDED)
    total = current.count()
    done: dict[int, int] = defaultdict(int)
    for template_id, count in (
        Worksheet.objects.filter(partnership__in=current, done_at__isnull=False)
        .values_list("template_id")
        .annotate(n=Count("pk"))
        .values_list("template_id", "n")
    ):
        done[template_id] = count
    return [
        Progress(t, due_label(template=t, program=program), done[t.pk], total)
        for t in template_list(program=program)
    ]


def worksheet_done_for(*, program: Program) -> list[tuple[int, list[tuple[int, bool]]]]:
    """Return, per template id, each current partnership's id and whether it marked the
    worksheet done (for the coordinators' API). Three queries."""
    current = list(
        Partnership.objects.filter(program=program)
        .exclude(status=Partnership.Status.ENDED)
        .order_by("started_at", "pk")
        .values_list("pk", flat=True)
    )
    done = set(
        Worksheet.objects.filter(partnership_id__in=current, done_at__isnull=False).values_list(
            "template_id", "partnership_id"
        )
    )
    return [
        (t.pk, [(pk, (t.pk, pk) in done) for pk in current]) for t in template_list(program=program)
    ]
