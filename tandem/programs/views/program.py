from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tandem.programs import selectors
from tandem.programs.selectors import program as program_selectors
from tandem.programs.services.documents import (
    INLINE_EXTENSIONS,
    document_content_type,
    file_extension,
)


def program_public(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a program's public page: what it is, who it is for, and how to get in."""
    program = selectors.access_program_public(slug=slug)
    membership = selectors.membership_get(user=request.user, program=program)
    return render(request, "programs/public.html", {"program": program, "membership": membership})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a member to their home in the program (the one page for a member: dates, guidebook,
    partner, meetings), a coordinator to the program's cockpit; others get 404."""
    _program, membership = selectors.access_program(user=request.user, slug=slug)
    home = "dashboard:cockpit" if membership.is_coordinator else "dashboard:member_home"
    return redirect(home, slug=slug)


def program_help(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the referral resources: where to turn when a problem is beyond peer support."""
    program, membership = selectors.access_program(user=request.user, slug=slug)
    return render(
        request,
        "programs/help.html",
        {
            "program": program,
            "membership": membership,
            "resources": list(program_selectors.resource_list(program=program)),
            "coordinators": [
                c.user.name or c.user.email
                for c in program_selectors.coordinator_list(program=program)
            ],
        },
    )


def document_read(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Show a guidebook page or worksheet to a member of its program."""
    program, document = program_selectors.access_document(
        user=request.user, slug=slug, document_id=document_id
    )
    return render(request, "programs/document.html", {"program": program, "document": document})


def document_file(request: HttpRequest, slug: str, document_id: int) -> FileResponse:
    """Send an uploaded document to a member of its program (never through MEDIA_URL)."""
    _program, document = program_selectors.access_document(
        user=request.user, slug=slug, document_id=document_id
    )
    if not document.file:
        raise Http404
    name = (document.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=file_extension(name) not in INLINE_EXTENSIONS,
        filename=name,
        content_type=document_content_type(document=document),
    )
    response["Cache-Control"] = "private, no-store"
    return response
