"""Meeting pages. Partners only: anyone else signed in gets 404, exactly as for a missing
meeting; the pages that emails link to send a signed-out visitor to sign in first.

Every page that can show notes is sent with ``Cache-Control: no-store``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tandem.core import clock
from tandem.core.errors import DomainError, NotFound, ValidationFailed
from tandem.core.forms import TandemForm, add_domain_error
from tandem.core.htmx import htmx_refusal, is_htmx
from tandem.core.links import absolute_url
from tandem.meetings import calendar, forms, services
from tandem.meetings.models import Commitment, Meeting
from tandem.meetings.selectors.access import (
    access_meeting,
    access_meeting_with_seats,
    access_own_note,
    access_reschedule,
    access_series,
    seat_name,
    seat_zone,
    seats_of,
)
from tandem.meetings.selectors.balance import balance_for_partnership, meeting_history
from tandem.meetings.selectors.feed import access_calendar_feed, calendar_feed_live, feed_meetings
from tandem.meetings.selectors.notes import (
    commitments_for_page,
    commitments_to_review,
    note_rows_for,
)
from tandem.meetings.selectors.schedule import (
    RescheduleRow,
    instant_label,
    meeting_list_for,
    meeting_recent,
    meeting_upcoming_rows,
    series_open_for,
    series_rows,
    slot_suggestions,
    viewer_first,
)
from tandem.meetings.selectors.turns import (
    meeting_mark_initial,
    meeting_status_label,
    turn_order_for,
    turn_state,
)
from tandem.partnerships.selectors.agreement import agreement_place
from tandem.partnerships.selectors.partnership import access_partnership_seat


def _form_saved(form: TandemForm, save: Callable[[dict[str, Any]], object]) -> bool:
    """Return whether ``save`` took the valid form's data; a refusal goes onto the form."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


def _meeting_auto_id(meeting: Meeting) -> str:
    # The schedule page lists several meetings, each with its own forms: keep their ids apart.
    return f"id_m{meeting.pk}_%s"


# --- Scheduling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingMeeting:
    """A booked meeting on the schedule page, with its own move and cancel forms."""

    meeting: Meeting
    label: str
    reschedules: list[RescheduleRow]
    reschedule_form: forms.RescheduleForm
    cancel_form: forms.CancelForm
    form_open: bool


def _schedule_context(
    request: HttpRequest,
    partnership: Any,
    seat: Any,
    *,
    bound_meeting: int | None = None,
    reschedule_form: forms.RescheduleForm | None = None,
    cancel_form: forms.CancelForm | None = None,
) -> dict[str, Any]:
    """Return the schedule page's context; a form with errors stays on its own meeting."""
    # Each person reads their own time first.
    seats = viewer_first(seats_of(partnership), seat)
    series = series_rows(partnership=partnership, seats=seats)
    upcoming = []
    for row in meeting_upcoming_rows(partnership=partnership, seats=seats):
        # Each meeting has its own forms (and element ids); only the one with errors is bound.
        auto_id = _meeting_auto_id(row.meeting)
        mine = row.meeting.pk == bound_meeting
        upcoming.append(
            UpcomingMeeting(
                meeting=row.meeting,
                label=row.label,
                reschedules=row.reschedules,
                reschedule_form=(
                    reschedule_form
                    if mine and reschedule_form is not None
                    else forms.RescheduleForm(
                        auto_id=auto_id, initial={"time_zone": seat_zone(seat)}
                    )
                ),
                cancel_form=(
                    cancel_form
                    if mine and cancel_form is not None
                    else forms.CancelForm(auto_id=auto_id)
                ),
                form_open=mine,
            )
        )
    return {
        "partnership": partnership,
        "seat": seat,
        "seats": seats,
        "slots": slot_suggestions(partnership=partnership, viewer=seat),
        "series_list": series,
        "upcoming": upcoming,
        "recent": meeting_recent(partnership=partnership),
        "balance": balance_for_partnership(partnership),
        "slot_form": forms.SlotForm(initial={"time_zone": seat_zone(seat)}),
        # A pair reads "your partner", a circle "your partners".
        "others": len(seats) - 1,
    }


