from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.programs.selectors import program_list_for


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """Show the person's account: programs and roles."""
    return render(
        request,
        "accounts/settings.html",
        {"memberships": program_list_for(user=request.user)},
    )
