"""Domain events: what just happened in a program, told after the commit to the apps above.

A domain service that does something an integration may want to hear about (a member joined, a
partnership ended, the doors opened) calls :func:`event_emit` in its transaction. Nothing is
told until the transaction commits (``transaction.on_commit``), and nothing is told when it
rolls back; the integrations app fills :func:`events_happened` in its ``AppConfig.ready()`` and
turns each event into deliveries (docs/webhooks.md). A failure there is logged and never
undoes, or breaks, what the service did (``robust=True``).

An event carries ids, counts and codes only: never a person's name, never a note or anything a
member wrote. ``key`` names the event itself ("partnership.ended:42"), so a listener can keep
it exactly once however often it is told.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.slots import slot


class EventType(models.TextChoices):
    """Every event a program's integrations may hear of."""

    MEMBER_JOINED = "member.joined", _("A member joined")
    PARTNERSHIP_CREATED = "partnership.created", _("A partnership was created")
    PARTNERSHIP_ENDED = "partnership.ended", _("A partnership ended")
    MEETING_HELD = "meeting.held", _("A meeting was held")
    MEETING_MISSED = "meeting.missed", _("A meeting was missed")
    HELP_REQUEST_RAISED = "help_request.raised", _("A member asked for help (the kind only)")
    ANNOUNCEMENT_SENT = "announcement.sent", _("An announcement was sent")
    DOORS_OPENED = "program.doors_opened", _("The doors opened")
    MATCHES_PUBLISHED = "matching.published", _("A match run was published")
    PROGRAM_CLOSED = "program.closed", _("The program ended")
    PING = "ping", _("A test message (Send a ping)")


@dataclass(frozen=True)
class DomainEvent:
    """One thing that happened in a program: its type, its identity, ids and counts only."""

    type: str
    key: str
    program_id: int
    occurred_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@slot
def events_happened(*, events: Sequence[DomainEvent]) -> None:
    """Hear of events whose transaction has just committed (nobody listens by default)."""
    return None


def event_emit(
    type: str, *, program_id: int, key: str, data: Mapping[str, Any] | None = None
) -> None:
    """Tell the listeners of the event once the current transaction commits (never if not)."""
    event = DomainEvent(
        type=str(type),
        key=f"{type}:{key}",
        program_id=program_id,
        occurred_at=clock.now(),
        data=dict(data or {}),
    )
    transaction.on_commit(lambda: events_happened(events=[event]), robust=True)
