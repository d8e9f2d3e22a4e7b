"""A program's integrations: webhook endpoints and its Slack or Teams channel, and deliveries.

An ``Endpoint`` is an address Tandem posts to when one of its chosen events happens. A webhook
endpoint signs each delivery with its own secret (kept to sign, never shown after creation);
a Slack or Microsoft Teams channel gets a short message instead (at most one per program).
A ``Delivery`` is one event for one endpoint, created once (unique per endpoint and event) with
the exact body every attempt sends; each ``DeliveryAttempt`` records what the receiver answered.
"""

import uuid

from django.db import models
from django.db.models import Q

from tandem.core import clock
from tandem.core.models import TimeStampedModel
from tandem.programs.models import Program

URL_MAX_LENGTH = 500
LABEL_MAX_LENGTH = 80
ANSWER_MAX_LENGTH = 500
ERROR_MAX_LENGTH = 200


class Endpoint(TimeStampedModel):
    """An address that hears of the program's chosen events."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="integration_endpoints"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=LABEL_MAX_LENGTH, blank=True)
    url = models.CharField(max_length=URL_MAX_LENGTH)
    # The event types (core.events.EventType values) the endpoint hears of.
    events = models.JSONField(default=list)
    # Signs webhook deliveries (HMAC-SHA256); empty for Slack and Teams. Shown once, never again.
    secret = models.CharField(max_length=80, blank=True, editable=False)
    secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(url=""), name="endpoint_has_url"),
            models.CheckConstraint(
                condition=Q(kind="webhook", secret__gt="") | (~Q(kind="webhook") & Q(secret="")),
                name="endpoint_secret_for_webhooks_only",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(kind__in=["slack", "teams"]),
                name="endpoint_one_chat_channel_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.program_id}"

    @property
    def is_webhook(self) -> bool:
        return self.kind == self.Kind.WEBHOOK


class Delivery(models.Model):
    """One event for one endpoint: sent until the receiver answers 2xx, or attempts run out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as the Tandem-Delivery header and the body's "id": receivers dedupe on it.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40)
    event_key = models.CharField(max_length=120)
    body = models.TextField()  # the exact bytes (UTF-8) every attempt sends
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # attempts claimed so far
    created_at = models.DateTimeField(default=clock.now, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # An attempt under way holds the delivery until then; a worker that stopped lets it go.
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="delivery_once_per_event_and_endpoint"
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to endpoint #{self.endpoint_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try at a delivery: when, how long, what the receiver answered (truncated)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # none: no answer
    error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    answer = models.CharField(max_length=ANSWER_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_once"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery #{self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