@login_required
@require_GET
def partnership_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Show common slots, open proposals, the next meetings and the balance of turns."""
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    return render(request, "meetings/schedule.html", _schedule_context(request, partnership, seat))


@require_POST
def series_propose(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    form = forms.SlotForm(request.POST)
    if form.is_valid():
        try:
            series = services.series_propose(
                partnership=partnership,
                seat=seat,
                starts_on=form.cleaned_data["starts_on"],
                start_time=form.cleaned_data["start_time"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if series.status == series.Status.ACTIVE:
                messages.success(request, _("Booked: the next meetings are in your calendar."))
            else:
                others = len(seats_of(partnership)) - 1
                messages.success(
                    request,
                    ngettext(
                        "Proposed. It is booked once your partner accepts.",
                        "Proposed. It is booked once your partners accept.",
                        others,
                    ),
                )
            return redirect("meetings:schedule", pk=partnership.pk)
    context = _schedule_context(request, partnership, seat)
    context["slot_form"] = form
    return render(request, "meetings/schedule.html", context, status=400)


@require_POST
def series_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    series, seat = access_series(user=request.user, pk=pk)
    try:
        if answer == "accept":
            series = services.series_accept(series=series, seat=seat)
            if series.status == series.Status.ACTIVE:
                messages.success(request, _("Agreed by everyone: the next meetings are booked."))
            else:
                messages.success(request, _("Accepted. Waiting for the other partners."))
        else:
            services.series_decline(series=series, seat=seat)
            messages.info(request, _("Declined. Propose another slot when you are ready."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:schedule", pk=series.partnership_id)


@require_POST
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, seat = access_meeting(user=request.user, pk=pk)
    form = forms.RescheduleForm(request.POST, auto_id=_meeting_auto_id(meeting))
    if _form_saved(
        form,
        lambda data: services.meeting_reschedule_propose(
            meeting=meeting, seat=seat, on=data["on"], at=data["at"], time_zone=data["time_zone"]
        ),
    ):
        others = len(seats_of(meeting.partnership)) - 1
        messages.success(
            request,
            ngettext(
                "Move proposed. It takes effect once your partner accepts.",
                "Move proposed. It takes effect once your partners accept.",
                others,
            ),
        )
        return redirect("meetings:schedule", pk=meeting.partnership_id)
    context = _schedule_context(
        request, meeting.partnership, seat, bound_meeting=meeting.pk, reschedule_form=form
    )
    return render(request, "meetings/schedule.html", context, status=400)


@require_POST
def reschedule_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    proposal, seat = access_reschedule(user=request.user, pk=pk)
    try:
        if answer == "accept":
            services.reschedule_accept(proposal=proposal, seat=seat)
            messages.success(request, _("Accepted."))
        else:
            services.reschedule_decline(proposal=proposal, seat=seat)
            messages.info(request, _("Declined: the meeting stays where it was."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:schedule", pk=proposal.meeting.partnership_id)


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one meeting (with an optional reason); the other partners are emailed."""
    meeting, seat = access_meeting(user=request.user, pk=pk)
    form = forms.CancelForm(request.POST, auto_id=_meeting_auto_id(meeting))
    if form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, seat=seat, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("meetings:schedule", pk=meeting.partnership_id)
        else:
            messages.info(
                request,
                ngettext(
                    "Meeting cancelled; your partner is told. The series goes on.",
                    "Meeting cancelled; your partners are told. The series goes on.",
                    len(seats_of(meeting.partnership)) - 1,
                ),
            )
            return redirect("meetings:schedule", pk=meeting.partnership_id)
    context = _schedule_context(
        request, meeting.partnership, seat, bound_meeting=meeting.pk, cancel_form=form
    )
    return render(request, "meetings/schedule.html", context, status=400)


# --- The meeting page -----------------------------------------------------------------


