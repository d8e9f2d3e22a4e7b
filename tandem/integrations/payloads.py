"""What a delivery says: a webhook's JSON event, or a Slack or Teams message.

A webhook body is the event as JSON: ``id`` (the delivery, also the ``Tandem-Delivery`` header),
``type``, ``program`` (its slug), ``occurred_at`` (UTC, ISO 8601) and ``data`` (ids, counts and
codes only). A chat message is a sentence about the program with a link to it: never a member's
name, never anything a member wrote. Messages are written in the site's language.
"""

import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.events import DomainEvent, EventType
from tandem.core.links import absolute_url
from tandem.integrations.models import Endpoint
from tandem.programs.models import Program

# What each kind of endpoint may choose to hear of (a ping is sent on request, never chosen).
WEBHOOK_EVENTS = (
    EventType.MEMBER_JOINED,
    EventType.PARTNERSHIP_CREATED,
    EventType.PARTNERSHIP_ENDED,
    EventType.MEETING_HELD,
    EventType.MEETING_MISSED,
    EventType.HELP_REQUEST_RAISED,
)
CHAT_EVENTS = (
    EventType.ANNOUNCEMENT_SENT,
    EventType.DOORS_OPENED,
    EventType.MATCHES_PUBLISHED,
    EventType.PROGRAM_CLOSED,
)


def events_for(kind: str) -> tuple[EventType, ...]:
    """Return the events an endpoint of ``kind`` may choose."""
    return WEBHOOK_EVENTS if kind == Endpoint.Kind.WEBHOOK else CHAT_EVENTS


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def webhook_body(*, delivery_id: str, event: DomainEvent, program: Program) -> str:
    """Return the JSON body of a webhook delivery."""
    return _json(
        {
            "id": delivery_id,
            "type": event.type,
            "program": program.slug,
            "occurred_at": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "data": dict(event.data),
        }
    )


def chat_text(*, event: DomainEvent, program: Program) -> str:
    """Return the chat message about ``event``: a sentence and the program's link."""
    data = event.data
    with translation.override(settings.LANGUAGE_CODE):
        name = program.name
        if event.type == EventType.ANNOUNCEMENT_SENT:
            count = int(data.get("recipients", 0))
            sentence = ngettext(
                "%(program)s: an announcement went to %(count)d member: “%(subject)s”.",
                "%(program)s: an announcement went to %(count)d members: “%(subject)s”.",
                count,
            ) % {"program": name, "count": count, "subject": data.get("subject", "")}
        elif event.type == EventType.DOORS_OPENED:
            count = int(data.get("invited", 0))
            sentence = ngettext(
                "%(program)s: the doors are open; %(count)d person from the waitlist was invited.",
                "%(program)s: the doors are open; %(count)d people from the waitlist were invited.",
                count,
            ) % {"program": name, "count": count}
        elif event.type == EventType.MATCHES_PUBLISHED:
            count = int(data.get("partnerships", 0))
            sentence = ngettext(
                "%(program)s: matches are published; %(count)d new partnership has begun.",
                "%(program)s: matches are published; %(count)d new partnerships have begun.",
                count,
            ) % {"program": name, "count": count}
        elif event.type == EventType.PROGRAM_CLOSED:
            sentence = _("%(program)s has ended. Thank you to everyone who took part.") % {
                "program": name
            }
        else:
            sentence = _("Tandem is connected: %(program)s will post its news here.") % {
                "program": name
            }
    link = absolute_url(reverse("programs:detail", kwargs={"slug": program.slug}))
    return f"{sentence}\n{link}"


def chat_body(*, kind: str, text: str) -> str:
    """Return the body Slack or Microsoft Teams takes from an incoming webhook."""
    if kind == Endpoint.Kind.SLACK:
        return _json({"text": text})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }
    return _json(
        {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
    )


def body_for(*, endpoint: Endpoint, delivery_id: str, event: DomainEvent, program: Program) -> str:
    """Return what a delivery of ``event`` to ``endpoint`` sends, every attempt the same."""
    if endpoint.is_webhook:
        return webhook_body(delivery_id=delivery_id, event=event, program=program)
    return chat_body(kind=endpoint.kind, text=chat_text(event=event, program=program))
