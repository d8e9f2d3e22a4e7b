"""Signing in or up after opening an invitation leads back to it (the account adapter)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.programs.models import Membership
from tandem.programs.services.invitations import invitation_send
from tandem.programs.tests.factories import PASSWORD, CoordinatorFactory, UserFactory
from tandem.programs.views.invitations import PENDING_INVITATION_SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(frozen_clock):
    coordinator = CoordinatorFactory(program__name="Spanish for skiers")
    return invitation_send(
        program=coordinator.program,
        email="ada@example.org",
        role=Membership.Role.MEMBER,
        invited_by=coordinator.user,
    )


def sign_in(client, email: str = "ada@example.org"):
    # The header's "Sign in" link: no ?next= to carry the invitation.
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_signing_in_from_the_header_returns_to_the_open_invitation(client, invitation):
    UserFactory(email="ada@example.org")
    client.get(invitation.get_absolute_url())
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == invitation.get_absolute_url()
    page = client.get(response.url)
    assert "Join Spanish for skiers" in page.text
    client.post(invitation.get_absolute_url())
    assert PENDING_INVITATION_SESSION_KEY not in client.session
    client.logout()
    assert sign_in(client).url == reverse("home")


def test_signing_in_without_an_invitation_goes_home(client):
    UserFactory(email="ada@example.org")
    assert sign_in(client).url == reverse("home")


def test_an_expired_invitation_is_forgotten_at_sign_in(client, invitation):
    UserFactory(email="ada@example.org")
    client.get(invitation.get_absolute_url())
    clock.advance(timedelta(days=30))
    assert sign_in(client).url == reverse("home")
    assert PENDING_INVITATION_SESSION_KEY not in client.session


def test_signing_up_the_ordinary_way_returns_to_the_invitation_after_confirming(
    client, invitation, mailoutbox
):
    client.get(invitation.get_absolute_url())
    client.post(
        reverse("account_signup"),
        {"email": "ada@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body)
    assert link
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    confirmed = client.post(f"/{path}")
    assert confirmed.status_code == 302
    assert confirmed.url == invitation.get_absolute_url()
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(
        user__email="ada@example.org", program=invitation.program
    ).exists()
