"""The partners' worksheet pages: a partnership's worksheets, one to fill in, its history.

Partners of the partnership only; everyone else (coordinators included) gets 404, as for a
worksheet that does not exist. Linked from the partnership page and, when a worksheet is due
at a meeting, from that meeting's page. The fill page is one form that saves every changed
answer (it works without JavaScript); with htmx, each answer also saves on its own.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import Conflict
from tandem.core.forms import add_domain_error
from tandem.core.htmx import htmx_refusal, is_htmx
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.worksheets import selectors, services
from tandem.worksheets.forms import WorksheetAnswersForm, version_field
from tandem.worksheets.models import WorksheetQuestion
from tandem.worksheets.selectors import QuestionView, WorksheetPlace, answer_field


@login_required
@require_GET
def worksheet_list(request: HttpRequest, pk: int) -> HttpResponse:
    """List the program's worksheets with this partnership's progress on each."""
    partnership, _seat = access_partnership_seat(user=request.user, pk=pk)
    return render(
        request,
        "worksheets/list.html",
        {
            "partnership": partnership,
            "program": partnership.program,
            "rows": selectors.worksheet_rows_for(partnership=partnership),
        },
    )


@dataclass(frozen=True)
class QuestionRow:
    """One question on the fill page: its field, its version and the answer saved so far."""

    view: QuestionView
    field: BoundField
    version: BoundField
    answer_url: str
    saved_now: bool = False


@dataclass(frozen=True)
class SectionRow:
    title: str
    questions: list[QuestionRow]


def _answer_url(place: WorksheetPlace, question_id: int) -> str:
    return reverse(
        "worksheets:answer",
        kwargs={
            "pk": place.partnership.pk,
            "template_id": place.template.pk,
            "question_id": question_id,
        },
    )


def _initial(views: list[QuestionView]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for view in views:
        initial[answer_field(view.question.pk)] = view.answer.value if view.answer else ""
        initial[version_field(view.question.pk)] = view.version
    return initial


def _merged(views: list[QuestionView], posted: Any, changed: frozenset[int]) -> QueryDict:
    """Return form data that keeps what the person changed and shows the rest as saved now,
    every version the current one (so saving again is a deliberate choice)."""
    data = posted.copy()
    for view in views:
        qid = view.question.pk
        if qid not in changed:
            data[answer_field(qid)] = view.answer.value if view.answer else ""
        data[version_field(qid)] = str(view.version)
    return data


def _rows(
    place: WorksheetPlace,
    sections: list[selectors.SectionView],
    form: WorksheetAnswersForm,
    saved_now: frozenset[int] = frozenset(),
) -> list[SectionRow]:
    return [
        SectionRow(
            s.section.title,
            [
                QuestionRow(
                    q,
                    form[q.field_name],
                    form[version_field(q.question.pk)],
                    _answer_url(place, q.question.pk),
                    q.question.pk in saved_now,
                )
                for q in s.questions
                if q.field_name in form.fields
            ],
        )
        for s in sections
    ]


def _views_of(sections: list[selectors.SectionView]) -> list[QuestionView]:
    return [q for s in sections for q in s.questions]


def _render_fill(
    request: HttpRequest,
    place: WorksheetPlace,
    *,
    sections: list[selectors.SectionView],
    form: WorksheetAnswersForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "worksheets/fill.html",
        {
            "place": place,
            "partnership": place.partnership,
            "program": place.program,
            "template": place.template,
            "due_label": selectors.due_label(template=place.template, program=place.program),
            "sections": _rows(place, sections, form),
            "form": form,
            "done": bool(place.worksheet and place.worksheet.done_at),
        },
        status=status,
    )


def _access(request: HttpRequest, pk: int, template_id: int) -> WorksheetPlace:
    return selectors.access_worksheet(user=request.user, partnership_id=pk, template_id=template_id)


def _questions(sections: list[selectors.SectionView]) -> list[WorksheetQuestion]:
    return [q.question for q in _views_of(sections)]


def _save(
    request: HttpRequest, place: WorksheetPlace, form: WorksheetAnswersForm
) -> tuple[
    list[selectors.SectionView], WorksheetAnswersForm, services.WorksheetAnswersRefused | None
]:
    """Save the form's answers; return the worksheet read again (with a partner's newer
    answers), the form to show (the person's changed text kept, with why on each refused
    answer) and the refusal, None when it was saved. Conflict (an ended partnership) is the caller's."""
    refused: services.WorksheetAnswersRefused | None = None
    try:
        services.worksheet_answers_save(
            partnership=place.partnership,
            seat=place.seat,
            template=place.template,
            answers=form.to_inputs(),
        )
    except services.WorksheetAnswersRefused as exc:
        refused = exc
    now = _access(request, place.partnership.pk, place.template.pk)
    sections = selectors.worksheet_sections(template=now.template, worksheet=now.worksheet)
    views = _views_of(sections)
    if refused is None:
        return (
            sections,
            WorksheetAnswersForm(initial=_initial(views), questions=form.questions),
            None,
        )
    again = WorksheetAnswersForm(
        _merged(views, form.data, refused.changed), questions=form.questions
    )
    again.is_valid()
    add_domain_error(again, refused)
    return sections, again, refused


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_fill(request: HttpRequest, pk: int, template_id: int) -> HttpResponse:
    """Show the partnership's worksheet to fill in together; save every changed answer."""
    place = _access(request, pk, template_id)
    sections = selectors.worksheet_sections(template=place.template, worksheet=place.worksheet)
    questions = _questions(sections)
    if request.method == "GET":
        form = WorksheetAnswersForm(initial=_initial(_views_of(sections)), questions=questions)
        return _render_fill(request, place, sections=sections, form=form)
    form = WorksheetAnswersForm(request.POST, questions=questions)
    if not form.is_valid():
        return _render_fill(request, place, sections=sections, form=form, status=400)
    try:
        sections, form, refused = _save(request, place, form)
    except Conflict as exc:
        add_domain_error(form, exc)
        return _render_fill(request, place, sections=sections, form=form, status=409)
    if refused is not None:
        return _render_fill(
            request, place, sections=sections, form=form, status=refused.status_code
        )
    messages.success(request, _("Saved. Your partners see your answers when they open it."))
    return redirect("worksheets:fill", pk=pk, template_id=template_id)


