"""The account page: programs with roles, and personal API tokens."""

import pytest
from django.urls import reverse

from tandem.accounts.models import ApiToken
from tandem.programs.models import Membership
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_account_page_needs_sign_in(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_account_page_lists_each_program_with_its_role(client):
    user = UserFactory()
    CoordinatorFactory(user=user, program=ProgramFactory(name="Spanish for skiers"))
    MembershipFactory(
        user=user, program=ProgramFactory(name="Data circles"), status=Membership.Status.MATCHED
    )
    # Stored "ready" without an intake is not ready: the page says what the roster says.
    MembershipFactory(
        user=user, program=ProgramFactory(name="Book club"), status=Membership.Status.READY
    )
    MembershipFactory(program=ProgramFactory(name="Someone else's program"))
    client.force_login(user)
    text = " ".join(client.get(reverse("accounts:settings")).text.split())
    # A coordinator has no member status.
    assert "Spanish for skiers</a></td> <td>Coordinator</td> <td>—</td>" in text
    assert "Book club</a></td> <td>Member</td> <td>Intake to finish</td>" in text
    assert "Data circles</a></td> <td>Member</td> <td>Matched</td>" in text
    assert "Someone else" not in text


def test_created_token_is_shown_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), {"label": "reporting script"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("tdm_")
    assert raw in response.text
    assert "shown only this once" in response.text
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == ApiToken.hash(raw)

    again = client.get(reverse("accounts:settings"))
    assert raw not in again.text
    assert "reporting script" in again.text
    assert token.hint in again.text


def test_token_form_without_label_says_what_to_fix(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:token_create"), {"label": ""})
    assert response.status_code == 400
    assert "This is needed: fill it in." in response.text
    assert not ApiToken.objects.exists()


def test_revoking_a_token_removes_it_from_the_page(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:token_create"), {"label": "old laptop"})
    token = ApiToken.objects.get()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "Token “old laptop” revoked; it no longer works." in response.text
    assert "<td>old laptop</td>" not in response.text
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cannot_revoke_someone_elses_token_from_the_page(client):
    owner = UserFactory()
    client.force_login(owner)
    client.post(reverse("accounts:token_create"), {"label": "laptop"})
    token = ApiToken.objects.get()
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "That token was already revoked or is not yours." in response.text
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:token_create"), {"label": "laptop"})
    token = ApiToken.objects.get()
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