def _meeting_context(
    request: HttpRequest, meeting: Meeting, seat: Any, seats: list[Any] | None = None
) -> dict[str, Any]:
    if seats is None:
        seats = seats_of(meeting.partnership)
    history = meeting_history(meeting=meeting, seats=seats)
    state = turn_state(meeting=meeting, has_turns=history.has_turns)
    balance = history.balance
    order = turn_order_for(meeting=meeting, seats=seats, turns=state.turns, history=history)
    commitments, reviews = commitments_for_page(meeting=meeting, seats=order)
    turns = []
    for position, partner in enumerate(order):
        turns.append(
            {
                "position": position,
                "seat": partner,
                "name": seat_name(partner),
                "is_me": partner.pk == seat.pk,
                "review": reviews.get(partner.pk),
                "commitment": commitments.get(partner.pk),
            }
        )
    notes = note_rows_for(meeting=meeting, seat=seat)
    cancelled_by = next((s for s in seats if s.pk == meeting.cancelled_by_id), None)
    return {
        "meeting": meeting,
        "seat": seat,
        "cancelled_by": seat_name(cancelled_by) if cancelled_by else "",
        "when": instant_label(instant=meeting.starts_at, seats=viewer_first(seats, seat)),
        "state": state,
        "turns": turns,
        "prompts": [_("Goals"), _("Challenges"), _("Concerns"), _("Accomplishments")],
        "notes": notes,
        "balance": balance,
        "note_form": forms.NoteForm(),
        "commitment_form": forms.CommitmentForm(
            initial={"text": commitments[seat.pk].text} if seat.pk in commitments else None
        ),
        "mark_form": forms.MarkForm(
            seats=[(s.pk, seat_name(s)) for s in seats],
            initial=meeting_mark_initial(meeting=meeting, seats=seats),
        ),
        "status_label": meeting_status_label(meeting=meeting, state=state),
        "outcomes": Commitment.Outcome.choices,
        "place": agreement_place(partnership=meeting.partnership),
        "now": clock.now(),
    }


@never_cache
@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting: agenda of turns with a timer, commitments, notes, attendance, balance."""
    meeting, seat, seats = access_meeting_with_seats(user=request.user, pk=pk)
    return render(request, "meetings/detail.html", _meeting_context(request, meeting, seat, seats))


def _rerender(request: HttpRequest, meeting: Meeting, seat: Any, **forms_: Any) -> HttpResponse:
    context = _meeting_context(request, meeting, seat)
    context.update(forms_)
    response = render(request, "meetings/detail.html", context, status=400)
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@never_cache
@require_GET
def turn_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The timer panel alone (polled by htmx so both partners see the hand-over)."""
    meeting, _seat = access_meeting(user=request.user, pk=pk)
    return render(
        request,
        "meetings/_timer.html",
        {"meeting": meeting, "state": turn_state(meeting=meeting), "now": clock.now()},
    )


