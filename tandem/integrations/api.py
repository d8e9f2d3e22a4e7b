"""Integrations API (``/api/v1/integrations``): a program's webhooks and Slack or Teams channel.

The program's coordinators only, with the same rules as the page; anyone else gets 404. A
webhook's signing secret is in the answer that creates it (or rotates it), and never again.
"""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from tandem.api.errors import errors
from tandem.api.pagination import Pages
from tandem.integrations import selectors, services, tasks
from tandem.integrations.models import Delivery, DeliveryAttempt, Endpoint
from tandem.programs.selectors import access_program_as_coordinator

router = Router(tags=["integrations"])

DELIVERY_PAGE_SIZE = 50


class EndpointOut(Schema):
    id: int
    kind: str
    label: str
    url: str  # a Slack or Teams address shortened: it is the key to the channel
    events: list[str]
    created_at: datetime
    secret_set_at: datetime | None

    @staticmethod
    def of(endpoint: Endpoint) -> "EndpointOut":
        return EndpointOut(
            id=endpoint.pk,
            kind=endpoint.kind,
            label=endpoint.label,
            url=selectors.url_shown(endpoint),
            events=list(endpoint.events),
            created_at=endpoint.created_at,
            secret_set_at=endpoint.secret_set_at,
        )


class EndpointCreatedOut(EndpointOut):
    secret: str  # empty for Slack and Teams; shown this once for a webhook


class EndpointIn(Schema):
    kind: Literal["webhook", "slack", "teams"] = "webhook"
    url: str
    events: list[str]
    label: str = ""


class SecretOut(Schema):
    secret: str


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str
    answer: str


class DeliveryOut(Schema):
    id: UUID
    endpoint_id: int
    event_type: str
    status: str
    attempts: list[AttemptOut]
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @staticmethod
    def resolve_id(obj: Delivery) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_attempts(obj: Delivery) -> list[DeliveryAttempt]:
        return list(obj.tries.all())


class PingOut(Schema):
    delivery_id: UUID


@router.get("/{slug}/endpoints", response={200: list[EndpointOut], **errors(404)})
def endpoint_list(request: HttpRequest, slug: str) -> list[EndpointOut]:
    """List the program's webhooks and its Slack or Teams channel (no secret)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return [EndpointOut.of(row.endpoint) for row in selectors.endpoint_list(program=program)]


@router.post("/{slug}/endpoints", response={201: EndpointCreatedOut, **errors(400, 403, 404, 422)})
def endpoint_create(
    request: HttpRequest, slug: str, payload: EndpointIn
) -> Status[EndpointCreatedOut]:
    """Add a webhook (its ``secret`` is in this answer only) or the program's chat channel.

    Every problem at once in ``errors``: an address that is not https or is private, no event
    chosen, an event that is not one of the kind's.
    """
    program = access_program_as_coordinator(user=request.user, slug=slug)
    created = services.endpoint_create(
        program=program,
        actor=request.user,
        kind=payload.kind,
        url=payload.url,
        events=payload.events,
        label=payload.label,
    )
    out = EndpointOut.of(created.endpoint)
    return Status(201, EndpointCreatedOut(**out.model_dump(), secret=created.secret))


@router.delete("/{slug}/endpoints/{int:pk}", response={204: None, **errors(403, 404)})
def endpoint_remove(request: HttpRequest, slug: str, pk: int) -> Status[None]:
    """Remove an endpoint; nothing more is sent to it."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    endpoint = selectors.access_endpoint(program=program, endpoint_id=pk)
    services.endpoint_remove(endpoint=endpoint, actor=request.user)
    return Status(204, None)


@router.post(
    "/{slug}/endpoints/{int:pk}/secret", response={200: SecretOut, **errors(400, 403, 404)}
)
def endpoint_secret_rotate(request: HttpRequest, slug: str, pk: int) -> SecretOut:
    """Give a webhook a new signing secret (in this answer only); the old one stops at once."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    endpoint = selectors.access_endpoint(program=program, endpoint_id=pk)
    return SecretOut(secret=services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user))


@router.post("/{slug}/endpoints/{int:pk}/ping", response={202: PingOut, **errors(403, 404)})
def endpoint_ping(request: HttpRequest, slug: str, pk: int) -> Status[PingOut]:
    """Send a test event (``ping``) to the endpoint through the worker."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    endpoint = selectors.access_endpoint(program=program, endpoint_id=pk)
    delivery = services.endpoint_ping(endpoint=endpoint, enqueue=tasks.delivery_enqueue)
    return Status(202, PingOut(delivery_id=delivery.uuid))


@router.get("/{slug}/deliveries", response={200: list[DeliveryOut], **errors(404, 422)})
@paginate(Pages, page_size=DELIVERY_PAGE_SIZE)
def delivery_list(
    request: HttpRequest, slug: str, endpoint: int | None = None
) -> QuerySet[Delivery]:
    """List the program's deliveries (``?endpoint=`` for one), newest first, with attempts."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    chosen = selectors.access_endpoint(program=program, endpoint_id=endpoint) if endpoint else None
    return selectors.delivery_list(program=program, endpoint=chosen)
