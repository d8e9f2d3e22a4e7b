"""Messages between meetings: the thread (htmx posts and polling), and the email preference."""

from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.htmx import is_htmx
from tandem.partnerships.forms import MessageForm, MessagePreferenceForm
from tandem.partnerships.models import Message, Partnership, PartnershipMember
from tandem.partnerships.selectors.life import seat_name
from tandem.partnerships.selectors.messages import (
    MESSAGE_PAGE_SIZE,
    message_list,
    message_preference_get,
    message_unread_count,
)
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.partnerships.services.messages import (
    message_post,
    message_preference_set,
    message_thread_mark_seen,
)

PREFERENCE_SAVED = gettext_noop("Saved: {choice}.")


def _seat(request: HttpRequest, pk: int) -> tuple[Partnership, PartnershipMember]:
    return access_partnership_seat(user=request.user, pk=pk)


def _items(messages: list[Message], seat: PartnershipMember) -> list[dict[str, Any]]:
    return [
        {"message": m, "author": seat_name(m.author), "mine": m.author_id == seat.pk}
        for m in messages
    ]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _can_post(partnership: Partnership, seat: PartnershipMember) -> bool:
    return seat.active and partnership.status != Partnership.Status.ENDED


def _thread_context(
    partnership: Partnership, seat: PartnershipMember, *, before_id: int | None = None
) -> dict[str, Any]:
    items = message_list(partnership=partnership, before_id=before_id)
    return {
        "partnership": partnership,
        "program": partnership.program,
        "seat": seat,
        "items": _items(items, seat),
        "older": items[0].pk if len(items) == MESSAGE_PAGE_SIZE else None,
        "last_id": items[-1].pk if items else 0,
        "can_post": _can_post(partnership, seat),
    }


@require_http_methods(["GET", "POST"])
def messages_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the thread and the form; a post adds a message (htmx appends it in place)."""
    partnership, seat = _seat(request, pk)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    partnership=partnership, user=request.user, body=form.cleaned_data["body"]
                )
            except (ValidationFailed, Conflict) as exc:
                form.add_error("body" if exc.field == "body" else None, exc.message)
                status = exc.status_code
            else:
                form = MessageForm()
                if not is_htmx(request):
                    return redirect("partnerships:messages", pk=partnership.pk)
        else:
            status = 400
        if is_htmx(request):
            # New messages since the client's last one, a fresh poller, and the form (out of band),
            # cleared on success or with the typed text and the error. htmx swaps 2xx only.
            after = _int(request.POST.get("after")) or 0
            return _messages_after(
                request,
                partnership,
                seat,
                after=after,
                form=form,
                form_oob=True,
                can_post=_can_post(partnership, seat),
            )
    context = _thread_context(partnership, seat, before_id=_int(request.GET.get("before")))
    message_thread_mark_seen(seat=seat)
    preference = message_preference_get(seat=seat)
    context.update(
        form=form,
        preference_form=MessagePreferenceForm(initial={"notify": preference.notify}),
    )
    return render(request, "partnerships/messages.html", context, status=status)


def messages_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the messages after ``?after=<id>`` and a new poller (htmx polling)."""
    partnership, seat = _seat(request, pk)
    return _messages_after(
        request, partnership, seat, after=_int(request.GET.get("after")) or 0, mark_seen=True
    )


def _messages_after(
    request: HttpRequest,
    partnership: Partnership,
    seat: PartnershipMember,
    *,
    after: int,
    mark_seen: bool = False,
    **extra: Any,
) -> HttpResponse:
    """Render the messages after id ``after`` and a fresh poller (``extra`` joins the context)."""
    items = message_list(partnership=partnership, after_id=after)
    if items and mark_seen:
        message_thread_mark_seen(seat=seat)
    context = {
        "partnership": partnership,
        "seat": seat,
        "items": _items(items, seat),
        "last_id": items[-1].pk if items else after,
        **extra,
    }
    return render(request, "partnerships/messages_new.html", context)


def messages_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the unread count for the partnership page (an htmx fragment)."""
    partnership, seat = _seat(request, pk)
    return render(
        request,
        "partnerships/messages_summary.html",
        {"partnership": partnership, "unread": message_unread_count(seat=seat)},
    )


@require_POST
def messages_preference(request: HttpRequest, pk: int) -> HttpResponse:
    """Save how the partner hears about new messages in this partnership."""
    partnership, seat = _seat(request, pk)
    form = MessagePreferenceForm(request.POST)
    if form.is_valid():
        preference = message_preference_set(seat=seat, notify=form.cleaned_data["notify"])
        flash.success(
            request, gettext(PREFERENCE_SAVED).format(choice=preference.get_notify_display())
        )
    else:
        flash.error(request, gettext("Choose how you want to hear about new messages."))
    return redirect("partnerships:messages", pk=partnership.pk)
