"""The program's partnerships as a CSV download for its coordinators."""

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from tandem.core.exports import csv_streaming_response
from tandem.partnerships.services.export import PARTNERSHIP_EXPORT_HEADER, partnership_export
from tandem.programs import selectors as program_selectors


def partnership_export_view(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Stream every partnership of the program as CSV (recorded in the audit log)."""
    program = program_selectors.access_program_as_coordinator(user=request.user, slug=slug)
    rows = partnership_export(
        program=program, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
    )
    return csv_streaming_response(
        filename=f"{program.slug}-partnerships.csv", header=PARTNERSHIP_EXPORT_HEADER, rows=rows
    )