@login_required
@require_POST
def worksheet_answer(
    request: HttpRequest, pk: int, template_id: int, question_id: int
) -> HttpResponse:
    """Save one answer (htmx) and answer with its part of the page; without htmx, go back."""
    place = _access(request, pk, template_id)
    sections = selectors.worksheet_sections(template=place.template, worksheet=place.worksheet)
    view = next((q for q in _views_of(sections) if q.question.pk == question_id), None)
    if view is None:
        return redirect("worksheets:fill", pk=pk, template_id=template_id)
    form = WorksheetAnswersForm(request.POST, questions=[view.question])
    saved = False
    if form.is_valid():
        try:
            sections, form, refused = _save(request, place, form)
            saved = refused is None
        except Conflict as exc:
            if is_htmx(request):
                return htmx_refusal(request, exc)
            messages.error(request, exc.message)
            return redirect("worksheets:fill", pk=pk, template_id=template_id)
    if not is_htmx(request):
        if form.errors:
            messages.error(request, _("That answer was not saved: see why below, then save again."))
        return redirect(
            reverse("worksheets:fill", kwargs={"pk": pk, "template_id": template_id})
            + f"#q-{question_id}"
        )
    row = next(
        q
        for s in _rows(place, sections, form, frozenset({question_id}) if saved else frozenset())
        for q in s.questions
    )
    return render(request, "worksheets/_question.html", {"row": row, "can_edit": place.can_edit})


@login_required
@require_POST
def worksheet_done(request: HttpRequest, pk: int, template_id: int) -> HttpResponse:
    """Mark the worksheet done (what the coordinators see), or open it again."""
    place = _access(request, pk, template_id)
    done = request.POST.get("done") == "yes"
    try:
        services.worksheet_done_set(
            partnership=place.partnership, seat=place.seat, template=place.template, done=done
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Marked done: your coordinators see that it is done, never what you wrote.")
            if done
            else _("Open again: change anything you like, and mark it done when you are ready."),
        )
    return redirect("worksheets:fill", pk=pk, template_id=template_id)


@login_required
@require_GET
def worksheet_history(request: HttpRequest, pk: int, template_id: int) -> HttpResponse:
    """Show every saved version of every answer, who saved it and when, newest first."""
    place = _access(request, pk, template_id)
    return render(
        request,
        "worksheets/history.html",
        {
            "place": place,
            "partnership": place.partnership,
            "program": place.program,
            "template": place.template,
            "revisions": selectors.worksheet_history(worksheet=place.worksheet),
        },
    )
