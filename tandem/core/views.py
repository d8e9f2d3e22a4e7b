from django.http import HttpRequest, HttpResponse
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404: the API's JSON error body under /api/, the site's page elsewhere.

    API routes with an ``{int:...}`` converter never see a negative id; without this, such a
    request would get an HTML page from a JSON API.
    """
    if request.path.startswith("/api/"):
        from tandem.api.api import not_found_json

        return not_found_json(request)
    return defaults.page_not_found(request, exception)
