"""The support pages: the check-ins due, one partnership's check-ins, and help requests.

Coordinators of the program only; everyone else gets 404, as for a program that does not exist.
The list is linked from the cockpit (``COORDINATOR_PAGES``) and its next step; a partnership's
page from the list and from the partnerships page. A member raises a help request from their
home; coordinators handle it from the dashboard's list of help requests.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import submit
from tandem.meetings.selectors.access import seat_name, seats_of
from tandem.partnerships.models import Partnership
from tandem.programs.models import Program
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program, access_program_as_coordinator
from tandem.support import selectors, services
from tandem.support.forms import (
    CheckInForm,
    CheckInMessageForm,
    CheckInTemplateForm,
    HelpFlagForm,
    SupportPlanForm,
)
from tandem.support.models import CheckInTemplate, HelpFlag
from tandem.support.suggestions import BY_KEY as SUGGESTIONS_BY_KEY

MSG_HELP_RAISED = gettext_lazy(
    "Your coordinators have been told that you asked for {kind} help. Only your name and the "
    "kind of help were sent. Someone will reach out to you privately; in an emergency, use the "
    "resources below."
)
MSG_FLAG_HANDLED = gettext_lazy("Marked handled: {name}'s request for help.")
MSG_FLAG_REOPENED = gettext_lazy("Reopened: {name}'s request for help is open again.")


def _plan_form(program: Program) -> SupportPlanForm:
    plan = selectors.plan_for(program=program)
    return SupportPlanForm(
        initial={"every_weeks": plan.every_weeks, "after_first_meeting": plan.after_first_meeting}
    )


def _render_list(
    request: HttpRequest, program: Program, *, plan_form: SupportPlanForm, status: int = 200
) -> HttpResponse:
    rows = selectors.support_queue(program=program)
    return render(
        request,
        "support/list.html",
        {
            "program": program,
            "plan": selectors.plan_for(program=program),
            "plan_form": plan_form,
            "to_do": [r for r in rows if r.needs_attention],
            "on_track": [r for r in rows if not r.needs_attention],
        },
        status=status,
    )


@login_required
@require_GET
def support_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's active partnerships whose check-in is overdue, signalled or due."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return _render_list(request, program, plan_form=_plan_form(program))


@login_required
@require_POST
def support_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Set the program's support cadence."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = SupportPlanForm(request.POST)
    plan = submit(
        form,
        lambda data: services.support_plan_update(program=program, actor=request.user, **data),
    )
    if plan is not None:
        messages.success(
            request,
            _("Saved: a check-in with each partnership every %(n)d weeks.")
            % {"n": plan.every_weeks},
        )
        return redirect("support:list", slug=program.slug)
    return _render_list(request, program, plan_form=form, status=400)


def _render_partnership(
    request: HttpRequest,
    program: Program,
    partnership: Partnership,
    *,
    record_form: CheckInForm | None = None,
    message_form: CheckInMessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.support_queue(program=program, partnership=partnership)
    row = rows[0] if rows else None
    seats = seats_of(partnership)
    choices = selectors.message_choices(program=program)
    chosen = selectors.message_choice(choices, key=request.GET.get("message"), row=row)
    return render(
        request,
        "support/partnership.html",
        {
            "program": program,
            "partnership": partnership,
            "row": row,
            "partner_names": [seat_name(s) for s in seats],
            "check_ins": selectors.check_ins_of(partnership=partnership),
            "record_form": record_form or CheckInForm(),
            "message_form": message_form or CheckInMessageForm(initial={"message": chosen.body}),
            "message_choices": choices,
            "message_chosen": chosen,
            "ended": partnership.status == Partnership.Status.ENDED,
        },
        status=status,
    )


def _access(request: HttpRequest, slug: str, pk: int) -> tuple[Program, Partnership]:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return program, selectors.access_support_partnership(program=program, partnership_id=pk)


@login_required
@require_GET
def support_partnership(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show one partnership's check-ins, with forms to record one or send a check-in message."""
    program, partnership = _access(request, slug, pk)
    return _render_partnership(request, program, partnership)


