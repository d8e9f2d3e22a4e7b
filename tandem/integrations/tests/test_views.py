"""The integrations page and API: coordinators of the program only (404 for anyone else), every
problem named at once, the secret shown once, constant queries as deliveries grow."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts import services as accounts
from tandem.integrations.models import Endpoint
from tandem.integrations.tests.factories import (
    DeliveryAttemptFactory,
    DeliveryFactory,
    EndpointFactory,
)
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def url(name, program, **kwargs):
    return reverse(f"integrations:{name}", kwargs={"slug": program.slug, **kwargs})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> dict[str, str]:
    _token, raw = accounts.api_token_create(user=user, label="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_cockpit_and_the_settings_navigation_link_to_the_page(program, coordinator, client):
    target = url("list", program)
    assert target in client.get(reverse("dashboard:cockpit", args=[program.slug])).text
    assert target in client.get(reverse("programs:manage", args=[program.slug])).text
    assert client.get(target).status_code == 200


def test_another_programs_coordinator_and_a_member_get_404_everywhere(program):
    endpoint = EndpointFactory(program=program)
    other = ProgramFactory()
    outsider = CoordinatorFactory(program=other).user
    member = MembershipFactory(program=program).user
    for user in (outsider, member):
        client = signed_in(user)
        assert client.get(url("list", program)).status_code == 404
        for name in ("remove", "secret_rotate", "ping"):
            assert client.post(url(name, program, pk=endpoint.pk)).status_code == 404
        assert client.post(url("webhook_add", program), {"url": "https://x.org"}).status_code == 404
        api = f"/api/v1/integrations/{program.slug}/endpoints"
        assert client.get(api, **bearer(user)).status_code == 404
        assert client.delete(f"{api}/{endpoint.pk}", **bearer(user)).status_code == 404
    # Another program's endpoint through one's own program is missing, too.
    mine = signed_in(outsider)
    assert mine.post(url("remove", other, pk=endpoint.pk)).status_code == 404
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_bad_address_and_no_events_are_shown_together_on_the_page(program, coordinator, client):
    response = client.post(
        url("webhook_add", program), {"url": "http://crm.example.org", "label": "CRM"}
    )
    assert response.status_code == 400
    text = response.text
    assert "Use an https:// address: Tandem sends events over encrypted connections only." in text
    assert "Choose at least one event: otherwise Tandem would never post anything." in text
    assert 'value="http://crm.example.org"' in text  # nothing typed is lost
    assert not Endpoint.objects.exists()


def test_the_secret_is_shown_once_after_adding_and_never_on_the_page(program, coordinator, client):
    response = client.post(
        url("webhook_add", program),
        {"url": "https://crm.example.org/in", "events": ["member.joined", "partnership.ended"]},
    )
    endpoint = Endpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.text
    assert "Tandem will not show it again" in response.text
    page = client.get(url("list", program)).text
    assert endpoint.secret not in page
    assert "https://crm.example.org/in" in page
    assert "A member joined, A partnership ended" in page


def test_a_chat_address_is_shown_shortened_and_disconnected(program, coordinator, client):
    response = client.post(
        url("chat_add", program),
        {
            "kind": "slack",
            "url": "https://hooks.slack.com/services/T0/B0/CHANNELKEY9",
            "events": ["program.closed"],
        },
    )
    assert response.status_code == 302
    page = client.get(url("list", program)).text
    assert "CHANNELKEY" not in page
    assert "https://hooks.slack.com/…KEY9" in page
    endpoint = Endpoint.objects.get()
    client.post(url("remove", program, pk=endpoint.pk))
    assert not Endpoint.objects.exists()


def test_the_page_costs_the_same_queries_for_one_or_many_deliveries(
    program, coordinator, client, django_assert_max_num_queries
):
    endpoint = EndpointFactory(program=program)
    DeliveryAttemptFactory(delivery=DeliveryFactory(endpoint=endpoint))
    client.get(url("list", program))
    for _ in range(10):
        delivery = DeliveryFactory(endpoint=EndpointFactory(program=program))
        DeliveryAttemptFactory(delivery=delivery, number=1, status_code=500)
        DeliveryAttemptFactory(delivery=delivery, number=2)
    with django_assert_max_num_queries(12):
        assert client.get(url("list", program)).status_code == 200


def test_the_api_creates_lists_rotates_pings_and_removes(program, coordinator):
    client = Client()
    auth = bearer(coordinator)
    base = f"/api/v1/integrations/{program.slug}"
    bad = client.post(
        f"{base}/endpoints",
        {"url": "https://10.1.2.3/", "events": []},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"url", "events"}
    created = client.post(
        f"{base}/endpoints",
        {"url": "https://crm.example.org/in", "events": ["member.joined"], "label": "CRM"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    listed = client.get(f"{base}/endpoints", **auth).json()
    assert listed == [{k: v for k, v in body.items() if k != "secret"}]
    assert body["secret"] not in client.get(f"{base}/endpoints", **auth).text
    pk = body["id"]
    rotated = client.post(f"{base}/endpoints/{pk}/secret", **auth).json()["secret"]
    assert rotated != body["secret"]
    ping = client.post(f"{base}/endpoints/{pk}/ping", **auth)
    assert ping.status_code == 202
    deliveries = client.get(f"{base}/deliveries?endpoint={pk}", **auth).json()
    assert [(d["id"], d["event_type"], d["status"]) for d in deliveries["items"]] == [
        (ping.json()["delivery_id"], "ping", "pending")
    ]
    assert client.delete(f"{base}/endpoints/{pk}", **auth).status_code == 204
    assert client.get(f"{base}/endpoints", **auth).json() == []


def test_the_audit_page_shows_who_added_and_removed_an_endpoint_without_its_secret(
    program, coordinator, client
):
    response = client.post(
        url("webhook_add", program),
        {"url": "https://crm.example.org/in", "events": ["member.joined"]},
    )
    endpoint = Endpoint.objects.get()
    client.post(url("secret_rotate", program, pk=endpoint.pk))
    endpoint.refresh_from_db()
    client.post(url("remove", program, pk=endpoint.pk))
    page = client.get(reverse("audit:log", args=[program.slug])).text
    for label in ("Integration added", "Webhook secret rotated", "Integration removed"):
        assert label in page
    assert "crm.example.org" in page
    assert endpoint.secret not in page
    assert response.context["secret"] not in page
