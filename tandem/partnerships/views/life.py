"""The life of a partnership: pause, resume, end, ask for a new match (partners), and the
coordinator's queue of requests for a new match."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.partnerships.forms import EndForm, PauseForm
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.closing import exit_survey_summary
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

PAUSED = gettext_noop("The partnership is paused. Your partners have been told by email.")
RESUMED = gettext_noop("The partnership is running again. Your partners have been told by email.")
ENDED = gettext_noop(
    "The partnership has ended. You can be matched again; your partners have been told."
)
REMATCH_ASKED = gettext_noop("Your coordinator has your request for a new match.")
REQUEST_HANDLED = gettext_noop("Marked handled.")


def _seat(request: HttpRequest, pk: int) -> tuple[Partnership, PartnershipMember]:
    return access_partnership_seat(user=request.user, pk=pk)


def _page(
    request: HttpRequest,
    partnership: Partnership,
    seat: PartnershipMember,
    *,
    form: PauseForm | EndForm | None = None,
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
            "pause_form": form if isinstance(form, PauseForm) else PauseForm(),
            "end_form": form if isinstance(form, EndForm) else EndForm(),
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


def _life_action(
    service: Callable[..., object],
    message: str,
    form_class: type[PauseForm | EndForm] | None = None,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """Return the view that runs ``service(partnership=, user=, **form data)`` for a partner.

    An invalid form or a refusal shows the life page again with it; success says ``message``
    and goes back to that page.
    """

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        partnership, seat = _seat(request, pk)
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            return _page(request, partnership, seat, form=form, status=400)
        data = form.cleaned_data if form is not None else {}
        try:
            service(partnership=partnership, user=request.user, **data)
        except (Conflict, ValidationFailed) as exc:
            return _page(
                request, partnership, seat, form=form, error=exc.message, status=exc.status_code
            )
        messages.success(request, gettext(message))
        return redirect("partnerships:life", pk=partnership.pk)

    return view


life_pause = _life_action(partnership_pause, PAUSED, PauseForm)
life_resume = _life_action(partnership_resume, RESUMED)
life_end = _life_action(partnership_end, ENDED, EndForm)
life_rematch = _life_action(rematch_request_create, REMATCH_ASKED)


def rematch_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's queue: who asked for a new match and when, and how partnerships ended.

    Never shows meeting content, notes, messages, ground rules or exit-survey text.
    """
    program = program_selectors.access_program_as_coordinator(user=request.user, slug=slug)
    return render(
        request,
        "partnerships/life_requests.html",
        {
            "program": program,
            "requests": rematch_request_list(program=program),
            "endings": partnership_ending_list(program=program),
            "exit_survey": exit_survey_summary(program=program),
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
        messages.success(request, gettext(REQUEST_HANDLED))
    return redirect("partnerships:rematch_queue", slug=slug)