@never_cache
@require_POST
def turn_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Start the turns or hand over; htmx gets the timer back, or why it was refused."""
    meeting, seat = access_meeting(user=request.user, pk=pk)
    try:
        if action == "start":
            services.meeting_start(meeting=meeting, seat=seat)
        else:
            raw = request.POST.get("turn", "")
            services.turn_hand_over(
                meeting=meeting, seat=seat, turn_id=int(raw) if raw.isdigit() else None
            )
    except DomainError as exc:
        if is_htmx(request):
            return htmx_refusal(request, exc)
        messages.error(request, exc.message)
    if is_htmx(request):
        return render(
            request,
            "meetings/_timer.html",
            {
                "meeting": meeting,
                "state": turn_state(meeting=meeting),
                "now": clock.now(),
            },
        )
    return redirect(meeting)


@never_cache
@require_POST
def commitment_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, seat = access_meeting(user=request.user, pk=pk)
    form = forms.CommitmentForm(request.POST)
    if _form_saved(
        form, lambda data: services.commitment_set(meeting=meeting, seat=seat, text=data["text"])
    ):
        messages.success(request, _("Saved: you will be asked about it next time."))
        return redirect(meeting)
    return _rerender(request, meeting, seat, commitment_form=form)


@never_cache
@require_POST
def commitment_review(request: HttpRequest, pk: int, commitment_id: int) -> HttpResponse:
    meeting, seat = access_meeting(user=request.user, pk=pk)
    seats = seats_of(meeting.partnership)
    review = next(
        (
            candidate
            for candidate in commitments_to_review(meeting=meeting, seats=seats).values()
            if candidate.pk == commitment_id
        ),
        None,
    )
    if review is None:
        raise NotFound()
    try:
        services.commitment_review(
            commitment=review, meeting=meeting, seat=seat, outcome=request.POST.get("outcome", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(meeting)


@never_cache
@require_POST
def meeting_mark(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, seat = access_meeting(user=request.user, pk=pk)
    seats = seats_of(meeting.partnership)
    form = forms.MarkForm(request.POST, seats=[(s.pk, seat_name(s)) for s in seats])
    if _form_saved(
        form,
        lambda data: services.meeting_mark(
            meeting=meeting, seat=seat, status=data["status"], present_seat_ids=data["present"]
        ),
    ):
        messages.success(request, _("Thanks: the meeting is marked."))
        return redirect(meeting)
    return _rerender(request, meeting, seat, mark_form=form)


# --- Notes ----------------------------------------------------------------------------------


@never_cache
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, seat = access_meeting(user=request.user, pk=pk)
    form = forms.NoteForm(request.POST)
    if _form_saved(
        form,
        lambda data: services.note_create(
            meeting=meeting, seat=seat, body=data["body"], visibility=data["visibility"]
        ),
    ):
        messages.success(request, _("Note saved."))
        return redirect(f"{meeting.get_absolute_url()}#notes")
    return _rerender(request, meeting, seat, note_form=form)


@never_cache
@login_required
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit your own note; its earlier versions are listed below (to you only)."""
    note, seat = access_own_note(user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = forms.NoteForm(request.POST)
        if _form_saved(
            form,
            lambda data: services.note_update(
                note=note, seat=seat, body=data["body"], visibility=data["visibility"]
            ),
        ):
            messages.success(request, _("Note saved; the earlier version is kept."))
            return redirect(f"{note.meeting.get_absolute_url()}#notes")
        status = 400
    else:
        form = forms.NoteForm(initial={"body": note.body, "visibility": note.visibility})
    return render(
        request,
        "meetings/note_edit.html",
        {"note": note, "form": form, "revisions": note.revisions.all()},
        status=status,
    )


# --- Lists and calendars --------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Your upcoming meetings across partnerships."""
    meetings = list(
        meeting_list_for(user=request.user, since=clock.now()).filter(
            status=Meeting.Status.SCHEDULED
        )[:50]
    )
    return render(
        request,
        "meetings/list.html",
        {"meetings": meetings, "proposals": series_open_for(user=request.user)},
    )


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _seat = access_meeting(user=request.user, pk=pk)
    meeting = (
        Meeting.objects.select_related("partnership")
        .prefetch_related(
            "partnership__seats__membership__user", "partnership__seats__membership__profile"
        )
        .get(pk=meeting.pk)
    )
    response = HttpResponse(
        calendar.calendar_for([meeting], name=gettext("Tandem meeting")),
        content_type="text/calendar",
    )
    response["Content-Disposition"] = f'attachment; filename="tandem-meeting-{meeting.pk}.ics"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: every meeting of the token's owner (no notes, ever)."""
    feed = access_calendar_feed(token=token)
    # A calendar app fetches the feed without a session: it reads in its owner's language.
    with translation.override(feed.user.language or settings.LANGUAGE_CODE):
        body = calendar.calendar_for(feed_meetings(user=feed.user), name="Tandem", standing=True)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Make, replace or revoke your private calendar feed address."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.info(
                request, _("Your calendar address is revoked; calendars using it stop updating.")
            )
            return redirect("meetings:calendar")
        token = services.calendar_feed_rotate(user=request.user)
        feed_url = absolute_url(reverse("meetings:feed", kwargs={"token": token}))
    return render(
        request,
        "meetings/calendar.html",
        {"feed": calendar_feed_live(user=request.user), "feed_url": feed_url},
    )
