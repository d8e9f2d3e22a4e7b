from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.programs.selectors import program_list_for, program_list_public


def home(request: HttpRequest) -> HttpResponse:
    """Show the visitor the open programs, and a signed-in person their own programs too."""
    mine = program_list_for(user=request.user) if request.user.is_authenticated else []
    return render(
        request,
        "core/home.html",
        {"my_programs": mine, "public_programs": program_list_public()},
    )
