"""Closing well: the closing page of an ended partnership (the closing-meeting guide, the exit
survey, staying in touch, the next cohort) and the program's alumni list."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.forms import add_domain_error
from tandem.partnerships.forms import ClosingChoiceForm, ExitSurveyForm
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.closing import access_alumni, closing_overview
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.partnerships.services.closing import (
    closing_choice_set,
    exit_survey_answer,
    next_cohort_join,
)

SURVEY_SAVED = _(
    "Thank you: your answers are saved. They are yours; your coordinator sees only counts."
)
CHOICES_SAVED = _("Your choices are saved.")


def _page(
    request: HttpRequest,
    partnership: Partnership,
    seat: PartnershipMember,
    *,
    survey_form: ExitSurveyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    closing = closing_overview(partnership=partnership, seat=seat)
    return render(
        request,
        "partnerships/closing.html",
        {
            "closing": closing,
            "partnership": partnership,
            "program": partnership.program,
            "survey_form": survey_form or ExitSurveyForm(),
            "choice_form": ClosingChoiceForm(
                initial={
                    "stay_in_touch": closing.stay_in_touch,
                    "alumni_listed": closing.alumni_listed,
                }
            ),
            "error": error,
        },
        status=status,
    )


def closing_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an ended partnership's closing page to one of its partners (linked from the member
    home, the partnership page and the ending email); before the end it says so."""
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    return _page(request, partnership, seat)


@require_POST
def closing_survey(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    form = ExitSurveyForm(request.POST)
    if not form.is_valid():
        return _page(request, partnership, seat, survey_form=form, status=400)
    try:
        exit_survey_answer(partnership=partnership, user=request.user, **form.cleaned_data)
    except ValidationFailed as exc:
        add_domain_error(form, exc)
        return _page(request, partnership, seat, survey_form=form, status=400)
    except Conflict as exc:
        return _page(request, partnership, seat, error=exc.message, status=exc.status_code)
    messages.success(request, SURVEY_SAVED)
    return redirect("partnerships:closing", pk=partnership.pk)


@require_POST
def closing_choice(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    form = ClosingChoiceForm(request.POST)
    form.is_valid()  # two checkboxes: nothing can be invalid
    try:
        closing_choice_set(
            partnership=partnership,
            user=request.user,
            stay_in_touch=bool(form.cleaned_data.get("stay_in_touch")),
            alumni_listed=bool(form.cleaned_data.get("alumni_listed")),
        )
    except Conflict as exc:
        return _page(request, partnership, seat, error=exc.message, status=exc.status_code)
    messages.success(request, CHOICES_SAVED)
    return redirect("partnerships:closing", pk=partnership.pk)


@require_POST
def closing_next_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    try:
        _cohort, answer = next_cohort_join(partnership=partnership, user=request.user)
    except (Conflict, ValidationFailed) as exc:
        return _page(request, partnership, seat, error=exc.message, status=exc.status_code)
    messages.success(request, answer)
    return redirect("partnerships:closing", pk=partnership.pk)


def alumni_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's alumni: members who chose to be listed, name and email only (members of
    the program only; linked from the member home and every closing page)."""
    alumni = access_alumni(user=request.user, slug=slug)
    return render(
        request, "partnerships/alumni.html", {"alumni": alumni, "program": alumni.program}
    )
