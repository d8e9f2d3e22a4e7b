"""What the worksheets app holds about a person: their partnerships' worksheets, the answers
they saved last and every version of an answer they wrote.

The download lists the worksheets of the person's partnerships (whether each is done), the
answers whose current text they saved, and every version they wrote (never a partner's
version). Erasing the account deletes the versions they wrote and blanks the current answers
they saved: the worksheet and the partners' own versions stay. See
``tandem/core/personal_data.py`` and docs/privacy.md.
"""

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.worksheets.models import AnswerRevision, Worksheet, WorksheetAnswer

DECLARATION = Declaration(
    app="worksheets",
    holdings=(
        Holding(
            Worksheet,
            rows=lambda p: Worksheet.objects.filter(
                partnership_id__in=p.partnership_ids
            ).select_related("template"),
            erase=Erase.KEEP,
            computed=lambda w: {"title": w.template.title},
        ),
        Holding(
            WorksheetAnswer,
            rows=lambda p: WorksheetAnswer.objects.filter(
                saved_by_id__in=p.seat_ids
            ).select_related("question"),
            erase=Erase.KEEP,
            clear=("value",),
            computed=lambda a: {"question_text": a.question.prompt},
        ),
        Holding(
            AnswerRevision,
            rows=lambda p: AnswerRevision.objects.filter(author_id__in=p.seat_ids).select_related(
                "answer__question"
            ),
            computed=lambda r: {"question_text": r.answer.question.prompt},
        ),
    ),
)
