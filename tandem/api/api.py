"""The REST API under /api/v1/: one router per app, session or personal-token authentication."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from tandem.core import clock
from tandem.core.errors import DomainError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_...``: a personal API token made on the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from tandem.accounts.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=clock.now())
        request.user = found.user
        return found.user


class TokenHeaderAuth(APIKeyHeader):
    """The same token in an ``X-API-Key`` header, for clients that cannot set Bearer."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        return TokenAuth().authenticate(request, key)


api = NinjaAPI(
    title="Tandem API",
    version="1",
    description="Peer-mentoring programs. Authenticate with a personal API token "
    "(Authorization: Bearer ...) made on your account page, or a signed-in session.",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "field": exc.field}, status=exc.status_code
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: sign in or send a personal API token."},
        status=401,
    )


def _register_routers() -> None:
    from tandem.matching import api as matching_api
    from tandem.programs.api import intake, program, waitlist

    api.add_router("/programs", program.router)
    api.add_router("/waitlist", waitlist.router)
    api.add_router("/profiles", intake.router)
    api.add_router("/matching", matching_api.router)


_register_routers()
