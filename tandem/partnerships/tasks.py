"""Background tasks of the partnerships app (run by the django-tasks-db worker).

Each task takes ids, reloads its rows, claims its work (a timestamp or a unique row) so a second
run sends nothing, and sends the emails. Emails are rendered from
``partnerships/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``. None of them
contains what partners wrote (messages, reasons, ground rules): only who, what kind, and a link.
"""

from datetime import date
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.emails import email_build, recipient_language, send_once
from tandem.core.links import absolute_url
from tandem.partnerships import slots
from tandem.partnerships.models import (
    DigestSent,
    Message,
    MessagePreference,
    Partnership,
    PartnershipEvent,
    RematchRequest,
)
from tandem.partnerships.selectors.closing import next_cohort_of
from tandem.partnerships.selectors.life import partnership_active_seats, seat_name
from tandem.programs.models import Membership


def _build(
    *,
    name: str,
    to: str,
    context: dict[str, Any],
    invitation: tuple[str, bytes] | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    return email_build(
        name,
        folder="partnerships/email",
        to=to,
        context=context,
        invitation=invitation,
        language=language,
    )


def _ended_invitation(
    partnership: Partnership, language: str, built: dict[str, tuple[str, bytes] | None]
) -> tuple[str, bytes] | None:
    """Return the cancellation of the standing meeting in ``language``, built once per language."""
    if language not in built:
        with translation.override(language):
            built[language] = slots.partnership_ended_invitation(partnership=partnership)
    return built[language]


def _notify_once(row: QuerySet[Any], emails: list[EmailMultiAlternatives]) -> int:
    """Send ``emails`` once for ``row`` (claimed on ``notified_at``); return how many went."""
    claimed = send_once(
        claim=lambda: row.filter(notified_at__isnull=True).update(notified_at=clock.now()),
        send=lambda: [email.send() for email in emails],
    )
    return len(emails) if claimed else 0


def _unnotified[M: (PartnershipEvent, Message, RematchRequest)](
    model: type[M], pk: int, *, program: str, seat: str
) -> M | None:
    """Return row ``pk`` if nobody is told of it yet, with its ``program`` and ``seat``'s person."""
    return (
        model.objects.select_related(
            program, f"{seat}__membership__user", f"{seat}__membership__profile"
        )
        .filter(pk=pk, notified_at__isnull=True)
        .first()
    )


@task()
def partnership_event_email_send(*, event_id: int) -> int:
    """Tell every partner that the partnership was paused, resumed or ended; return emails sent."""
    event = _unnotified(PartnershipEvent, event_id, program="partnership__program", seat="actor")
    if event is None:
        return 0
    partnership = event.partnership
    seats = list(
        partnership.seats.select_related("membership__user", "membership__profile").order_by(
            "joined_at", "id"
        )
    )
    # Every seat, active or not: seats only close when the partnership ends, and a resume
    # queued just before an end must still reach everyone.
    link = absolute_url(partnership.get_absolute_url())
    next_cohort = None
    if event.kind == PartnershipEvent.Kind.ENDED:
        # An ending points to the closing page (guide, exit survey, staying in touch).
        link = absolute_url(reverse("partnerships:closing", kwargs={"pk": partnership.pk}))
        next_cohort = next_cohort_of(program=partnership.program)
    actor: str | Promise
    if event.by_coordinator:
        actor = _("Your coordinator")
    else:
        actor = seat_name(event.actor) if event.actor else _("A partner")
    # An ending cancels the standing meeting in every partner's calendar (when one was agreed),
    # written in each partner's language.
    invitations: dict[str, tuple[str, bytes] | None] = {}
    messages = []
    for seat in seats:
        if not seat.membership.user.is_active:  # an erased or closed account gets no email
            continue
        email = seat.membership.user.email
        language = recipient_language(email)
        invitation = (
            _ended_invitation(partnership, language, invitations)
            if event.kind == PartnershipEvent.Kind.ENDED
            else None
        )
        context = {
            "event": event,
            "actor_name": actor,
            "you": seat_name(seat),
            "is_actor": event.actor_id == seat.pk,
            "program": partnership.program,
            "link": link,
            "next_cohort": next_cohort,
            "meetings_cancelled": invitation is not None,
        }
        messages.append(
            _build(
                name="partnership_event",
                to=email,
                context=context,
                invitation=invitation,
                language=language,
            )
        )
    return _notify_once(PartnershipEvent.objects.filter(pk=event.pk), messages)


@task()
def message_notification_send(*, message_id: int) -> int:
    """Email the partners who chose "each message": sender and link, never the text."""
    message = _unnotified(Message, message_id, program="partnership__program", seat="author")
    if message is None:
        return 0
    partnership = message.partnership
    wanting = set(
        MessagePreference.objects.filter(
            seat__partnership=partnership, notify=MessagePreference.Notify.EACH
        ).values_list("seat_id", flat=True)
    )
    link = absolute_url(reverse("partnerships:messages", kwargs={"pk": partnership.pk}))
    sender = seat_name(message.author)
    emails = [
        _build(
            name="message_new",
            to=seat.membership.user.email,
            context={"sender": sender, "program": partnership.program, "link": link},
        )
        for seat in partnership_active_seats(partnership=partnership)
        if seat.pk in wanting and seat.pk != message.author_id
    ]
    return _notify_once(Message.objects.filter(pk=message.pk), emails)


@task()
def message_digest_send(*, user_id: int, day: str) -> bool:
    """Send a person's daily digest (how many new messages per partnership), at most once a day."""
    from tandem.partnerships.selectors.messages import message_digest_counts

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or DigestSent.objects.filter(user=user, day=day).exists():
        return False
    now = clock.now()
    lines = message_digest_counts(user=user, now=now)
    if not lines:
        return False
    rows = [
        {
            "program": line.partnership.program.name,
            "count": line.count,
            "link": absolute_url(
                reverse("partnerships:messages", kwargs={"pk": line.partnership.pk})
            ),
        }
        for line in lines
    ]
    email = _build(
        name="message_digest",
        to=user.email,
        context={
            "name": user.name or user.email,
            "rows": rows,
            "total": sum(r["count"] for r in rows),
        },
    )
    return send_once(
        claim=lambda: DigestSent.objects.create(
            user=user, day=date.fromisoformat(day), sent_at=now
        ),
        send=email.send,
    )


@task()
def rematch_request_email_send(*, request_id: int) -> int:
    """Tell the program's coordinators that a partner asked for a new match; once per request.

    Says who asked and links to the queue; never why (the request carries no text).
    """
    request = _unnotified(RematchRequest, request_id, program="program", seat="seat")
    if request is None:
        return 0
    coordinators = (
        Membership.objects.filter(program=request.program, role=Membership.Role.COORDINATOR)
        .exclude(status=Membership.Status.LEFT)
        .select_related("user")
        .order_by("created_at", "id")
    )
    link = absolute_url(
        reverse("partnerships:rematch_queue", kwargs={"slug": request.program.slug})
    )
    emails = [
        _build(
            name="rematch_request",
            to=coordinator.user.email,
            context={
                "program": request.program,
                "requester": seat_name(request.seat),
                "link": link,
            },
        )
        for coordinator in coordinators
    ]
    return _notify_once(RematchRequest.objects.filter(pk=request.pk), emails)
