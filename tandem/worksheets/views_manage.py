"""The coordinators' worksheet pages: the program's worksheets and how many are done, and one
worksheet to write.

Coordinators of the program only; everyone else gets 404, as for a program that does not
exist. Linked from the cockpit (``COORDINATOR_PAGES``) and its worksheet figures. Nothing here
reads what a partnership wrote: only whether it marked a worksheet done, as a count.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.forms import TandemForm, add_domain_error
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator
from tandem.worksheets import selectors, services
from tandem.worksheets.defaults import SUGGESTED
from tandem.worksheets.forms import QuestionForm, SectionForm, TemplateForm
from tandem.worksheets.models import WorksheetQuestion, WorksheetTemplate


def _render_manage(
    request: HttpRequest, program: Program, *, form: TemplateForm | None = None, status: int = 200
) -> HttpResponse:
    progress = selectors.worksheet_progress(program=program)
    return render(
        request,
        "worksheets/manage.html",
        {
            "program": program,
            "progress": progress,
            "missing_suggested": not {s.key for s in SUGGESTED}
            <= {p.template.default_key for p in progress},
            "form": form or TemplateForm(initial={"due": WorksheetTemplate.Due.ANYTIME}),
        },
        status=status,
    )


def _submit(
    request: HttpRequest, form: TandemForm, write: Callable[[], Any], done: str
) -> Any | None:
    """Run ``write`` (a service) on a valid form and queue ``done``; return what it made, or
    None with the refusal on the form."""
    if not form.is_valid():
        return None
    try:
        made = write()
    except ValidationFailed as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, done)
    return made


@login_required
@require_GET
def worksheet_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's worksheets with how many partnerships marked each done."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return _render_manage(request, program)


@login_required
@require_POST
def worksheet_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a worksheet of the coordinator's own; its page opens to add sections."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = TemplateForm(request.POST)
    template = _submit(
        request,
        form,
        lambda: services.worksheet_template_create(
            program=program, actor=request.user, answers=form.to_answers()
        ),
        _("Worksheet added: now give it sections and questions."),
    )
    if template is not None:
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_manage(request, program, form=form, status=400)


@login_required
@require_POST
def worksheet_defaults(request: HttpRequest, slug: str) -> HttpResponse:
    """Add the suggested worksheets the program does not have yet."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    added = services.worksheet_defaults_add(program=program, actor=request.user)
    if added:
        messages.success(
            request,
            ngettext(
                "%(n)d suggested worksheet added.", "%(n)d suggested worksheets added.", len(added)
            )
            % {"n": len(added)},
        )
    else:
        messages.info(request, _("The program has every suggested worksheet already."))
    return redirect("worksheets:manage", slug=program.slug)


def _render_edit(
    request: HttpRequest,
    program: Program,
    template: WorksheetTemplate,
    *,
    form: TemplateForm | None = None,
    section_form: SectionForm | None = None,
    question_form: QuestionForm | None = None,
    question_section: int | None = None,
    rename_form: SectionForm | None = None,
    rename_section: int | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "worksheets/edit.html",
        {
            "program": program,
            "template": template,
            "due_label": selectors.due_label(template=template, program=program),
            "form": form
            or TemplateForm(
                initial={
                    "title": template.title,
                    "intro": template.intro,
                    "due": template.due,
                    "due_meeting": template.due_meeting,
                }
            ),
            "sections": list(template.sections.prefetch_related("questions")),
            "section_form": section_form or SectionForm(),
            "question_form": question_form or QuestionForm(),
            "question_section": question_section,
            "new_question_form": QuestionForm(),
            "rename_form": rename_form,
            "rename_section": rename_section,
        },
        status=status,
    )


def _access(request: HttpRequest, slug: str, pk: int) -> tuple[Program, WorksheetTemplate]:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return program, selectors.access_template(program=program, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a worksheet's sections and questions; change its title, introduction or due point."""
    program, template = _access(request, slug, pk)
    if request.method == "GET":
        return _render_edit(request, program, template)
    form = TemplateForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.worksheet_template_update(
            template=template, actor=request.user, answers=form.to_answers()
        ),
        _("Worksheet saved."),
    ):
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_edit(request, program, template, form=form, status=400)


