"""Waitlist API: anonymous sign-up (same neutral answer as the page), the coordinator's list, and
opening the doors. Same services as the pages."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from tandem.api.errors import errors
from tandem.api.pagination import Pages
from tandem.programs import selectors
from tandem.programs.models import WaitlistEntry
from tandem.programs.selectors.waitlist import waitlist_entry_list
from tandem.programs.services.waitlist import (
    WAITLIST_SIGNUP_ANSWER,
    waitlist_open_doors,
    waitlist_signup,
    waitlist_signup_throttle,
)
from tandem.programs.views.waitlist import client_ip_address

router = Router(tags=["waitlist"])


class SignupIn(Schema):
    email: str


class DetailOut(Schema):
    detail: str


class EntryOut(Schema):
    email: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    invited_at: datetime | None


class OpenDoorsOut(Schema):
    invited: int
    program_status: str


@router.post(
    "/{slug}",
    auth=None,
    response={202: DetailOut, **errors(400, 404, 422, 429, authenticated=False)},
    summary="Join a program's waitlist",
)
def waitlist_signup_endpoint(request: HttpRequest, slug: str, payload: SignupIn) -> Status[dict]:
    """Put an address on the waitlist; it gets an email with a confirm link.

    The answer is the same whether or not the address was already listed. No authentication
    and no CSRF token; limited per IP address (429 when exceeded).
    """
    waitlist_signup_throttle(ip_address=client_ip_address(request))
    program = selectors.access_program_public(slug=slug)
    waitlist_signup(program=program, email=payload.email)
    return Status(202, {"detail": WAITLIST_SIGNUP_ANSWER})


@router.get(
    "/{slug}/entries",
    response={200: list[EntryOut], **errors(404, 422)},
    summary="List a program's waitlist",
)
@paginate(Pages, page_size=50)
def waitlist_entries_endpoint(request: HttpRequest, slug: str) -> list[WaitlistEntry]:
    """The waitlist, oldest first (coordinators of the program only)."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    return waitlist_entry_list(program=program)  # type: ignore[return-value]


@router.post(
    "/{slug}/open-doors",
    response={200: OpenDoorsOut, **errors(403, 404, 409)},
    summary="Open the doors: invite every confirmed entry",
)
def waitlist_open_doors_endpoint(request: HttpRequest, slug: str) -> Status[dict]:
    """Invite every confirmed entry not yet invited (coordinators of the program only)."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    invited = waitlist_open_doors(program=program, actor=request.user)
    program.refresh_from_db(fields=["status"])
    return Status(200, {"invited": invited, "program_status": program.status})
