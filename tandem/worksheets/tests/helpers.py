"""Builders for the worksheet tests: a partnership of two in a program with the suggestions."""

from typing import Any

from tandem.meetings.tests.factories import partnership_make
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.tests.factories import CoordinatorFactory
from tandem.worksheets import services
from tandem.worksheets.models import WorksheetQuestion, WorksheetTemplate


def suggested_world(
    **program_fields: Any,
) -> tuple[Partnership, list[PartnershipMember], Any, WorksheetTemplate]:
    """Return a partnership (Ana, Ben), its seats, a coordinator and the first suggestion."""
    partnership, seats = partnership_make(**program_fields)
    coordinator = CoordinatorFactory(program=partnership.program).user
    first = services.worksheet_defaults_add(program=partnership.program, actor=coordinator)[0]
    return partnership, seats, coordinator, first


def question_of(template: WorksheetTemplate, kind: str = "text") -> WorksheetQuestion:
    """Return the template's first question of ``kind``."""
    question = (
        WorksheetQuestion.objects.filter(section__template=template, kind=kind)
        .order_by("section__position", "position")
        .first()
    )
    assert question is not None
    return question


def save_all(
    partnership: Partnership,
    seat: PartnershipMember,
    template: WorksheetTemplate,
    *answers: services.AnswerInput,
) -> Any:
    """Save ``answers`` as ``seat`` in one go, as the worksheet's whole form does."""
    return services.worksheet_answers_save(
        partnership=partnership, seat=seat, template=template, answers=list(answers)
    )


def save(
    partnership: Partnership,
    seat: PartnershipMember,
    template: WorksheetTemplate,
    question: WorksheetQuestion,
    value: str,
    version: int,
) -> Any:
    """Save one answer as ``seat`` over ``version``."""
    return save_all(partnership, seat, template, services.AnswerInput(question.pk, value, version))
