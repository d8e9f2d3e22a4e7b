"""The REST API under /api/v1/: the apps' routers assembled, with authentication and errors.

This is the top of the API: it imports every app's router. The apps themselves import only
the base in ``tandem.api`` (error schemas, fields, pagination), never this module.
"""

from typing import Any

from django.conf import settings
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from psycopg.errors import NumericValueOutOfRange

from tandem.core import clock
from tandem.core.errors import DomainError

# The API answers in the caller's language: their Accept-Language, else their account's.
AUTH_REQUIRED = _("Authentication required: sign in or send a personal API token.")
NOT_FOUND = _("Not found.")
VALIDATION_FAILED = _("The request has invalid values; see errors for each field.")


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


class SessionAuth(APIKeyCookie):
    """A signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken``).

    Unlike ninja's ``django_auth`` the CSRF check runs only when a session is signed in, so a
    client with a missing or revoked token gets 401 rather than a puzzling CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


session_auth = SessionAuth()

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description="Peer-mentoring programs. Authenticate with a personal API token "
    "(Authorization: Bearer ...) made on your account page, or a signed-in session.",
    auth=[TokenAuth(), TokenHeaderAuth(), session_auth],
    urls_namespace="api",
    # Swagger UI from ninja's bundled static files (ninja is in INSTALLED_APPS): no CDN, and no
    # inline script, so it works offline and under our CSP.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
)


def _error(
    request: HttpRequest,
    detail: str | Promise,
    *,
    field: str | None = None,
    status: int,
    **extra: Any,
) -> HttpResponse:
    body = {"detail": str(detail), "field": field, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # An error that checked every answer first also lists each problem, as a 422 does.
    problems = exc.problems()
    extra: dict[str, Any] = {}
    if len(problems) > 1:
        extra["errors"] = [{"field": field, "message": message} for field, message in problems]
    return _error(request, exc.message, field=exc.field, status=exc.status_code, **extra)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, AUTH_REQUIRED, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.message, status=exc.status_code)


@api.exception_handler(OverflowError)
def number_out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or page number beyond 64 bits names nothing that can exist (SQLite raises this).
    return _error(request, NOT_FOUND, status=404)


@api.exception_handler(DataError)
def database_refused(request: HttpRequest, exc: DataError) -> HttpResponse:
    # PostgreSQL's answer to the same out-of-range number; any other DataError is a bug.
    if not isinstance(exc.__cause__, NumericValueOutOfRange):
        raise exc
    return _error(request, NOT_FOUND, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404: the API's JSON error body under /api/, the site's page elsewhere.

    API routes with an ``{int:...}`` converter never see a negative id; without this, such a
    request would get an HTML page from a JSON API.
    """
    if request.path.startswith("/api/"):
        return _error(request, NOT_FOUND, status=404)
    return defaults.page_not_found(request, exception)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, NOT_FOUND, status=404)


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str | None:
    """Return the dotted field path of a pydantic error location, without ninja's prefixes."""
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    field = errors[0]["field"] if errors else None
    message = errors[0]["message"] or VALIDATION_FAILED if errors else VALIDATION_FAILED
    detail = f"{field}: {message}" if field else str(message)
    return _error(request, detail, field=field, status=422, errors=errors)


def _register_routers() -> None:
    from tandem.accounts import api as accounts_api
    from tandem.dashboard import api as dashboard_api
    from tandem.goals import api as goals_api
    from tandem.integrations import api as integrations_api
    from tandem.matching import api as matching_api
    from tandem.meetings import api as meetings_api
    from tandem.partnerships import api as partnerships_api
    from tandem.programs.api import intake, program, roster, waitlist
    from tandem.support import api as support_api
    from tandem.worksheets import api as worksheets_api

    api.add_router("/programs", program.router)
    api.add_router("/programs", roster.router)
    api.add_router("/waitlist", waitlist.router)
    api.add_router("/profiles", intake.router)
    api.add_router("/me", accounts_api.router)
    api.add_router("/matching", matching_api.router)
    api.add_router("/meetings", meetings_api.router)
    api.add_router("/partnerships", partnerships_api.router)
    api.add_router("/goals", goals_api.router)
    api.add_router("/dashboard", dashboard_api.router)
    api.add_router("/support", support_api.router)
    # Help requests live in support but keep their paths under /goals and /dashboard.
    api.add_router("/", support_api.help_router)
    api.add_router("/worksheets", worksheets_api.router)
    api.add_router("/integrations", integrations_api.router)


_register_routers()
