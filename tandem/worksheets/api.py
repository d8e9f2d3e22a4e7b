"""Worksheets API (``/api/v1/worksheets``): the same rules as the pages.

A partnership's worksheets, answers and history: its partners only; anyone else, coordinators
included, gets 404. A program's worksheets with how many partnerships marked each done: its
coordinators only. An answer is saved over the version it was read at; a save over a version
that a partner changed meanwhile answers 409 with the partner's text in ``detail``.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from tandem.api.errors import errors
from tandem.core.errors import NotFound
from tandem.partnerships.selectors.partnership import access_partnership
from tandem.programs.selectors import access_program_as_coordinator
from tandem.worksheets import selectors, services
from tandem.worksheets.selectors import QuestionView, SectionView, WorksheetPlace

router = Router(tags=["worksheets"])


class WorksheetPartnershipDoneOut(Schema):
    partnership_id: int
    done: bool


class WorksheetProgressOut(Schema):
    template_id: int
    title: str
    due: str
    due_meeting: int | None
    due_label: str
    done: int
    partnerships: int
    by_partnership: list[WorksheetPartnershipDoneOut]


class WorksheetTemplateOut(Schema):
    id: int
    title: str
    due: str
    due_meeting: int | None


class WorksheetRowOut(Schema):
    template_id: int
    title: str
    due_label: str
    questions: int
    answered: int
    done: bool


class WorksheetAnswerOut(Schema):
    value: str
    version: int
    saved_by: str
    saved_at: datetime


class WorksheetQuestionOut(Schema):
    id: int
    prompt: str
    help_text: str
    kind: str
    answer: WorksheetAnswerOut | None


class WorksheetSectionOut(Schema):
    title: str
    questions: list[WorksheetQuestionOut]


class WorksheetOut(Schema):
    template_id: int
    title: str
    intro: str
    due_label: str
    done: bool
    can_edit: bool
    sections: list[WorksheetSectionOut]


class WorksheetAnswerIn(Schema):
    value: str
    version: int = 0  # the version read (0: there was no answer yet)


class WorksheetDoneIn(Schema):
    done: bool = True


class WorksheetRevisionOut(Schema):
    question: str
    version: int
    value: str
    author: str
    saved_at: datetime


@router.get("/programs/{slug}", response={200: list[WorksheetProgressOut], **errors(404)})
def progress(request: HttpRequest, slug: str) -> list[WorksheetProgressOut]:
    """List the program's worksheets and which current partnerships marked each done (only
    that: never an answer)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    by_template = dict(selectors.worksheet_done_for(program=program))
    return [
        WorksheetProgressOut(
            template_id=p.template.pk,
            title=p.template.title,
            due=p.template.due,
            due_meeting=p.template.due_meeting,
            due_label=p.due_label,
            done=p.done,
            partnerships=p.partnerships,
            by_partnership=[
                WorksheetPartnershipDoneOut(partnership_id=pk, done=done)
                for pk, done in by_template.get(p.template.pk, [])
            ],
        )
        for p in selectors.worksheet_progress(program=program)
    ]


