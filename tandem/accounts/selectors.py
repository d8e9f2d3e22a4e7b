"""Reads for accounts."""

from django.db.models import QuerySet

from tandem.accounts.models import ApiToken, User


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """Return the user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
