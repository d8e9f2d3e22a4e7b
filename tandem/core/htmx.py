"""htmx on the server: whether a request came from htmx, and how a refused action answers it.

A refused htmx action answers with the domain error's message as a small alert fragment,
retargeted to the ``#htmx-refusal`` region of base.html (``HX-Retarget``/``HX-Reswap``), so the
element the action aimed at stays as it was. The answer is a 200: htmx swaps only 2xx by
default, and a browser logs every 4xx as a console error, which the browser tests refuse.
An htmx form whose answer swaps the form back in (messages) shows the error on the form
instead, like any form error.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from tandem.core.errors import DomainError

REFUSAL_TARGET = "#htmx-refusal"


def is_htmx(request: HttpRequest) -> bool:
    """Return whether htmx sent the request (and expects a fragment back)."""
    return request.headers.get("HX-Request") == "true"


def htmx_refusal(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Answer a refused htmx action with why, shown in the page's refusal region."""
    body = render_to_string("core/_htmx_refusal.html", {"message": exc.message}, request=request)
    response = HttpResponse(body, status=200)
    response["HX-Retarget"] = REFUSAL_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response
