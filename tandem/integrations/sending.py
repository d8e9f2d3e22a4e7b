"""Posting one delivery: the signature, and an HTTP client that only talks to public addresses.

A webhook delivery is signed with the endpoint's secret: ``Tandem-Signature: sha256=<hex>``,
the HMAC-SHA256 of ``<Tandem-Timestamp> + "." + <body>``, so a receiver checks both that the
body is Tandem's and that it is fresh (docs/webhooks.md shows the check in Python). Slack and
Teams get the plain message body.

The client resolves the host itself and connects only to global addresses (never loopback,
private, link-local or reserved ones, unless ``TANDEM_WEBHOOK_ALLOW_LOOPBACK`` allows loopback in
development and tests); it connects to the very address it checked, so a name that resolves
differently a moment later cannot point it inside the network. It follows no redirect, uses no
proxy, gives up after ``TANDEM_WEBHOOK_TIMEOUT_SECONDS`` without an answer, and keeps at most
``ANSWER_MAX_LENGTH`` characters of what the receiver said.
"""

import hashlib
import hmac
import http.client
import ipaddress
import math
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import clock
from tandem.integrations.models import ANSWER_MAX_LENGTH, ERROR_MAX_LENGTH, Delivery, Endpoint

SIGNATURE_HEADER = "Tandem-Signature"
TIMESTAMP_HEADER = "Tandem-Timestamp"
DELIVERY_HEADER = "Tandem-Delivery"
EVENT_HEADER = "Tandem-Event"
USER_AGENT = "Tandem-Webhooks/1"
READ_AT_MOST = 4096


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``Tandem-Signature`` value of ``body`` sent at ``timestamp`` (Unix seconds)."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    """What one attempt got back: a status code and the start of the body, or why none came."""

    status_code: int | None
    answer: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Refused(Exception):
    """The address may not be posted to (the message says why, for the deliveries page)."""


def address_allowed(ip: str) -> bool:
    """Say whether Tandem may connect to ``ip``: a global address (loopback when allowed)."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return bool(settings.TANDEM_WEBHOOK_ALLOW_LOOPBACK)
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(
            _("The address's host name could not be found (%(host)s).") % {"host": host}
        ) from exc
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not address_allowed(a)]
    if refused or not addresses:
        raise Refused(
            _("Tandem posts to public addresses only; %(host)s is a private or local one.")
            % {"host": host}
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to the address already checked (loopback in development and tests only)."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address already checked, verifying the certificate of the host name."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def headers_for(*, endpoint: Endpoint, delivery: Delivery, body: bytes) -> dict[str, str]:
    """Return the headers of one attempt (a webhook's are signed at this attempt's time)."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if endpoint.is_webhook:
        timestamp = int(clock.now().timestamp())
        headers |= {
            DELIVERY_HEADER: str(delivery.uuid),
            EVENT_HEADER: delivery.event_type,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret=endpoint.secret, timestamp=timestamp, body=body),
        }
    return headers


def post(*, endpoint: Endpoint, delivery: Delivery) -> Answer:
    """Post the delivery's body to the endpoint once; never raises for the receiver's faults."""
    body = delivery.body.encode()
    timeout = float(settings.TANDEM_WEBHOOK_TIMEOUT_SECONDS)
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(endpoint.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = _resolve(host, port)
        connection_class = (
            _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        )
        if parts.scheme == "http" and not ipaddress.ip_address(address).is_loopback:
            raise Refused(_("Tandem posts over https only."))
        connection = connection_class(host, port, address=address, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers=headers_for(endpoint=endpoint, delivery=delivery, body=body),
            )
            response = connection.getresponse()
            text = response.read(READ_AT_MOST).decode("utf-8", errors="replace")
            status = response.status
        finally:
            connection.close()
    except Refused as exc:
        return Answer(None, error=str(exc)[:ERROR_MAX_LENGTH], duration_ms=took())
    except TimeoutError:
        return Answer(
            None,
            error=ngettext(
                "No answer within %(seconds)s second.",
                "No answer within %(seconds)s seconds.",
                math.ceil(timeout),
            )
            % {"seconds": f"{timeout:g}"},
            duration_ms=took(),
        )
    except (OSError, http.client.HTTPException) as exc:
        message = _("Could not connect: %(reason)s") % {"reason": exc.__class__.__name__}
        return Answer(None, error=message[:ERROR_MAX_LENGTH], duration_ms=took())
    error = ""
    if 300 <= status < 400:
        error = _("Tandem follows no redirect: give the final address.")
    return Answer(status, answer=text[:ANSWER_MAX_LENGTH], error=error, duration_ms=took())