@login_required
@require_POST
def check_in_record(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record a check-in with the partnership."""
    program, partnership = _access(request, slug, pk)
    form = CheckInForm(request.POST)
    if submit(
        form,
        lambda data: services.check_in_record(
            program=program, partnership=partnership, actor=request.user, answers=form.to_answers()
        ),
    ):
        messages.success(request, _("Check-in recorded."))
        return redirect("support:list", slug=program.slug)
    return _render_partnership(request, program, partnership, record_form=form, status=400)


@login_required
@require_POST
def check_in_message(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Email the partners a check-in message and record it."""
    program, partnership = _access(request, slug, pk)
    form = CheckInMessageForm(request.POST)
    if submit(
        form,
        lambda data: services.check_in_message_send(
            program=program, partnership=partnership, actor=request.user, **data
        ),
    ):
        messages.success(
            request, _("Check-in message on its way to the partners; replies come to you.")
        )
        return redirect("support:list", slug=program.slug)
    return _render_partnership(request, program, partnership, message_form=form, status=400)


# --- The program's own check-in messages ------------------------------------------------------


def _render_templates(
    request: HttpRequest,
    program: Program,
    *,
    form: CheckInTemplateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        start = SUGGESTIONS_BY_KEY.get(request.GET.get("from", ""))
        form = CheckInTemplateForm(
            initial={"name": start.name, "body": start.body} if start else None
        )
    return render(
        request,
        "support/templates.html",
        {
            "program": program,
            "templates": selectors.check_in_templates_of(program=program),
            "suggestions": [c for c in selectors.message_choices(program=program) if not c.own],
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_templates(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's own check-in messages and Tandem's suggestions; add one (POST)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    if request.method != "POST":
        return _render_templates(request, program)
    form = CheckInTemplateForm(request.POST)
    template = submit(
        form,
        lambda data: services.check_in_template_add(program=program, actor=request.user, **data),
    )
    if template is not None:
        messages.success(
            request,
            _('Kept: "%(name)s" is now one of the program\'s check-in messages.')
            % {"name": template.name},
        )
        return redirect("support:templates", slug=program.slug)
    return _render_templates(request, program, form=form, status=400)


def _render_template_edit(
    request: HttpRequest,
    program: Program,
    template: CheckInTemplate,
    *,
    form: CheckInTemplateForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "support/template_edit.html",
        {"program": program, "template": template, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_template_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reword or rename one of the program's check-in messages."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    template = selectors.access_check_in_template(program=program, pk=pk)
    if request.method != "POST":
        form = CheckInTemplateForm(initial={"name": template.name, "body": template.body})
        return _render_template_edit(request, program, template, form=form)
    form = CheckInTemplateForm(request.POST)
    if submit(
        form,
        lambda data: services.check_in_template_update(
            template=template, actor=request.user, **data
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect("support:templates", slug=program.slug)
    return _render_template_edit(request, program, template, form=form, status=400)


@login_required
@require_POST
def check_in_template_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove one of the program's check-in messages."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    template = selectors.access_check_in_template(program=program, pk=pk)
    services.check_in_template_remove(template=template, actor=request.user)
    messages.success(request, _('Removed "%(name)s".') % {"name": template.name})
    return redirect("support:templates", slug=program.slug)


# --- Help requests ----------------------------------------------------------------------------


@login_required
@require_POST
def help_flag_raise(request: HttpRequest, slug: str) -> HttpResponse:
    """Raise "I need more help than a peer can give" and land on the referral resources."""
    program, membership = access_program(user=request.user, slug=slug)
    if membership.is_coordinator:
        raise NotFound()
    form = HelpFlagForm(request.POST, kinds=selectors.help_kinds_for(program=program))
    if not form.is_valid():
        messages.error(request, services.HELP_KIND_UNKNOWN)
        return redirect("dashboard:member_home", slug=slug)
    try:
        flag = services.help_flag_raise(membership=membership, kind=form.cleaned_data["kind"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dashboard:member_home", slug=slug)
    messages.success(request, MSG_HELP_RAISED.format(kind=flag.get_kind_display().lower()))
    return redirect("programs:help", slug=slug)


@login_required
@require_POST
def help_flag_handle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a member's request for help handled (who and when are kept)."""
    return _help_flag_action(
        request,
        slug,
        pk,
        lambda flag: services.help_flag_handle(flag=flag, user=request.user),
        MSG_FLAG_HANDLED,
    )


@login_required
@require_POST
def help_flag_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reopen a request for help marked handled by mistake."""
    return _help_flag_action(
        request, slug, pk, lambda flag: services.help_flag_reopen(flag=flag), MSG_FLAG_REOPENED
    )


def _help_flag_action(
    request: HttpRequest,
    slug: str,
    pk: int,
    action: Callable[[HelpFlag], object],
    done: StrOrPromise,
) -> HttpResponse:
    """Run ``action`` on one of the program's help flags (coordinators only; others 404), say
    ``done`` (with the member's name) or why not, and go back to the list."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    flag = selectors.access_help_flag_as_coordinator(program=program, pk=pk)
    try:
        action(flag)
    except DomainError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, done.format(name=member_name(flag.membership)))
    return _back_to_help_flags(request, slug)


def _back_to_help_flags(request: HttpRequest, slug: str) -> HttpResponse:
    """Redirect to the dashboard's help requests, on the page the coordinator was on."""
    url = reverse("dashboard:program", kwargs={"slug": slug})
    page = request.POST.get("flags", "")
    return redirect(f"{url}?flags={page}#help-heading" if page.isdigit() else f"{url}#help-heading")
