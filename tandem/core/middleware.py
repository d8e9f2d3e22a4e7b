"""Site-wide response policies that no single view should have to remember."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

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
