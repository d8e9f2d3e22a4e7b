"""The waitlist pages: sign up, confirm, unsubscribe, and the coordinator's list with "Open the doors"."""

from typing import Any

from allauth.core.internal.httpkit import get_client_ip
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.forms import add_domain_error
from tandem.core.htmx import is_htmx
from tandem.programs import selectors
from tandem.programs.forms.waitlist import WaitlistSignupForm
from tandem.programs.models import Program, WaitlistEntry
from tandem.programs.selectors.waitlist import (
    waitlist_counts,
    waitlist_entry_get_by_confirm_token,
    waitlist_entry_get_by_unsubscribe_token,
    waitlist_entry_list,
)
from tandem.programs.services.waitlist import (
    WAITLIST_SIGNUP_ANSWER,
    TooManyRequests,
    waitlist_confirm,
    waitlist_doors_refusal,
    waitlist_open_doors,
    waitlist_signup,
    waitlist_signup_throttle,
    waitlist_unsubscribe,
)

WAITLIST_PAGE_SIZE = 50
DOORS_OPENED_MESSAGE = gettext_noop("The doors are open: {count} {noun} on the way.")
DOORS_OPENED_NONE = gettext_noop(
    "The doors are open. Nobody new was waiting, so no invitations were sent."
)


def _public_program(slug: str) -> Program:
    return selectors.access_program_public(slug=slug)


def _coordinated_program(request: HttpRequest, slug: str) -> Program:
    return selectors.access_program_as_coordinator(user=request.user, slug=slug)


def client_ip_address(request: HttpRequest) -> str:
    """Return the visitor's IP address, trusting proxies as allauth's sign-in limits do."""
    try:
        ip = get_client_ip(request)
    except ImproperlyConfigured:  # a proxy-count mismatch must not break signing up
        ip = request.META.get("REMOTE_ADDR")
    return ip or "unknown"


@require_http_methods(["GET", "POST"])
def waitlist_signup_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Put an address on the waitlist; htmx swaps the form, a plain post gets a full page."""
    program = _public_program(slug)
    from_htmx = is_htmx(request)
    context: dict[str, Any] = {
        "program": program,
        "membership": selectors.membership_get(user=request.user, program=program),
    }
    status = 200
    form = WaitlistSignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                waitlist_signup_throttle(ip_address=client_ip_address(request))
                waitlist_signup(program=program, email=form.cleaned_data["email"])
            except TooManyRequests as exc:
                form.add_error(None, exc.message)
                status = 429
            except ValidationFailed as exc:
                add_domain_error(form, exc)
                status = 400
            else:
                context["answer"] = gettext(WAITLIST_SIGNUP_ANSWER)
        else:
            status = 400
    context["form"] = form
    if from_htmx:
        # htmx swaps only 2xx answers; the fragment carries the error itself.
        return render(request, "programs/waitlist_signup.html", context)
    return render(request, "programs/waitlist_signup_page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def waitlist_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for one click (link scanners only GET), then confirm the place and say thanks."""
    entry = waitlist_entry_get_by_confirm_token(token=token)
    if request.method == "POST":
        entry = waitlist_confirm(entry=entry)
        return render(request, "programs/waitlist_confirmed.html", {"entry": entry})
    done = entry.status not in {WaitlistEntry.Status.PENDING, WaitlistEntry.Status.UNSUBSCRIBED}
    if done:
        return render(request, "programs/waitlist_confirmed.html", {"entry": entry})
    return render(request, "programs/waitlist_confirm.html", {"entry": entry})


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST; the token is the secret.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def waitlist_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Show an "Unsubscribe" button; the POST takes the address off the waitlist."""
    entry = waitlist_entry_get_by_unsubscribe_token(token=token)
    if request.method == "POST":
        entry = waitlist_unsubscribe(entry=entry)
        return render(request, "programs/waitlist_unsubscribed.html", {"entry": entry})
    return render(request, "programs/waitlist_unsubscribe.html", {"entry": entry})


def waitlist_manage_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the coordinator the waitlist, with counts and the "Open the doors" button."""
    program = _coordinated_program(request, slug)
    page = Paginator(waitlist_entry_list(program=program), WAITLIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = waitlist_counts(program=program)
    refusal = waitlist_doors_refusal(program=program, confirmed=counts["confirmed"])
    context = {
        "program": program,
        "page": page,
        "counts": counts,
        "doors_refusal": gettext(refusal) if refusal else None,
    }
    return render(request, "programs/waitlist_manage.html", context)


@require_POST
def waitlist_open_doors_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite every confirmed entry not yet invited."""
    program = _coordinated_program(request, slug)
    try:
        count = waitlist_open_doors(program=program, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        noun = ngettext("invitation is", "invitations are", count)
        text = (
            gettext(DOORS_OPENED_MESSAGE).format(count=count, noun=noun)
            if count
            else gettext(DOORS_OPENED_NONE)
        )
        messages.success(request, text)
    return redirect("programs:waitlist_manage", slug=program.slug)
