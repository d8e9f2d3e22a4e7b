"""Writes for the life of a partnership: pause, resume, end, and asking for a new match.

Each change locks the partnership row, records a PartnershipEvent and, after the commit, queues
the email that tells every partner (``tasks.partnership_event_email_send``).
"""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.partnerships import slots
from tandem.partnerships.models import (
    Partnership,
    PartnershipEvent,
    PartnershipMember,
    RematchRequest,
)
from tandem.programs.models import Membership, Program

MSG_ENDED = gettext_noop("This partnership has ended; it can no longer change.")
MSG_ALREADY_PAUSED = gettext_noop("The partnership is already paused.")
MSG_NOT_PAUSED = gettext_noop("The partnership is not paused, so there is nothing to resume.")
MSG_END_REASON = gettext_noop("Choose why the partnership ends.")
MSG_TEXT_TOO_LONG = gettext_noop("Keep this under {limit} characters (it has {count}).")
MSG_REMATCH_OPEN = gettext_noop(
    "You have already asked for a new match; your coordinator has it in their queue."
)
MSG_REMATCH_HANDLED = gettext_noop("This request was already marked handled.")

REASON_MAX_LENGTH = 1000


def seat_lock_for_change(
    *, partnership_id: int, user: Any
) -> tuple[Partnership, PartnershipMember]:
    """Lock the partnership row and return it with the user's live seat.

    NotFound when the user has no seat (same answer as a missing partnership); Conflict when the
    partnership has ended. Call inside a transaction.
    """
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(pk=partnership_id)
        .first()
    )
    seat = None
    if partnership is not None and getattr(user, "is_authenticated", False):
        seat = (
            partnership.seats.filter(membership__user=user)
            .select_related("membership__user")
            .first()
        )
    if partnership is None or seat is None:
        raise NotFound()
    if partnership.status == Partnership.Status.ENDED or not seat.active:
        raise Conflict(MSG_ENDED)
    return partnership, seat


def check_length(text: str, *, field: str, limit: int = REASON_MAX_LENGTH) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ValidationFailed(
            gettext(MSG_TEXT_TOO_LONG).format(limit=limit, count=len(text)), field=field
        )
    return text


def _record(
    *, partnership: Partnership, seat: PartnershipMember | None, kind: str, **fields: Any
) -> PartnershipEvent:
    event = PartnershipEvent.objects.create(
        partnership=partnership, kind=kind, actor=seat, occurred_at=clock.now(), **fields
    )
    from tandem.partnerships.tasks import partnership_event_email_send

    transaction.on_commit(lambda: partnership_event_email_send.enqueue(event_id=event.pk))
    return event


@transaction.atomic
def partnership_pause(*, partnership: Partnership, user: Any, reason: str = "") -> PartnershipEvent:
    """Pause an active partnership (meetings wait; nothing is lost) and tell every partner."""
    reason = check_length(reason, field="reason")
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    if partnership.status == Partnership.Status.PAUSED:
        raise Conflict(MSG_ALREADY_PAUSED)
    partnership.status = Partnership.Status.PAUSED
    partnership.paused_at = clock.now()
    partnership.save(update_fields=["status", "paused_at"])
    return _record(
        partnership=partnership, seat=seat, kind=PartnershipEvent.Kind.PAUSED, reason=reason
    )


@transaction.atomic
def partnership_resume(*, partnership: Partnership, user: Any) -> PartnershipEvent:
    """Resume a paused partnership and tell every partner."""
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    if partnership.status != Partnership.Status.PAUSED:
        raise Conflict(MSG_NOT_PAUSED)
    partnership.status = Partnership.Status.ACTIVE
    partnership.paused_at = None
    partnership.save(update_fields=["status", "paused_at"])
    return _record(partnership=partnership, seat=seat, kind=PartnershipEvent.Kind.RESUMED)