@login_required
@require_POST
def section_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a section at the end of the worksheet."""
    program, template = _access(request, slug, pk)
    form = SectionForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.worksheet_section_add(
            template=template, actor=request.user, title=form.cleaned_data["title"]
        ),
        _("Section added: now add its questions."),
    ):
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_edit(request, program, template, section_form=form, status=400)


@login_required
@require_POST
def question_add(request: HttpRequest, slug: str, pk: int, section_id: int) -> HttpResponse:
    """Add a question at the end of a section."""
    program, template = _access(request, slug, pk)
    section = selectors.access_section(template=template, pk=section_id)
    form = QuestionForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.worksheet_question_add(
            section=section,
            actor=request.user,
            prompt=form.cleaned_data["prompt"],
            kind=form.cleaned_data["kind"],
            help_text=form.cleaned_data.get("help_text", ""),
        ),
        _("Question added."),
    ):
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_edit(
        request, program, template, question_form=form, question_section=section.pk, status=400
    )


@login_required
@require_POST
def question_remove(request: HttpRequest, slug: str, pk: int, question_id: int) -> HttpResponse:
    """Remove a question that no partnership has answered yet."""
    program, template = _access(request, slug, pk)
    question = selectors.access_question(template=template, pk=question_id)
    try:
        services.worksheet_question_remove(question=question, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question removed."))
    return redirect("worksheets:edit", slug=program.slug, pk=template.pk)


def _render_question_edit(
    request: HttpRequest,
    program: Program,
    template: WorksheetTemplate,
    question: WorksheetQuestion,
    *,
    form: QuestionForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "worksheets/question_edit.html",
        {
            "program": program,
            "template": template,
            "question": question,
            "form": form,
            "answered": selectors.question_answered(question=question),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int, question_id: int) -> HttpResponse:
    """Reword a question or its hint, or change its kind while nobody has answered it."""
    program, template = _access(request, slug, pk)
    question = selectors.access_question(template=template, pk=question_id)
    if request.method == "GET":
        form = QuestionForm(
            initial={
                "prompt": question.prompt,
                "kind": question.kind,
                "help_text": question.help_text,
            }
        )
        return _render_question_edit(request, program, template, question, form=form)
    form = QuestionForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.worksheet_question_update(
            question=question,
            actor=request.user,
            prompt=form.cleaned_data["prompt"],
            kind=form.cleaned_data["kind"],
            help_text=form.cleaned_data.get("help_text", ""),
        ),
        _("Question saved."),
    ):
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_question_edit(request, program, template, question, form=form, status=400)


def _up(request: HttpRequest) -> bool:
    return request.POST.get("direction") != "down"


@login_required
@require_POST
def question_move(request: HttpRequest, slug: str, pk: int, question_id: int) -> HttpResponse:
    """Move a question one place up or down in its section."""
    program, template = _access(request, slug, pk)
    question = selectors.access_question(template=template, pk=question_id)
    services.worksheet_question_move(question=question, actor=request.user, up=_up(request))
    return redirect(
        f"{reverse('worksheets:edit', args=[program.slug, template.pk])}#q-{question.pk}"
    )


@login_required
@require_POST
def section_edit(request: HttpRequest, slug: str, pk: int, section_id: int) -> HttpResponse:
    """Rename a section."""
    program, template = _access(request, slug, pk)
    section = selectors.access_section(template=template, pk=section_id)
    form = SectionForm(request.POST)
    if _submit(
        request,
        form,
        lambda: services.worksheet_section_rename(
            section=section, actor=request.user, title=form.cleaned_data["title"]
        ),
        _("Section renamed."),
    ):
        return redirect("worksheets:edit", slug=program.slug, pk=template.pk)
    return _render_edit(
        request, program, template, rename_form=form, rename_section=section.pk, status=400
    )


@login_required
@require_POST
def section_move(request: HttpRequest, slug: str, pk: int, section_id: int) -> HttpResponse:
    """Move a section one place up or down in the worksheet."""
    program, template = _access(request, slug, pk)
    section = selectors.access_section(template=template, pk=section_id)
    services.worksheet_section_move(section=section, actor=request.user, up=_up(request))
    return redirect(
        f"{reverse('worksheets:edit', args=[program.slug, template.pk])}#section-{section.pk}"
    )
