"""Reads for integrations: a program's endpoints and their recent deliveries, for coordinators.

``access_endpoint`` returns one of the program's endpoints or raises NotFound, as for one that
does not exist; the program itself comes from ``access_program_as_coordinator``. A chat
channel's address is shown shortened (it is the key to the channel); a secret is never read.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Prefetch, QuerySet

from tandem.core.errors import NotFound
from tandem.core.events import EventType
from tandem.integrations.models import Delivery, DeliveryAttempt, Endpoint
from tandem.programs.models import Program

RECENT_DELIVERIES = 30


def access_endpoint(*, program: Program, endpoint_id: int) -> Endpoint:
    """Return the program's endpoint ``endpoint_id``; NotFound when it has none of that id."""
    endpoint = (
        Endpoint.objects.filter(program=program, pk=endpoint_id).select_related("program").first()
    )
    if endpoint is None:
        raise NotFound()
    return endpoint


def url_shown(endpoint: Endpoint) -> str:
    """Return the address as the pages and the API show it: a chat address shortened."""
    if endpoint.is_webhook:
        return endpoint.url
    parts = urlsplit(endpoint.url)
    return f"{parts.scheme}://{parts.hostname}/…{endpoint.url[-4:]}"


def event_label(value: str) -> str:
    """Return the words for an event type (the value itself when it is unknown)."""
    try:
        return str(EventType(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class EndpointRow:
    endpoint: Endpoint
    url: str
    events: list[str]


def endpoint_list(*, program: Program) -> list[EndpointRow]:
    """Return the program's endpoints, oldest first, with their address and events in words."""
    return [
        EndpointRow(e, url_shown(e), [event_label(v) for v in e.events])
        for e in Endpoint.objects.filter(program=program).order_by("created_at", "id")
    ]


def delivery_list(*, program: Program, endpoint: Endpoint | None = None) -> QuerySet[Delivery]:
    """Return the program's (or one endpoint's) deliveries, newest first, attempts included."""
    deliveries = Delivery.objects.filter(endpoint__program=program)
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return (
        deliveries.select_related("endpoint")
        .prefetch_related(Prefetch("tries", queryset=DeliveryAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")
    )


def delivery_recent(*, program: Program) -> list[Delivery]:
    """Return the program's most recent deliveries (``RECENT_DELIVERIES``), attempts included."""
    return list(delivery_list(program=program)[:RECENT_DELIVERIES])
