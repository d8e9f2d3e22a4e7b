"""Worksheet links on other apps' pages: the partnership page, a meeting's page, the cockpit.

Each tag reads through the worksheets selectors and renders a small fragment, so those pages
need one line in their template and nothing in their views.
"""

from typing import Any

from django import template

from tandem.meetings.models import Meeting
from tandem.partnerships.models import Partnership
from tandem.programs.models import Program
from tandem.worksheets import selectors

register = template.Library()


@register.inclusion_tag("worksheets/_partnership_section.html")
def partnership_worksheets(partnership: Partnership) -> dict[str, Any]:
    """The partnership page's list of worksheets (the page has checked the viewer is a partner)."""
    return {
        "partnership": partnership,
        "rows": selectors.worksheet_rows_for(partnership=partnership),
    }


@register.inclusion_tag("worksheets/_meeting_due.html")
def meeting_worksheets(meeting: Meeting) -> dict[str, Any]:
    """A meeting page's link to the worksheets due at it (the page has checked the viewer)."""
    return {
        "partnership_id": meeting.partnership_id,
        "templates": selectors.worksheets_due_at(meeting=meeting),
    }


@register.inclusion_tag("worksheets/_progress.html")
def worksheet_progress(program: Program) -> dict[str, Any]:
    """The cockpit's count of partnerships that marked each worksheet done (never content)."""
    return {"program": program, "progress": selectors.worksheet_progress(program=program)}
