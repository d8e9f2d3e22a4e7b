"""The site's own pages that belong to no app: the accessibility statement."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """Say what Tandem supports for accessibility, what it does not yet, and whom to ask."""
    return render(
        request,
        "core/accessibility.html",
        {"contact": settings.TANDEM_ACCESSIBILITY_CONTACT},
    )