@transaction.atomic
def partnership_end(
    *,
    partnership: Partnership,
    user: Any,
    end_reason: str,
    details: str = "",
    feedback: str = "",
) -> PartnershipEvent:
    """End the partnership, free every seat so its partners can be matched again, tell them.

    Members who were "matched" go back to "ready for matching". ``details`` is shown to the
    partners; ``feedback`` is for the program's coordinators.
    """
    if end_reason not in PartnershipEvent.EndReason.values:
        raise ValidationFailed(MSG_END_REASON, field="end_reason")
    details = check_length(details, field="details")
    feedback = check_length(feedback, field="feedback")
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    return partnership_close(
        partnership=partnership,
        seat=seat,
        end_reason=end_reason,
        reason=details,
        coordinator_feedback=feedback,
    )


def partnership_close(
    *,
    partnership: Partnership,
    seat: PartnershipMember | None,
    end_reason: str,
    reason: str = "",
    coordinator_feedback: str = "",
    by_coordinator: bool = False,
) -> PartnershipEvent:
    """End a locked partnership: free every seat, matched members back to ready after the
    program's cooling-off, tell everyone.

    The one way a partnership ends, for a partner (``seat``) or a coordinator (``by_coordinator``,
    no seat); its future meetings are cancelled (``slots.partnership_ending``). Call inside a
    transaction with the partnership row locked.
    """
    now = clock.now()
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = now
    # Kept in English, as every stored text; pages translate it where they show it.
    with translation.override(None):
        partnership.end_reason = str(PartnershipEvent.EndReason(end_reason).label)
    partnership.save(update_fields=["status", "ended_at", "end_reason"])
    slots.partnership_ending(partnership=partnership)
    membership_ids = list(
        partnership.seats.filter(active=True).values_list("membership_id", flat=True)
    )
    partnership.seats.filter(active=True).update(active=False)
    event_emit(
        EventType.PARTNERSHIP_ENDED,
        program_id=partnership.program_id,
        key=str(partnership.pk),
        data={"partnership_id": partnership.pk, "membership_ids": sorted(membership_ids)},
    )
    days = partnership.program.cooling_off_days
    Membership.objects.filter(pk__in=membership_ids, status=Membership.Status.MATCHED).update(
        status=Membership.Status.READY,
        cooling_off_until=now + timedelta(days=days) if days else None,
        updated_at=now,
    )
    return _record(
        partnership=partnership,
        seat=seat,
        kind=PartnershipEvent.Kind.ENDED,
        end_reason=end_reason,
        reason=reason,
        coordinator_feedback=coordinator_feedback,
        by_coordinator=by_coordinator,
    )


@transaction.atomic
def rematch_request_create(*, partnership: Partnership, user: Any) -> RematchRequest:
    """Put the partner in the coordinator's queue for a new match (one open request each).

    The program's coordinators are emailed through the worker after the commit.
    """
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    if seat.rematch_requests.filter(handled_at__isnull=True).exists():
        raise Conflict(MSG_REMATCH_OPEN)
    try:
        with transaction.atomic():
            request = RematchRequest.objects.create(
                program=partnership.program,
                partnership=partnership,
                seat=seat,
                requested_at=clock.now(),
            )
    except IntegrityError as exc:  # a double click that raced past the check above
        raise Conflict(MSG_REMATCH_OPEN) from exc
    from tandem.partnerships.tasks import rematch_request_email_send

    transaction.on_commit(lambda: rematch_request_email_send.enqueue(request_id=request.pk))
    return request


@transaction.atomic
def rematch_request_handle(*, program: Program, request_id: int, actor: Any) -> RematchRequest:
    """Mark a request for a new match handled (coordinators of the request's program)."""
    request = (
        RematchRequest.objects.select_for_update().filter(pk=request_id, program=program).first()
    )
    if request is None:
        raise NotFound()
    if request.handled_at is not None:
        raise Conflict(MSG_REMATCH_HANDLED)
    request.handled_at = clock.now()
    request.handled_by = actor if getattr(actor, "pk", None) else None
    request.save(update_fields=["handled_at", "handled_by"])
    return request
