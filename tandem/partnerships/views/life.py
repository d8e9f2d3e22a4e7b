"""The life of a partnership: pause, resume, end, ask for a new match (partners), and the
coordinator's queue of requests for a new match."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.partnerships.forms import EndForm, PauseForm
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.life import (
    partnership_ending_list,
    partnership_event_list,
    rematch_request_list,
    rematch_request_open_for,
)
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.partnerships.services.life import (
    partnership_end,
    partnership_pause,
    partnership_resume,
    rematch_request_create,
    rematch_request_handle,
)
from tandem.programs import selectors as program_selectors

PAUSED = "The partnership is paused. Your partners have been told by email."
RESUMED = "The partnership is running again. Your partners have been told by email."
ENDED = "The partnership has ended. You can be matched again; your partners have been told."
REMATCH_ASKED = "Your coordinator has your request for a new match."
REQUEST_HANDLED = "Marked handled."


def _seat(request: HttpRequest, pk: int) -> tuple[Partnership, PartnershipMember]:
    return access_partnership_seat(user=request.user, pk=pk)


def _page(
    request: HttpRequest,
    partnership: Partnership,
    seat: PartnershipMember,
    *,
    pause_form: PauseForm | None = None,
    end_form: EndForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/life.html",
        {
            "partnership": partnership,
            "program": partnership.program,
            "seat": seat,
            "events": partnership_event_list(partnership=partnership),
            "open_request": rematch_request_open_for(seat=seat),
            "pause_form": pause_form or PauseForm(),
            "end_form": end_form or EndForm(),
            "error": error,
            "can_change": seat.active and partnership.status != Partnership.Status.ENDED,
        },
        status=status,
    )


def life_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the partnership's status, its history, and the pause/resume/end/new-match forms."""
    partnership, seat = _seat(request, pk)
    return _page(request, partnership, seat)


def life_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the partnership's status line for the partnership page (an htmx fragment)."""
    partnership, seat = _seat(request, pk)
    return render(
        request,
        "partnerships/life_summary.html",
        {"partnership": partnership, "open_request": rematch_request_open_for(seat=seat)},
    )


@require_POST
def life_pause(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = _seat(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _page(request, partnership, seat, pause_form=form, status=400)
    try:
        partnership_pause(
            partnership=partnership, user=request.user, reason=form.cleaned_data["reason"]
        )
    except (Conflict, ValidationFailed) as exc:
        return _page(
            request, partnership, seat, pause_form=form, error=exc.message, status=exc.status_code
        )
    messages.success(request, PAUSED)
    return redirect("partnerships:life", pk=partnership.pk)


@require_POST
def life_resume(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = _seat(request, pk)
    try:
        partnership_resume(partnership=partnership, user=request.user)
    except Conflict as exc:
        return _page(request, partnership, seat, error=exc.message, status=exc.status_code)
    messages.success(request, RESUMED)
    return redirect("partnerships:life", pk=partnership.pk)


@require_POST
def life_end(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = _seat(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _page(request, partnership, seat, end_form=form, status=400)
    try:
        partnership_end(
            partnership=partnership,
            user=request.user,
            end_reason=form.cleaned_data["end_reason"],
            details=form.cleaned_data["details"],
            feedback=form.cleaned_data["feedback"],
        )
    except (Conflict, ValidationFailed) as exc:
        return _page(
            request, partnership, seat, end_form=form, error=exc.message, status=exc.status_code
        )
    messages.success(request, ENDED)
    return redirect("partnerships:life", pk=partnership.pk)


@require_POST
def life_rematch(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = _seat(request, pk)
    try:
        rematch_request_create(partnership=partnership, user=request.user)
    except Conflict as exc:
        return _page(request, partnership, seat, error=exc.message, status=exc.status_code)
    messages.success(request, REMATCH_ASKED)
    return redirect("partnerships:life", pk=partnership.pk)


def rematch_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's queue: who asked for a new match and when, and how partnerships ended.

    Never shows meeting content, notes, messages or ground rules.
    """
    program = program_selectors.access_program_as_coordinator(user=request.user, slug=slug)
    return render(
        request,
        "partnerships/life_requests.html",
        {
            "program": program,
            "requests": rematch_request_list(program=program),
            "endings": partnership_ending_list(program=program),
        },
    )


@require_POST
def rematch_handle(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    try:
        program = program_selectors.access_program_as_coordinator(user=request.user, slug=slug)
        rematch_request_handle(program=program, request_id=request_id, actor=request.user)
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, REQUEST_HANDLED)
    return redirect("partnerships:rematch_queue", slug=slug)
