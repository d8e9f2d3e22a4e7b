"""Writes for integrations: adding and removing endpoints, rotating a secret, sending a ping.

Every write is one transaction and is in the audit log, which never holds a secret or a chat
address (an address of Slack or Teams is itself the key to the channel): only the host, the
kind and the events. A webhook's secret is returned once, by the call that makes it.
"""

import ipaddress
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import AnswersInvalid
from tandem.core.events import DomainEvent, EventType
from tandem.core.models import AuditEvent
from tandem.integrations import deliveries, payloads
from tandem.integrations.models import LABEL_MAX_LENGTH, URL_MAX_LENGTH, Delivery, Endpoint
from tandem.programs.models import Program

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
SLACK_HOST = "hooks.slack.com"


class EndpointInvalid(AnswersInvalid):
    """An endpoint's address, events or label break a rule; every problem is named."""


def msg_url_required() -> str:
    return _("Enter the address Tandem should post to; it starts with https://.")


def msg_url_https() -> str:
    return _("Use an https:// address: Tandem sends events over encrypted connections only.")


def msg_url_too_long() -> str:
    return _("Keep the address to %(limit)d characters or fewer.") % {"limit": URL_MAX_LENGTH}


def msg_url_credentials() -> str:
    return _("Leave the user name and password out of the address; Tandem signs what it sends.")


def msg_url_private() -> str:
    return _("Use a public address: Tandem does not post to private or local networks.")


def msg_url_slack() -> str:
    return _(
        "Paste the Incoming Webhook address Slack gave you; it starts with https://hooks.slack.com/."
    )


def msg_no_events() -> str:
    return _("Choose at least one event: otherwise Tandem would never post anything.")


def msg_event_unknown(value: str) -> str:
    return _("Choose events from the list; “%(value)s” is not one of them.") % {"value": value}


def msg_label_too_long() -> str:
    return _("Keep the name to %(limit)d characters or fewer.") % {"limit": LABEL_MAX_LENGTH}


def msg_chat_taken() -> str:
    return _("The program has a Slack or Teams channel already: remove it first to use another.")


def _loopback_allowed(host: str) -> bool:
    return bool(settings.TANDEM_WEBHOOK_ALLOW_LOOPBACK) and host in LOOPBACK_HOSTS


def url_problem(url: str, *, kind: str) -> str | None:
    """Return what is wrong with ``url`` for an endpoint of ``kind``, or None."""
    if not url:
        return msg_url_required()
    if len(url) > URL_MAX_LENGTH:
        return msg_url_too_long()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return msg_url_required()
    if parts.scheme not in ("http", "https") or not host:
        return msg_url_https() if host else msg_url_required()
    if parts.username or parts.password:
        return msg_url_credentials()
    if parts.scheme == "http" and not _loopback_allowed(host):
        return msg_url_https()
    if _loopback_allowed(host):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (address is not None and not address.is_global) or host == "localhost":
        return msg_url_private()
    if kind == Endpoint.Kind.SLACK and host != SLACK_HOST:
        return msg_url_slack()
    return None


def endpoint_problems(*, kind: str, url: str, events: Sequence[str], label: str) -> dict[str, str]:
    """Return every problem with an endpoint at once, by field (empty when it can be kept)."""
    errors: dict[str, str] = {}
    problem = url_problem(url, kind=kind)
    if problem:
        errors["url"] = problem
    allowed = {str(e) for e in payloads.events_for(kind)}
    unknown = [e for e in events if e not in allowed]
    if unknown:
        errors["events"] = msg_event_unknown(unknown[0])
    elif not events:
        errors["events"] = msg_no_events()
    if len(label) > LABEL_MAX_LENGTH:
        errors["label"] = msg_label_too_long()
    return errors


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _audit(action: str, *, endpoint: Endpoint, actor: Any, after: dict[str, Any]) -> None:
    audit_record(
        action=action,
        actor=actor,
        program=endpoint.program,
        subject_label=f"{endpoint.get_kind_display()} {_host(endpoint.url)}"[:254],
        after={"endpoint": endpoint.pk, "kind": endpoint.kind, **after},
    )


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class EndpointCreated:
    """An endpoint just kept, with its secret: the only time the secret is given out."""

    endpoint: Endpoint
    secret: str


@transaction.atomic
def endpoint_create(
    *,
    program: Program,
    actor: Any,
    kind: str,
    url: str,
    events: Sequence[str],
    label: str = "",
) -> EndpointCreated:
    """Keep a webhook endpoint, or the program's Slack or Teams channel; every problem at once.

    A webhook gets a new signing secret, returned here and never again (a chat channel has
    none). Raises EndpointInvalid naming each field at fault.
    """
    url, label = url.strip(), label.strip()
    events = list(dict.fromkeys(str(e) for e in events))
    if kind not in Endpoint.Kind.values:
        kind = Endpoint.Kind.WEBHOOK
    errors = endpoint_problems(kind=kind, url=url, events=events, label=label)
    is_chat = kind != Endpoint.Kind.WEBHOOK
    others = Endpoint.objects.filter(program=program).exclude(kind=Endpoint.Kind.WEBHOOK)
    if is_chat and "url" not in errors and others.exists():
        errors["url"] = msg_chat_taken()
    if errors:
        raise EndpointInvalid(errors)
    secret = "" if is_chat else _new_secret()
    endpoint = Endpoint(
        program=program,
        kind=kind,
        url=url,
        events=events,
        label=label,
        secret=secret,
        secret_set_at=None if is_chat else clock.now(),
    )
    try:
        with transaction.atomic():
            endpoint.save()
    except IntegrityError:  # a second chat channel saved a moment earlier
        raise EndpointInvalid({"url": msg_chat_taken()}) from None
    _audit(
        AuditEvent.Action.INTEGRATION_ADDED,
        endpoint=endpoint,
        actor=actor,
        after={"host": _host(url), "events": ", ".join(events)},
    )
    return EndpointCreated(endpoint=endpoint, secret=secret)


@transaction.atomic
def endpoint_remove(*, endpoint: Endpoint, actor: Any) -> None:
    """Remove an endpoint: nothing more is sent to it; its waiting deliveries go with it."""
    _audit(
        AuditEvent.Action.INTEGRATION_REMOVED,
        endpoint=endpoint,
        actor=actor,
        after={"host": _host(endpoint.url), "removed": True},
    )
    Endpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: Endpoint, actor: Any) -> str:
    """Give a webhook endpoint a new signing secret and return it (shown once); the old one
    stops signing at once, deliveries still waiting are signed with the new one."""
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not locked.is_webhook:
        raise EndpointInvalid({"secret": _("Only webhooks have a signing secret.")})
    locked.secret = _new_secret()
    locked.secret_set_at = clock.now()
    locked.save(update_fields=["secret", "secret_set_at"])
    _audit(
        AuditEvent.Action.INTEGRATION_SECRET_ROTATED,
        endpoint=locked,
        actor=actor,
        after={"host": _host(locked.url), "secret": "rotated"},
    )
    return locked.secret


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint, enqueue: deliveries.Enqueue) -> Delivery:
    """Send a test event to the endpoint now, through the worker like any other."""
    event = DomainEvent(
        type=EventType.PING.value,
        key=f"{EventType.PING.value}:{uuid.uuid4()}",
        program_id=endpoint.program_id,
        occurred_at=clock.now(),
        data={"endpoint_id": endpoint.pk},
    )
    delivery = deliveries.delivery_create(endpoint=endpoint, event=event)
    assert delivery is not None  # a new key each time
    transaction.on_commit(lambda: enqueue(delivery.pk, 1, None))
    return delivery
