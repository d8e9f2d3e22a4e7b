"""The ground-rules pages: read, propose or edit (a new version), accept; partners only."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.forms import add_domain_error
from tandem.partnerships.forms import AgreementAcceptForm, AgreementForm
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import (
    AgreementOverview,
    agreement_default_content,
    agreement_overview,
)
from tandem.partnerships.selectors.life import partnership_active_seats
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.partnerships.services.agreement import (
    agreement_accept,
    agreement_content_of,
    agreement_propose,
)

SAVED = gettext_noop("Saved as version {number}. Your partners see it now; each of you accepts it.")
ACCEPTED = gettext_noop("You accepted version {number}.")
AGREED = gettext_noop("Everyone accepted version {number}: your ground rules are agreed.")
STILL_GOOD = gettext_noop("Thanks: you said version {number} is still good.")


def _seat(request: HttpRequest, pk: int) -> tuple[Partnership, PartnershipMember]:
    return access_partnership_seat(user=request.user, pk=pk)


def _page(
    request: HttpRequest,
    partnership: Partnership,
    seat: PartnershipMember,
    *,
    accept_form: AgreementAcceptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = agreement_overview(partnership=partnership, seat=seat, today=clock.today())
    if accept_form is None and overview.current is not None:
        accept_form = AgreementAcceptForm(initial={"number": overview.current.version.number})
    return render(
        request,
        "partnerships/agreement.html",
        {
            "partnership": partnership,
            "program": partnership.program,
            "seat": seat,
            "overview": overview,
            "accept_form": accept_form,
            "can_change": seat.active and partnership.status != Partnership.Status.ENDED,
        },
        status=status,
    )


def agreement_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the current ground rules, who accepted them, the review and the history."""
    partnership, seat = _seat(request, pk)
    return _page(request, partnership, seat)


def agreement_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the ground rules' status for the partnership page (an htmx fragment)."""
    partnership, seat = _seat(request, pk)
    overview = agreement_overview(partnership=partnership, seat=seat, today=clock.today())
    return render(
        request,
        "partnerships/agreement_summary.html",
        {"partnership": partnership, "overview": overview},
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose the ground rules, or edit them into a new version."""
    partnership, seat = _seat(request, pk)
    if not seat.active or partnership.status == Partnership.Status.ENDED:
        raise Http404
    overview: AgreementOverview = agreement_overview(
        partnership=partnership, seat=seat, today=clock.today()
    )
    current = overview.current.version if overview.current else None
    initial_content = (
        agreement_content_of(current)
        if current
        else agreement_default_content(partnership=partnership)
    )
    seats = partnership_active_seats(partnership=partnership)
    context: dict[str, Any] = {
        "partnership": partnership,
        "program": partnership.program,
        "overview": overview,
    }
    status = 200
    if request.method == "POST":
        form = AgreementForm(request.POST, seats=seats, initial_content=initial_content)
        if form.is_valid():
            try:
                version = agreement_propose(
                    partnership=partnership,
                    user=request.user,
                    content=form.content(),
                    base_number=form.cleaned_data.get("base_number"),
                )
            except Conflict as exc:
                # Show the newer version and keep the typed text; saving again is deliberate.
                overview = agreement_overview(
                    partnership=partnership, seat=seat, today=clock.today()
                )
                context["overview"] = overview
                newest = overview.current.version if overview.current else None
                data = request.POST.copy()
                data["base_number"] = str(newest.number) if newest else ""
                form = AgreementForm(data, seats=seats, initial_content=initial_content)
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except ValidationFailed as exc:
                add_domain_error(form, exc)
                status = 400
            else:
                messages.success(request, gettext(SAVED).format(number=version.number))
                return redirect("partnerships:agreement", pk=partnership.pk)
        else:
            status = 400
    else:
        form = AgreementForm(
            seats=seats,
            initial_content=initial_content,
            initial={
                "base_number": current.number if current else None,
                "cadence_weeks": initial_content.cadence_weeks,
                "meeting_minutes": initial_content.meeting_minutes,
                "channel": initial_content.channel,
                "where": initial_content.where,
                "incentive": initial_content.incentive,
            },
        )
    context["form"] = form
    return render(request, "partnerships/agreement_edit.html", context, status=status)


@require_POST
def agreement_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the current version (or say it is still good at the mid-point review)."""
    partnership, seat = _seat(request, pk)
    form = AgreementAcceptForm(request.POST)
    if not form.is_valid():
        return _page(request, partnership, seat, accept_form=form, status=400)
    number = form.cleaned_data["number"]
    try:
        acceptance = agreement_accept(
            partnership=partnership, user=request.user, number=number, promise=True
        )
    except (Conflict, ValidationFailed) as exc:
        form.add_error(None, exc.message)
        return _page(request, partnership, seat, accept_form=form, status=exc.status_code)
    version = acceptance.version
    if acceptance.confirmed_at != acceptance.accepted_at:
        messages.success(request, gettext(STILL_GOOD).format(number=number))
    elif version.agreed_at is not None and version.agreed_at == acceptance.accepted_at:
        messages.success(request, gettext(AGREED).format(number=number))
    else:
        messages.success(request, gettext(ACCEPTED).format(number=number))
    return redirect("partnerships:agreement", pk=partnership.pk)
