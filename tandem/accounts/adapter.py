"""Tandem's allauth adapter: clear throttle messages and links built from SITE_URL."""

from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_rates
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tandem.accounts import slots

TOO_MANY_LOGIN_ATTEMPTS = _(
    "Too many failed sign-in attempts with this address. Wait {minutes} minutes and try "
    "again, or reset your password if you have forgotten it."
)


def login_throttle_minutes() -> int:
    """Return how long (in whole minutes) a throttled sign-in has to wait, from the rate limits."""
    rates = get_rates(app="allauth.account", action="login_failed")
    longest = max((rate.duration for rate in rates), default=300)
    return max(1, round(longest / 60))


def rate_limit_wait_minutes() -> int:
    """Return the longest window (in whole minutes) of any account rate limit."""
    from allauth.account import app_settings

    longest = 60.0
    for action in app_settings.RATE_LIMITS:
        for rate in get_rates(app="allauth.account", action=action):
            longest = max(longest, rate.duration)
    return max(1, round(longest / 60))


def site_url(url: str) -> str:
    """Return ``url`` re-rooted on ``settings.SITE_URL`` (the address people reach us at)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


class AccountAdapter(DefaultAccountAdapter):
    def validation_error(self, code: str, *args: Any) -> ValidationError:
        if code == "too_many_login_attempts":
            message = TOO_MANY_LOGIN_ATTEMPTS.format(minutes=login_throttle_minutes())
            return ValidationError(message, code=code)
        return super().validation_error(code, *args)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return site_url(super().get_reset_password_from_key_url(key))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Someone who opened an invitation before signing in goes back to it.
        return slots.after_sign_in(request) or super().get_login_redirect_url(request)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        # Someone who signs up reading another language than the site's keeps it: their
        # emails (reminders, invitations) are written in it, not only the pages they open.
        user = super().save_user(request, user, form, commit=False)
        active = translation.get_language()
        if (
            not user.language
            and active != settings.LANGUAGE_CODE
            and active in dict(settings.LANGUAGES)
        ):
            user.language = active
        if commit:
            user.save()
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return slots.after_sign_in(request) or super().get_signup_redirect_url(request)
