"""The intake pages: "tell us about your goals" and "what happens next"."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.errors import Conflict
from tandem.core.forms import add_domain_error
from tandem.core.zones import zone_names_offered
from tandem.interchange.members_csv import Slot
from tandem.programs.forms.intake import IntakeForm, intake_initial
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.selectors.intake import access_intake, profile_for, tag_suggestions
from tandem.programs.services.intake import IntakeInvalid, intake_read_only_reason, profile_submit

MSG_SAVED = _("Thank you: your intake is saved and you are ready for matching.")
SUGGEST_FIELDS = {"themes": Tag.Kind.THEME, "offers": Tag.Kind.SKILL, "wants": Tag.Kind.SKILL}


@dataclass(frozen=True)
class DayFree:
    day: str
    ranges: str


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def availability_by_day(profile: Profile) -> list[DayFree]:
    """Return the profile's free time as one line per day, for people to read."""
    by_day: dict[int, list[str]] = {}
    for item in profile.availability:
        slot = Slot(*item)
        by_day.setdefault(slot.day, []).append(f"{_hhmm(slot.start)}-{_hhmm(slot.end)}")
    return [
        DayFree(str(WEEKDAYS_ABBR[day]), ", ".join(ranges))
        for day, ranges in sorted(by_day.items())
    ]


def _access(request: HttpRequest, slug: str) -> tuple[Program, Membership]:
    return access_intake(user=request.user, slug=slug)


def _suggest_url(program: Program) -> str:
    return reverse("programs:intake_suggest", kwargs={"slug": program.slug})


def _summary_context(profile: Profile | None) -> dict[str, object]:
    if profile is None:
        return {"profile": None}
    return {"profile": profile, "availability_days": availability_by_day(profile)}


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, slug: str) -> HttpResponse:
    """Show and save the member's intake; read-only once matching has happened."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    program, membership = _access(request, slug)
    profile = profile_for(membership=membership)
    reason = intake_read_only_reason(membership=membership)
    if reason is None and request.method == "POST":
        form = IntakeForm(
            request.POST, suggest_url=_suggest_url(program), own_email=request.user.email
        )
        if form.is_valid():
            try:
                profile_submit(membership=membership, data=form.to_data())
            except IntakeInvalid as exc:
                add_domain_error(form, exc)
            except Conflict as exc:
                reason = exc.message
            else:
                messages.success(request, MSG_SAVED)
                return redirect("programs:next_steps", slug=program.slug)
    else:
        form = IntakeForm(
            initial=intake_initial(profile=profile, user=request.user),
            suggest_url=_suggest_url(program),
        )
    context = {
        "program": program,
        "membership": membership,
        "form": form,
        "read_only_reason": reason,
        "time_zones": zone_names_offered(),
        **_summary_context(profile),
    }
    status = 409 if reason and request.method == "POST" else 200
    return render(request, "programs/intake.html", context, status=status)


@require_GET
def intake_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    """Return suggestions of the program's tags for the tag box being typed in (htmx)."""
    program, _ = _access(request, slug)
    field = request.GET.get("field", "")
    kind = SUGGEST_FIELDS.get(field)
    if kind is None:
        raise Http404
    tags = tag_suggestions(program=program, kind=kind, typed=request.GET.get(field, ""))
    return render(
        request, "programs/intake_suggestions.html", {"tags": tags, "target": f"id_{field}"}
    )


@require_GET
def next_steps(request: HttpRequest, slug: str) -> HttpResponse:
    """Tell the member what Tandem does now, with a summary of what they told us."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    program, membership = _access(request, slug)
    profile = profile_for(membership=membership)
    if profile is None or profile.submitted_at is None:
        return redirect("programs:intake", slug=program.slug)
    context = {
        "program": program,
        "membership": membership,
        "read_only_reason": intake_read_only_reason(membership=membership),
        **_summary_context(profile),
    }
    return render(request, "programs/next_steps.html", context)
