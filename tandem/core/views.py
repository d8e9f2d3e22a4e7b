from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from tandem.programs.selectors import program_list_for, program_list_public


def home(request: HttpRequest) -> HttpResponse:
    """Show the visitor the open programs, and a signed-in person their own programs too."""
    mine = program_list_for(user=request.user) if request.user.is_authenticated else []
    return render(
        request,
        "core/home.html",
        {"my_programs": mine, "public_programs": program_list_public()},
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer 404: the API's JSON error body under /api/, the site's page elsewhere.

    API routes with an ``{int:...}`` converter never see a negative id; without this, such a
    request would get an HTML page from a JSON API.
    """
    if request.path.startswith("/api/"):
        from tandem.api.api import not_found_json

        return not_found_json(request)
    return defaults.page_not_found(request, exception)
