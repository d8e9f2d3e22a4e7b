"""Site-wide response policies that no single view should have to remember."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse

from tandem.core.errors import NotFound

NO_STORE = "no-store, private"


class PrivateNoStoreMiddleware:
    """Mark every API response and every response to a signed-in person ``no-store, private``.

    Signed-in pages show notes, messages, agreements and goals; a browser's back button, a shared
    computer's disk cache or a proxy must never replay them after sign-out. Static files are served
    by WhiteNoise before this middleware runs, so they stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._api_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self._is_private(request):
            response.headers["Cache-Control"] = NO_STORE
        return response

    def _is_private(self, request: HttpRequest) -> bool:
        if request.path_info.startswith(self.api_prefix):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @property
    def api_prefix(self) -> str:
        if self._api_prefix is None:
            self._api_prefix = reverse("api:api-root")
        return self._api_prefix


class DomainNotFoundMiddleware:
    """Answer a page whose view let a domain :class:`~tandem.core.errors.NotFound` escape with 404.

    Selectors and services raise ``NotFound`` for what does not exist and for what belongs to
    someone the caller may not see (the same answer, so nothing leaks). Views let it through;
    this is the one place that turns it into Django's 404 page. The API maps it to a JSON 404 on
    its own (``tandem.api.errors``) before it reaches here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
