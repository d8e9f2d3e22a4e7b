"""Every sign-in and failed sign-in leaves exactly one line in the audit log."""

import pytest
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.programs.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = ("action", "actor_id", "actor_label", "subject_label", "ip_address", "program_id")


def test_successful_sign_in_writes_one_audit_event(client, frozen_clock):
    user = UserFactory()
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert list(AuditEvent.objects.values(*FIELDS, "occurred_at")) == [
        {
            "action": AuditEvent.Action.SIGN_IN,
            "actor_id": user.pk,
            "actor_label": user.email,
            "subject_label": user.email,
            "ip_address": "203.0.113.7",
            "program_id": None,
            "occurred_at": frozen_clock,
        }
    ]


def test_failed_sign_in_writes_one_audit_event_with_the_email_tried(client):
    user = UserFactory()
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": "not the password"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert list(AuditEvent.objects.values(*FIELDS)) == [
        {
            "action": AuditEvent.Action.SIGN_IN_FAILED,
            "actor_id": None,
            "actor_label": "",
            "subject_label": user.email,
            "ip_address": "198.51.100.4",
            "program_id": None,
        }
    ]


def test_failed_sign_in_for_unknown_address_is_recorded_with_that_address(client):
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "guess"})
    event = AuditEvent.objects.get()
    assert (event.action, event.subject_label, event.actor) == (
        AuditEvent.Action.SIGN_IN_FAILED,
        "nobody@example.org",
        None,
    )
    assert "guess" not in str(event.before) + str(event.after)


def test_sign_in_after_verifying_email_is_recorded(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not AuditEvent.objects.exists()
    path = mailoutbox[0].body.split("/accounts/confirm-email/", 1)[1].split()[0]
    client.post("/accounts/confirm-email/" + path)
    assert list(AuditEvent.objects.values_list("action", "subject_label")) == [
        (AuditEvent.Action.SIGN_IN, "ana@example.org")
    ]