@router.post(
    "/programs/{slug}/suggested", response={201: list[WorksheetTemplateOut], **errors(403, 404)}
)
def suggested_add(request: HttpRequest, slug: str) -> Status[list[WorksheetTemplateOut]]:
    """Add the suggested worksheets the program does not have yet (an empty list if none)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    added = services.worksheet_defaults_add(program=program, actor=request.user)
    return Status(
        201, [WorksheetTemplateOut.model_validate(t, from_attributes=True) for t in added]
    )


@router.get("/partnerships/{int:pk}", response={200: list[WorksheetRowOut], **errors(404)})
def worksheet_list(request: HttpRequest, pk: int) -> list[WorksheetRowOut]:
    """List the program's worksheets with this partnership's progress on each."""
    partnership = access_partnership(user=request.user, pk=pk)
    return [
        WorksheetRowOut(
            template_id=r.template.pk,
            title=r.template.title,
            due_label=r.due_label,
            questions=r.questions,
            answered=r.answered,
            done=r.done,
        )
        for r in selectors.worksheet_rows_for(partnership=partnership)
    ]


def _question_out(q: QuestionView) -> WorksheetQuestionOut:
    answer = q.answer
    return WorksheetQuestionOut(
        id=q.question.pk,
        prompt=q.question.prompt,
        help_text=q.question.help_text,
        kind=q.question.kind,
        answer=WorksheetAnswerOut(
            value=answer.value,
            version=answer.version,
            saved_by=answer.saved_by,
            saved_at=answer.saved_at,
        )
        if answer
        else None,
    )


def _out(place: WorksheetPlace, sections: list[SectionView]) -> WorksheetOut:
    return WorksheetOut(
        template_id=place.template.pk,
        title=place.template.title,
        intro=place.template.intro,
        due_label=selectors.due_label(template=place.template, program=place.program),
        done=bool(place.worksheet and place.worksheet.done_at),
        can_edit=place.can_edit,
        sections=[
            WorksheetSectionOut(
                title=s.section.title, questions=[_question_out(q) for q in s.questions]
            )
            for s in sections
        ],
    )


def _place(request: HttpRequest, pk: int, template_id: int) -> WorksheetPlace:
    return selectors.access_worksheet(user=request.user, partnership_id=pk, template_id=template_id)


@router.get("/partnerships/{int:pk}/{int:template_id}", response={200: WorksheetOut, **errors(404)})
def worksheet_get(request: HttpRequest, pk: int, template_id: int) -> WorksheetOut:
    """Return the partnership's worksheet: every question with its current answer and version."""
    place = _place(request, pk, template_id)
    sections = selectors.worksheet_sections(template=place.template, worksheet=place.worksheet)
    return _out(place, sections)


@router.put(
    "/partnerships/{int:pk}/{int:template_id}/answers/{int:question_id}",
    response={200: WorksheetQuestionOut, **errors(400, 403, 404, 409, 422)},
)
def answer_put(
    request: HttpRequest, pk: int, template_id: int, question_id: int, payload: WorksheetAnswerIn
) -> WorksheetQuestionOut:
    """Save one answer over the version read; 409 (with the partner's text) when a partner
    saved it meanwhile, or once the partnership has ended."""
    place = _place(request, pk, template_id)
    selectors.access_question(template=place.template, pk=question_id)
    worksheet = services.worksheet_answers_save(
        partnership=place.partnership,
        seat=place.seat,
        template=place.template,
        answers=[services.AnswerInput(question_id, payload.value, payload.version)],
    )
    sections = selectors.worksheet_sections(template=place.template, worksheet=worksheet)
    view = next((q for s in sections for q in s.questions if q.question.pk == question_id), None)
    if view is None:
        raise NotFound()
    return _question_out(view)


@router.post(
    "/partnerships/{int:pk}/{int:template_id}/done",
    response={200: WorksheetOut, **errors(400, 403, 404, 409, 422)},
)
def done_set(
    request: HttpRequest, pk: int, template_id: int, payload: WorksheetDoneIn
) -> WorksheetOut:
    """Mark the worksheet done (``{"done": false}`` opens it again); coordinators see only this."""
    place = _place(request, pk, template_id)
    worksheet = services.worksheet_done_set(
        partnership=place.partnership, seat=place.seat, template=place.template, done=payload.done
    )
    place = WorksheetPlace(place.partnership, place.seat, place.template, worksheet)
    return _out(place, selectors.worksheet_sections(template=place.template, worksheet=worksheet))


@router.get(
    "/partnerships/{int:pk}/{int:template_id}/history",
    response={200: list[WorksheetRevisionOut], **errors(404)},
)
def history(request: HttpRequest, pk: int, template_id: int) -> list[WorksheetRevisionOut]:
    """List every saved version of every answer, newest first."""
    place = _place(request, pk, template_id)
    return [
        WorksheetRevisionOut(
            question=r.prompt,
            version=r.version,
            value=r.value,
            author=r.author,
            saved_at=r.saved_at,
        )
        for r in selectors.worksheet_history(worksheet=place.worksheet)
    ]
