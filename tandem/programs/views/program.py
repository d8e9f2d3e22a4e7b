from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tandem.core.errors import NotFound
from tandem.programs import selectors


def program_public(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a program's public page: what it is, who it is for, and how to get in."""
    try:
        program = selectors.access_program_public(slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    membership = selectors.membership_get(user=request.user, program=program)
    return render(request, "programs/public.html", {"program": program, "membership": membership})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a program to one of its members or coordinators."""
    try:
        program, membership = selectors.access_program(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "programs/detail.html", {"program": program, "membership": membership})


urlpatterns = [
    path("<slug:slug>/", program_public, name="public"),
    path("<slug:slug>/home/", program_detail, name="detail"),
]
