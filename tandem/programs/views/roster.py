"""The coordinator's roster: everyone in a program, their status and intake, filterable by status."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tandem.core.exports import csv_streaming_response
from tandem.programs import selectors
from tandem.programs.models import Membership
from tandem.programs.selectors.member_status import MemberStatus, member_status_counts
from tandem.programs.selectors.roster import roster_list
from tandem.programs.services.roster import ROSTER_EXPORT_HEADER, roster_export

ROSTER_PAGE_SIZE = 100

UNKNOWN_STATUS = _("Unknown status “{status}”: showing everyone. Pick one of the statuses above.")


@dataclass(frozen=True)
class RosterRow:
    membership: Membership
    status_label: str


def roster(request: HttpRequest, slug: str) -> HttpResponse:
    """List the program's people for its coordinators, a page at a time; anyone else gets 404."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    status = request.GET.get("status") or None
    status_error = None
    if status is not None and status not in MemberStatus.values:
        status_error = UNKNOWN_STATUS.format(status=status)
        status = None
    counts = member_status_counts(program=program)
    labels = dict(MemberStatus.choices)
    page = Paginator(roster_list(program=program, status=status), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        RosterRow(
            membership=m,
            status_label=str(labels.get(m.member_status, "")),  # type: ignore[attr-defined]
        )
        for m in page.object_list
    ]
    return render(
        request,
        "programs/roster.html",
        {
            "program": program,
            "rows": rows,
            "page": page,
            "query": urlencode({"status": status}) if status else "",
            "counts": counts,
            "total": sum(c.count for c in counts),
            "status": status,
            "status_error": status_error,
        },
        status=400 if status_error else 200,
    )


def roster_export_view(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Stream the roster as CSV to the program's coordinators (recorded in the audit log)."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    rows = roster_export(
        program=program, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
    )
    return csv_streaming_response(
        filename=f"{program.slug}-people.csv", header=ROSTER_EXPORT_HEADER, rows=rows
    )
