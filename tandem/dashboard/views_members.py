"""A coordinator's page about one member: status, intake answers, partnership history, and
changing their status, pausing them or removing them from the program.

Coordinators of the program only; everyone else gets 404. Linked from each roster row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.dashboard.forms import MemberRemoveForm, MemberStatusForm
from tandem.dashboard.selectors_members import access_member_as_coordinator, member_page
from tandem.partnerships.services.coordinator import membership_remove, membership_status_set
from tandem.programs.models import Membership, Program
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program_as_coordinator
from tandem.programs.views.intake import availability_by_day

MSG_STATUS_SET = gettext_noop("{name} is now “{status}”.")
MSG_REMOVED = gettext_noop("{name} has left the program.")
MSG_REMOVED_PARTNERSHIP = gettext_noop(
    "{name} has left the program; their partnership ended and their partners were told by email."
)


def _render(
    request: HttpRequest,
    program: Program,
    membership: Membership,
    *,
    status_form: MemberStatusForm | None = None,
    remove_form: MemberRemoveForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = member_page(membership=membership)
    until = membership.cooling_off_until
    return render(
        request,
        "dashboard/member.html",
        {
            "program": program,
            "page": page,
            "profile": page.profile,
            "availability_days": availability_by_day(page.profile) if page.profile else [],
            "status_form": status_form or MemberStatusForm(),
            "remove_form": remove_form or MemberRemoveForm(),
            "errors": errors or [],
            "cooling_off_until": until if until is not None and until > clock.now() else None,
        },
        status=status,
    )


def _member(request: HttpRequest, slug: str, pk: int) -> tuple[Program, Membership]:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return program, access_member_as_coordinator(program=program, pk=pk)


@login_required
def member_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show one member's status, intake answers and partnerships (never their content)."""
    program, membership = _member(request, slug, pk)
    return _render(request, program, membership)


@login_required
@require_POST
def member_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Set the member's status (filling the intake, ready, paused); audited."""
    program, membership = _member(request, slug, pk)
    form = MemberStatusForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _render(request, program, membership, status_form=form, errors=errors, status=400)
    try:
        membership = membership_status_set(
            program=program,
            membership_id=membership.pk,
            status=form.cleaned_data["status"],
            actor=request.user,
        )
    except (ValidationFailed, Conflict) as exc:
        return _render(
            request,
            program,
            membership,
            status_form=form,
            errors=[exc.message],
            status=exc.status_code,
        )
    name = member_name(membership)
    messages.success(
        request,
        _(MSG_STATUS_SET).format(name=name, status=membership.get_status_display().lower()),
    )
    return redirect("dashboard:member_detail", slug=slug, pk=membership.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove the member from the program, ending their live partnership; audited."""
    program, membership = _member(request, slug, pk)
    form = MemberRemoveForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _render(request, program, membership, remove_form=form, errors=errors, status=400)
    had_partnership = member_page(membership=membership).live_partnership is not None
    try:
        membership = membership_remove(
            program=program,
            membership_id=membership.pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except (ValidationFailed, Conflict) as exc:
        return _render(
            request,
            program,
            membership,
            remove_form=form,
            errors=[exc.message],
            status=exc.status_code,
        )
    name = member_name(membership)
    done = MSG_REMOVED_PARTNERSHIP if had_partnership else MSG_REMOVED
    messages.success(request, _(done).format(name=name))
    return redirect("dashboard:member_detail", slug=slug, pk=membership.pk)
