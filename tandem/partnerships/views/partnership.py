"""A member's partnerships: the list, and one partnership with the partners and why they match."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.partnerships.selectors.partnership import access_partnership, partnership_list_for
from tandem.partnerships.slots import partnership_introduction


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    """List the partnerships the signed-in person sits in."""
    partnerships = partnership_list_for(user=request.user)
    return render(request, "partnerships/list.html", {"partnerships": partnerships})


def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one partnership to its partners only (anyone else gets 404)."""
    partnership = access_partnership(user=request.user, pk=pk)
    intro = partnership_introduction(partnership=partnership, user=request.user)
    return render(
        request,
        "partnerships/detail.html",
        {"partnership": partnership, "program": partnership.program, "intro": intro},
    )
