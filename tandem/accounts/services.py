"""Writes for accounts: personal API tokens, the language a person reads Tandem in."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import ApiToken, User
from tandem.core import clock
from tandem.core.errors import NotFound, ValidationFailed

LABEL_REQUIRED = _("Give the token a label, so you know later where it is used.")
LABEL_TOO_LONG = _("Keep the label to 80 characters or fewer.")
REVOKE_NOT_FOUND = _("No such token on your account.")
LANGUAGE_UNKNOWN = _("Choose one of the languages offered, or follow your browser.")


@transaction.atomic
def api_token_create(*, user: User, label: str) -> tuple[ApiToken, str]:
    """Create a personal API token; return it and the raw value, which is never stored."""
    label = " ".join(label.split())
    if not label:
        raise ValidationFailed(LABEL_REQUIRED, field="label")
    if len(label) > ApiToken._meta.get_field("label").max_length:  # type: ignore[operator]
        raise ValidationFailed(LABEL_TOO_LONG, field="label")
    raw, token_hash = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        label=label,
        token_hash=token_hash,
        hint=raw[: len(ApiToken.PREFIX) + 4],
        created_at=clock.now(),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; another person's token answers NotFound."""
    token = (
        ApiToken.objects.select_for_update()
        .filter(pk=token_id, user=user, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise NotFound(REVOKE_NOT_FOUND)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Keep the language pages and emails use for ``user``; empty follows their browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationFailed(LANGUAGE_UNKNOWN, field="language")
    user.language = language
    user.save(update_fields=["language"])
    return user
