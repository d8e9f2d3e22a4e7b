"""The member home and the coordinator dashboard of one program, and the figures as CSV."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from tandem.dashboard import cockpit as cockpits
from tandem.dashboard import (
    navigation,
    selectors,
    selectors_first_month,
    selectors_outcomes,
    services,
)
from tandem.goals.forms import PulseForm
from tandem.meetings.selectors.schedule import series_open_for
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.selectors import (
    access_program,
    access_program_as_coordinator,
    program_list_public,
)
from tandem.programs.selectors import program as program_selectors
from tandem.support import selectors as support_selectors
from tandem.support.forms import HelpFlagForm


def home(request: HttpRequest) -> HttpResponse:
    """Show everyone the open programs, and a signed-in person their own programs once each:
    their role, a matched member's partner, a coordinator's cockpit."""
    places = navigation.places_for(user=request.user)
    mine = {place.program.pk for place in places}
    public = [program for program in program_list_public() if program.pk not in mine]
    return render(request, "core/home.html", {"places": places, "public_programs": public})


@login_required
def member_home(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a member their home in the program: partner, next meeting, what is due and waiting,
    the intake while unfinished, and the program's dates, guidebook and worksheets."""
    program, membership = access_program(user=request.user, slug=slug)
    if membership.is_coordinator:
        return redirect("dashboard:cockpit", slug=slug)
    home = selectors.member_home(membership=membership)
    documents = list(program_selectors.document_list(program=program))
    # A slot proposal waiting in the member's partnership (once no meeting is booked yet).
    proposals = [
        row
        for row in series_open_for(user=request.user)
        if home.partnership and row.series.partnership_id == home.partnership.pk
    ]
    return render(
        request,
        "dashboard/member_home.html",
        {
            "program": program,
            "home": home,
            "pulse_form": PulseForm(),
            "proposals": proposals,
            "help_form": HelpFlagForm(kinds=home.help_kinds),
            "guidebook": [d for d in documents if d.kind == d.Kind.GUIDEBOOK],
            "worksheets": [d for d in documents if d.kind == d.Kind.WORKSHEET],
            "coordinator_names": [
                c.user.name or c.user.email
                for c in program_selectors.coordinator_list(program=program)
            ],
        },
    )


@login_required
def cockpit(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a program's coordinators where it stands, the next step and every page of theirs."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return render(
        request,
        "dashboard/cockpit.html",
        {"program": program, "cockpit": cockpits.cockpit_for(program=program)},
    )


@login_required
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a program's coordinators how it is going, in figures (never any content)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    figures = selectors.program_figures(program=program)
    return render(
        request,
        "dashboard/program.html",
        {
            "program": program,
            "figures": figures,
            "charts": figures.charts,
            "outcomes": selectors_outcomes.outcomes_by_cohort(program=program, user=request.user),
            "min_group": selectors_outcomes.MIN_GROUP,
            "help_page": support_selectors.help_flag_page(
                program=program, number=request.GET.get("flags"), total=figures.help_flags_total
            ),
        },
    )


@login_required
@require_POST
def stalled_nudge(request: HttpRequest, slug: str) -> HttpResponse:
    """Nudge every stalled partnership in one click (once a week each)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    result = services.stalled_nudge_send(program=program, user=request.user)
    if result.sent:
        text = ngettext(
            "Nudged %(n)d stalled partnership: the partners get an email.",
            "Nudged %(n)d stalled partnerships: the partners get an email.",
            result.sent,
        ) % {"n": result.sent}
        if result.skipped:
            text += " " + ngettext(
                "%(n)d already had a nudge in the last week.",
                "%(n)d already had a nudge in the last week.",
                result.skipped,
            ) % {"n": result.skipped}
        messages.success(request, text)
    elif result.skipped:
        messages.info(request, gettext(services.ALL_NUDGED))
    else:
        messages.info(request, gettext(services.NOTHING_STALLED))
    return redirect("dashboard:program", slug=slug)


@login_required
def figures_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the dashboard's figures as a CSV file (recorded in the audit log)."""
    return _csv_download(request, slug, services.figures_export, name="figures")


@login_required
def evaluation_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the program's outcomes by cohort as CSV, small groups withheld (audited)."""
    return _csv_download(request, slug, services.evaluation_export, name="evaluation")


def _csv_download(
    request: HttpRequest, slug: str, export: Callable[..., str], *, name: str
) -> HttpResponse:
    """Answer a coordinator with a private CSV download of ``export``'s text for the program."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    text = export(program=program, user=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def first_month(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a partner the partnership's first month: kick-off, meetings in their own time,
    the first worksheet, how turns go and what to prepare (partners only; others get 404).
    Linked from the partnership page and the member home, and from the introduction email."""
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    preview = selectors_first_month.first_month_preview(partnership=partnership, seat=seat)
    return render(
        request,
        "dashboard/first_month.html",
        {"program": partnership.program, "partnership": partnership, "month": preview},
    )
