"""The audit log page: a program's coordinators read who did what, page by page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.dashboard import selectors_audit as selectors

PAGE_SIZE = 50


@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the program's audit log to its coordinators; everyone else gets 404."""
    program = selectors.access_program_audit(user=request.user, slug=slug)
    events = selectors.audit_event_list_for_program(program=program)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"program": program, "page": page, "rows": selectors.audit_rows(page.object_list)}
    return render(request, "dashboard/audit.html", context)
