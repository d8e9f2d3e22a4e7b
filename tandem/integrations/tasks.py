"""Background tasks of integrations (run by the django-tasks-db worker: ``make worker``).

One task per attempt of a delivery: ``delivery_attempt_task(delivery_id=..., attempt=n)``. Each
claims its attempt before posting (``deliveries.delivery_attempt``), so a duplicate or a
second worker posts nothing, and queues the next attempt, later, when this one failed.
"""

from collections.abc import Sequence
from datetime import datetime

from django.tasks import default_task_backend, task

from tandem.core.events import DomainEvent
from tandem.integrations import deliveries


@task()
def delivery_attempt_task(*, delivery_id: int, attempt: int) -> str:
    """Make one attempt at a delivery; return what became of it."""
    return deliveries.delivery_attempt(
        delivery_id=delivery_id, attempt=attempt, enqueue=delivery_enqueue
    )


def delivery_enqueue(delivery_id: int, attempt: int, run_after: datetime | None) -> None:
    """Queue attempt ``attempt`` of the delivery, not before ``run_after`` when the backend waits."""
    if run_after is not None and default_task_backend.supports_defer:
        delivery_attempt_task.using(run_after=run_after).enqueue(
            delivery_id=delivery_id, attempt=attempt
        )
    else:
        delivery_attempt_task.enqueue(delivery_id=delivery_id, attempt=attempt)


def deliveries_create_and_enqueue(*, events: Sequence[DomainEvent]) -> None:
    """Fill ``core.events.events_happened``: deliver each event to the endpoints that chose it."""
    deliveries.deliveries_create(events=events, enqueue=delivery_enqueue)


def deliveries_resume_and_enqueue() -> int:
    """Queue again what a stopped worker left (``manage.py resume_webhook_deliveries``)."""
    return deliveries.deliveries_resume(enqueue=delivery_enqueue)
