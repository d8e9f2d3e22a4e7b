"""Deliveries: one per event and endpoint, attempted by the worker until the receiver says 2xx.

:func:`deliveries_create` turns committed events into deliveries (unique per endpoint and event,
so an event told twice is delivered once) and hands each to ``enqueue`` after its commit.
:func:`delivery_attempt` is one attempt, run by the task worker: it claims the delivery for
this attempt number (a duplicate task, or a second worker, finds the claim taken and does
nothing), posts outside any transaction, records the answer, and schedules the next attempt
with exponential backoff (``TANDEM_WEBHOOK_RETRY_SECONDS`` times 4, 16, 64...) until
``TANDEM_WEBHOOK_MAX_ATTEMPTS`` have failed. :func:`deliveries_resume` (``manage.py
resume_webhook_deliveries``, from cron) picks up what a stopped worker left: an attempt it
never finished, a delivery whose task was lost. A receiver may still see a delivery twice (an
answer lost on the way back): it dedupes on the ``Tandem-Delivery`` id.

The modules that queue tasks hand their ``enqueue(delivery_id, attempt, run_after)`` in, so
this module never imports the tasks.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.events import DomainEvent
from tandem.integrations import payloads, sending
from tandem.integrations.models import Delivery, DeliveryAttempt, Endpoint

Enqueue = Callable[[int, int, datetime | None], Any]

LEASE_MARGIN = timedelta(seconds=60)
STALE_AFTER = timedelta(minutes=5)


def backoff(attempt: int) -> timedelta:
    """Return the wait after failed attempt number ``attempt`` (1 -> base, 2 -> 4 x base...)."""
    return timedelta(seconds=float(settings.TANDEM_WEBHOOK_RETRY_SECONDS) * 4 ** (attempt - 1))


def delivery_create(*, endpoint: Endpoint, event: DomainEvent) -> Delivery | None:
    """Create the delivery of ``event`` to ``endpoint``; None when it exists already."""
    delivery_id = uuid.uuid4()
    body = payloads.body_for(
        endpoint=endpoint, delivery_id=str(delivery_id), event=event, program=endpoint.program
    )
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                endpoint=endpoint,
                uuid=delivery_id,
                event_type=event.type,
                event_key=event.key[:120],
                body=body,
                created_at=event.occurred_at,
            )
    except IntegrityError:
        return None


def deliveries_create(*, events: Sequence[DomainEvent], enqueue: Enqueue) -> list[int]:
    """Create one delivery per event and endpoint that chose it; queue each after the commit."""
    programs = {event.program_id for event in events}
    endpoints = list(Endpoint.objects.filter(program_id__in=programs).select_related("program"))
    if not endpoints:
        return []
    created: list[int] = []
    with transaction.atomic():
        for event in events:
            for endpoint in endpoints:
                if endpoint.program_id != event.program_id or event.type not in endpoint.events:
                    continue
                delivery = delivery_create(endpoint=endpoint, event=event)
                if delivery is not None:
                    created.append(delivery.pk)
        transaction.on_commit(lambda: [enqueue(pk, 1, None) for pk in created])
    return created


def _lease() -> timedelta:
    return timedelta(seconds=float(settings.TANDEM_WEBHOOK_TIMEOUT_SECONDS)) + LEASE_MARGIN


def _lease_start(delivery: Delivery) -> datetime:
    assert delivery.lease_until is not None
    return delivery.lease_until - _lease()


def _claim(*, delivery_id: int, attempt: int, now: datetime) -> bool:
    lease = now + _lease()
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, attempts=attempt - 1
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(attempts=attempt, lease_until=lease)
    )


def delivery_attempt(*, delivery_id: int, attempt: int, enqueue: Enqueue) -> str:
    """Make attempt number ``attempt`` of the delivery; return what became of it.

    "skipped" when the delivery is not waiting for this attempt (delivered, given up, removed,
    or claimed by another worker), "removed" when its endpoint went during the attempt, else
    the delivery's status after the attempt.
    """
    if not _claim(delivery_id=delivery_id, attempt=attempt, now=clock.now()):
        return "skipped"
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    started_at = clock.now()
    answer = sending.post(endpoint=delivery.endpoint, delivery=delivery)
    return _record(
        delivery=delivery, attempt=attempt, started_at=started_at, answer=answer, enqueue=enqueue
    )


def _record(
    *,
    delivery: Delivery,
    attempt: int,
    started_at: datetime,
    answer: sending.Answer,
    enqueue: Enqueue,
) -> str:
    now = clock.now()
    with transaction.atomic():
        if not Delivery.objects.select_for_update().filter(pk=delivery.pk).exists():
            return "removed"  # the endpoint was removed while the attempt was under way
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=attempt,
            started_at=started_at,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            error=answer.error,
            answer=answer.answer,
        )
        fields: dict[str, Any] = {"lease_until": None, "next_attempt_at": None}
        if answer.succeeded:
            fields |= {"status": Delivery.Status.DELIVERED, "delivered_at": now}
        elif attempt >= int(settings.TANDEM_WEBHOOK_MAX_ATTEMPTS):
            fields |= {"status": Delivery.Status.FAILED}
        else:
            fields["next_attempt_at"] = now + backoff(attempt)
        Delivery.objects.filter(pk=delivery.pk, attempts=attempt).update(**fields)
        if fields["next_attempt_at"] is not None:
            when = fields["next_attempt_at"]
            transaction.on_commit(lambda: enqueue(delivery.pk, attempt + 1, when))
    return str(fields.get("status", Delivery.Status.PENDING))


MSG_INTERRUPTED = _("The worker stopped during this attempt; it was tried again.")


def deliveries_resume(*, enqueue: Enqueue) -> int:
    """Queue again what a stopped worker left; return how many deliveries were queued.

    An attempt whose lease ran out is recorded as interrupted; a delivery waiting longer than
    ``STALE_AFTER`` past its time (its task lost) is queued again. Queuing one twice is
    harmless: the attempt's claim lets one through.
    """
    now = clock.now()
    queued = 0
    interrupted = Delivery.objects.filter(status=Delivery.Status.PENDING, lease_until__lt=now)
    for delivery in interrupted:
        with transaction.atomic():
            released = Delivery.objects.filter(
                pk=delivery.pk, attempts=delivery.attempts, lease_until=delivery.lease_until
            )
            gave_up = delivery.attempts >= int(settings.TANDEM_WEBHOOK_MAX_ATTEMPTS)
            if gave_up:
                changed = released.update(status=Delivery.Status.FAILED, lease_until=None)
            else:
                changed = released.update(lease_until=None, next_attempt_at=now)
            if not changed:
                continue
            DeliveryAttempt.objects.get_or_create(
                delivery=delivery,
                number=delivery.attempts,
                defaults={"started_at": _lease_start(delivery), "error": str(MSG_INTERRUPTED)},
            )
            if not gave_up:
                transaction.on_commit(partial(enqueue, delivery.pk, delivery.attempts + 1, None))
                queued += 1
    stale = now - STALE_AFTER
    lost = Delivery.objects.filter(status=Delivery.Status.PENDING, lease_until__isnull=True).filter(
        Q(next_attempt_at__lt=stale) | Q(attempts=0, created_at__lt=stale)
    )
    for pk, attempts in lost.values_list("pk", "attempts"):
        enqueue(pk, attempts + 1, None)
        queued += 1
    return queued


def deliveries_prune(*, days: int) -> int:
    """Delete finished deliveries older than ``days`` (with their attempts); return how many."""
    before = clock.now() - timedelta(days=days)
    _total, by_model = (
        Delivery.objects.filter(created_at__lt=before)
        .exclude(status=Delivery.Status.PENDING)
        .delete()
    )
    return by_model.get(Delivery._meta.label, 0)
