"""Site-wide response policies that no single view should have to remember."""

from collections.abc import Callable
from functools import cache
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation

from tandem.core.errors import NotFound
from tandem.core.viewer import viewer_zone

NO_STORE = "no-store, private"


@cache
def _api_prefix() -> str:
    return reverse("api:api-root")


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for the JSON API (``/api/v1/...``)."""
    return request.path_info.startswith(_api_prefix())


class PrivateNoStoreMiddleware:
    """Mark every API response and every response to a signed-in person ``no-store, private``.

    Signed-in pages show notes, messages, agreements and goals; a browser's back button, a shared
    computer's disk cache or a proxy must never replay them after sign-out. Static files are served
    by WhiteNoise before this middleware runs, so they stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self._is_private(request):
            response.headers["Cache-Control"] = NO_STORE
        return response

    def _is_private(self, request: HttpRequest) -> bool:
        if is_api(request):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


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


class ViewerZoneMiddleware:
    """Show every page's times in the viewer's zone (the rule: ``tandem.core.viewer``).

    The zone is chosen once the view is known (a program page's ``slug`` names its program)
    and given up when the response is made, so no request inherits another's zone. The API
    is left out: its instants carry their offset, and a message naming a day names its zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> None:
        if is_api(request):
            return
        zone = viewer_zone(request, view_kwargs)
        if zone:
            timezone.activate(ZoneInfo(zone))


def viewer_zone_context(request: HttpRequest) -> dict[str, str]:
    """Give templates ``viewer_zone``, the zone the page's times are shown in, to name it."""
    return {"viewer_zone": timezone.get_current_timezone_name()}


class PersonLanguageMiddleware:
    """Speak the signed-in person's language: the one chosen on their account page.

    Django's ``LocaleMiddleware`` (before this one) has already picked the visitor's language
    from the language cookie or the browser's ``Accept-Language``; a person who chose a language
    keeps it on every device. An API call that names a language in ``Accept-Language`` is
    answered in it (a script asks for what it can read).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = getattr(request.user, "language", "")
        if language and not (is_api(request) and "HTTP_ACCEPT_LANGUAGE" in request.META):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
