"""Sign-up, verification, sign-in, password reset, sign-out and throttling, end to end."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tandem.accounts.adapter import TOO_MANY_LOGIN_ATTEMPTS
from tandem.accounts.models import User
from tandem.accounts.tests.factories import EmailAddressFactory
from tandem.programs.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase"


def _link(message, path_prefix: str) -> str:
    """Return the path of the first link in the email that starts with ``path_prefix``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _signed_in_as(client) -> str | None:
    response = client.get(reverse("accounts:settings"))
    if response.status_code != 200:
        return None
    return response.context["user"].email


def test_sign_up_sends_verification_link_that_signs_the_person_in(client, mailoutbox, settings):
    settings.SITE_URL = "https://tandem.example.org"
    response = client.post(
        reverse("account_signup"),
        {"email": "Ana@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert _signed_in_as(client) is None

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["ana@example.org"]
    assert email.subject.startswith("[Tandem] ")
    assert "https://tandem.example.org/accounts/confirm-email/" in email.body
    confirm_path = _link(email, "/accounts/confirm-email/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "ana@example.org" in page.text
    response = client.post(confirm_path)
    assert response.status_code == 302

    assert _signed_in_as(client) == "ana@example.org"
    assert EmailAddress.objects.get(email="ana@example.org").verified


def test_sign_up_with_mismatched_passwords_keeps_email_and_says_what_to_fix(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ana@example.org", "password1": PASSWORD, "password2": "something-else-entirely"},
    )
    assert response.status_code == 200
    assert 'value="ana@example.org"' in response.text
    assert "You must type the same password each time." in response.text
    assert not User.objects.exists()


@pytest.mark.parametrize(("browser", "kept"), [("es-ES,es;q=0.9", "es"), ("en-GB,en", "")])
def test_sign_up_keeps_the_language_the_person_read_it_in_for_their_emails(client, browser, kept):
    client.post(
        reverse("account_signup"),
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
        headers={"accept-language": browser},
    )
    # Spanish is kept so later emails (reminders) are Spanish too; English stays "follow
    # the browser", as the site's own language needs no choice.
    assert User.objects.get(email="ana@example.org").language == kept


def test_unverified_account_cannot_sign_in(client, mailoutbox):
    user = UserFactory(verified=False)
    user.save()  # the factory saves the password only together with the verified address
    EmailAddressFactory(user=user, email=user.email, verified=False, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert _signed_in_as(client) is None
    # A fresh verification link is sent instead.
    assert len(mailoutbox) == 1
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_verified_person_signs_in_and_out(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in_as(client) == user.email

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert _signed_in_as(client) is None


def test_wrong_password_says_so_and_keeps_the_email(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert f'value="{user.email}"' in response.text


def test_password_reset_email_lets_the_person_choose_a_new_password(client, mailoutbox, settings):
    settings.SITE_URL = "https://tandem.example.org"
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "https://tandem.example.org/accounts/password/reset/key/" in mailoutbox[0].body
    reset_path = _link(mailoutbox[0], "/accounts/password/reset/key/")

    # allauth moves the key into the session and redirects to a key-less form URL.
    response = client.get(reset_path)
    assert response.status_code == 302
    form_path = response.url
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
    assert _signed_in_as(client) == user.email


def test_sixth_failed_sign_in_is_throttled_with_a_clear_message(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "wrong guess"}
        )
        assert "not correct" in response.text
    # Even the right password is refused now.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert TOO_MANY_LOGIN_ATTEMPTS.format(minutes=5) in response.text
    assert "Wait 5 minutes and try again, or reset your password" in response.text
    assert _signed_in_as(client) is None


def test_rate_limited_request_gets_a_429_page_that_says_what_to_do(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/5m/ip"}
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "Wait 5 minutes and try again." in response.text
    assert reverse("account_reset_password") in response.text


def test_allauth_pages_use_the_site_layout(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "<title> Sign In · Tandem</title>" in " ".join(response.text.split())
    assert "vendor/pico/pico.min.css" in response.text
    assert 'class="brand"' in response.text
    assert 'name="login"' in response.text
