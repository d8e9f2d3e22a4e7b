"""The coordinator's list of a program's partnerships with their health, and ending one.

Coordinators of the program only; everyone else gets 404 (as for a program that does not
exist). Linked from the program dashboard.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.dashboard.forms import CoordinatorEndForm, ReassignForm
from tandem.dashboard.selectors_partnerships import (
    HEALTH_FILTERS,
    QUIET_WEEKS,
    STATE_FILTERS,
    PartnershipHealth,
    partnership_health_page,
)
from tandem.matching.selectors_hand import hand_pool, hand_size_range
from tandem.matching.services_hand import partnership_reassign
from tandem.partnerships.services.coordinator import partnership_end_by_coordinator
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator

MSG_UNKNOWN_FILTER = gettext_noop(
    "Unknown filter “{value}”: showing every partnership. Pick one of the filters."
)
MSG_ENDED = gettext_noop("The partnership has ended; its partners have been told by email.")
MSG_REASSIGNED = gettext_noop(
    "Reassigned: the old partnership has ended and the new one is made; everyone is told by email."
)
MSG_BAD_PICK = gettext_noop("Pick the new partners from the list.")


def _row_auto_id(form: str, pk: int) -> str:
    # Every row has its own forms: keep their element ids (and labels' for=) apart.
    return f"{form}-{pk}-%s"


@dataclass(frozen=True)
class PartnershipRow:
    """A row of the list: the partnership's health and its own end and reassign forms."""

    item: PartnershipHealth
    end_form: CoordinatorEndForm
    end_open: bool
    reassign_form: ReassignForm
    reassign_open: bool


def _rows(
    items: list[PartnershipHealth],
    form: CoordinatorEndForm | ReassignForm | None,
    form_for: int | None,
) -> list[PartnershipRow]:
    """Give each row fresh forms, except the bound ``form`` (with its errors) on row ``form_for``."""
    rows = []
    for item in items:
        pk = item.partnership.pk
        end_form = CoordinatorEndForm(auto_id=_row_auto_id("end", pk))
        reassign_form = ReassignForm(auto_id=_row_auto_id("reassign", pk))
        bound = form if pk == form_for else None
        # A ReassignForm is a CoordinatorEndForm too: test for it first.
        if isinstance(bound, ReassignForm):
            reassign_form = bound
        elif isinstance(bound, CoordinatorEndForm):
            end_form = bound
        rows.append(
            PartnershipRow(
                item=item,
                end_form=end_form,
                end_open=end_form is bound,
                reassign_form=reassign_form,
                reassign_open=reassign_form is bound,
            )
        )
    return rows


def _filters(request: HttpRequest) -> tuple[str | None, str | None, list[str]]:
    state = request.GET.get("state") or None
    health = request.GET.get("health") or None
    errors = []
    if state is not None and state not in STATE_FILTERS:
        errors.append(_(MSG_UNKNOWN_FILTER).format(value=state))
        state = None
    if health is not None and health not in HEALTH_FILTERS:
        errors.append(_(MSG_UNKNOWN_FILTER).format(value=health))
        health = None
    return state, health, errors


def _list_url(slug: str, *, state: str | None, health: str | None) -> str:
    query = urlencode({k: v for k, v in (("state", state), ("health", health)) if v})
    url = reverse("dashboard:partnership_list", kwargs={"slug": slug})
    return f"{url}?{query}" if query else url


def _render(
    request: HttpRequest,
    program: Program,
    *,
    errors: list[str],
    form: CoordinatorEndForm | ReassignForm | None = None,
    form_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the list as filtered; ``form`` (to end or reassign) shows open on row ``form_for``."""
    state, health, _errors = _filters(request)
    page, items = partnership_health_page(
        program=program, state=state, health=health, page=request.GET.get("page")
    )
    return render(
        request,
        "dashboard/partnerships.html",
        {
            "program": program,
            "page": page,
            "rows": _rows(items, form, form_for),
            "state": state,
            "health": health,
            "states": [(k, v.label) for k, v in STATE_FILTERS.items()],
            "healths": list(HEALTH_FILTERS.items()),
            "quiet_weeks": QUIET_WEEKS,
            "errors": errors,
            "pool": hand_pool(program=program),
            "group_more": hand_size_range(program=program)[1] > 2,
            "query": urlencode({k: v for k, v in (("state", state), ("health", health)) if v}),
        },
        status=status,
    )


@login_required
def partnership_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's partnerships with their health, filterable, 25 a page."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    errors = _filters(request)[2]
    return _render(request, program, errors=errors, status=400 if errors else 200)


def _partnership_act(
    request: HttpRequest,
    program: Program,
    pk: int,
    form: CoordinatorEndForm | ReassignForm,
    action: Callable[[], object],
    message: str,
    errors: list[str],
) -> HttpResponse:
    """Run ``action`` on partnership ``pk`` once there are no ``errors`` and ``form`` is valid.

    Otherwise, or when it fails, the list shows again with the errors and the form open on
    that row; the list's filters are kept either way.
    """
    state, health, _errors = _filters(request)
    if not form.is_valid():
        errors = errors + [str(e) for field_errors in form.errors.values() for e in field_errors]
    status = 400
    if not errors:
        try:
            action()
        except (ValidationFailed, Conflict) as exc:
            errors, status = [exc.message], exc.status_code
        else:
            messages.success(request, message)
            return redirect(_list_url(program.slug, state=state, health=health))
    return _render(request, program, errors=errors, form=form, form_for=pk, status=status)


@login_required
@require_POST
def partnership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """End a partnership for its partners, with the coordinator's reason (audited)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = CoordinatorEndForm(request.POST, auto_id=_row_auto_id("end", pk))
    return _partnership_act(
        request,
        program,
        pk,
        form,
        lambda: partnership_end_by_coordinator(
            program=program,
            partnership_id=pk,
            actor=request.user,
            end_reason=form.cleaned_data["end_reason"],
            reason=form.cleaned_data["reason"],
        ),
        _(MSG_ENDED),
        errors=[],
    )


@login_required
@require_POST
def partnership_reassign_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move one partner into a new pairing (the old partnership ends); audited, emails queued."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    form = ReassignForm(request.POST, auto_id=_row_auto_id("reassign", pk))
    errors = []
    try:
        partners = [int(v) for v in request.POST.getlist("partners")]
    except ValueError:
        partners = []
        errors.append(_(MSG_BAD_PICK))
    return _partnership_act(
        request,
        program,
        pk,
        form,
        lambda: partnership_reassign(
            program=program,
            partnership_id=pk,
            membership_id=form.cleaned_data["membership"],
            partner_ids=partners,
            actor=request.user,
            end_reason=form.cleaned_data["end_reason"],
            reason=form.cleaned_data["reason"],
        ),
        _(MSG_REASSIGNED),
        errors=errors,
    )
