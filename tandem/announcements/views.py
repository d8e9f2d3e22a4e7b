"""Coordinator pages: write an announcement (preview the count, then send), the past
announcements, the intake reminder button; and the member's unsubscribe page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tandem.announcements import selectors, services, tasks
from tandem.announcements.forms import AnnouncementForm
from tandem.core.errors import Conflict
from tandem.core.forms import add_domain_error
from tandem.core.markdown import markdown_to_html
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator


def _coordinated(request: HttpRequest, slug: str) -> Program:
    return access_program_as_coordinator(user=request.user, slug=slug)


def announcement_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's past announcements with their counts, and the intake reminder."""
    program = _coordinated(request, slug)
    return render(
        request,
        "announcements/list.html",
        {
            "program": program,
            "announcements": selectors.announcement_list(program=program),
            "intake_unfinished": selectors.intake_unfinished(program=program).count(),
        },
    )


@require_http_methods(["GET", "POST"])
def announcement_new_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Write an announcement; "Preview" shows who gets it, "Send" queues the emails."""
    program = _coordinated(request, slug)
    form = AnnouncementForm(request.POST or None)
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = services.announcement_validate(**data)
        for problem in problems:
            add_domain_error(form, problem)
        if problems:
            status = 400
        elif "send" in request.POST:
            try:
                announcement = services.announcement_send(
                    program=program,
                    author=request.user,
                    enqueue=tasks.announcement_enqueue,
                    **data,
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                count = announcement.recipient_count
                messages.success(
                    request,
                    ngettext(
                        "Announcement sent to %(count)d person.",
                        "Announcement sent to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("announcements:list", slug=program.slug)
        if not problems and status == 200:
            preview = {
                "audience": selectors.announcement_audience_count(
                    program=program,
                    member_status=data["member_status"],
                    partnership_state=data["partnership_state"],
                ),
                "body_html": markdown_to_html(data["body"]),
            }
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "announcements/new.html",
        {"program": program, "form": form, "preview": preview},
        status=status,
    )


@require_POST
def intake_remind_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Remind everyone whose intake is unfinished (at most once a week each)."""
    program = _coordinated(request, slug)
    try:
        result = services.intake_reminder_send(
            program=program, actor=request.user, enqueue=tasks.intake_reminder_enqueue
        )
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        text = ngettext(
            "Reminded %(count)d person to finish their intake.",
            "Reminded %(count)d people to finish their intake.",
            result.sent,
        ) % {"count": result.sent}
        if result.skipped:
            text += " " + _("%(count)d had a reminder in the last week.") % {
                "count": result.skipped
            }
        if result.opted_out:
            text += " " + _("%(count)d opted out of emails.") % {"count": result.opted_out}
        messages.success(request, text)
    return redirect("announcements:list", slug=program.slug)


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST; the signed token is the
# secret, as for the waitlist's unsubscribe link.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Show an "Unsubscribe" button; the POST stops announcements and intake reminders.

    Reached only from the link in announcement and reminder emails.
    """
    membership = selectors.membership_by_unsubscribe_token(token=token)
    if request.method == "POST":
        services.announcement_opt_out(membership=membership)
        return render(request, "announcements/unsubscribed.html", {"membership": membership})
    return render(request, "announcements/unsubscribe.html", {"membership": membership})
