"""Coordinator pages to import members from a CSV file: upload, preview, confirm."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import DomainError
from tandem.interchange.members_csv import HEADERS
from tandem.programs import selectors
from tandem.programs.forms.member_import import MemberImportConfirmForm, MemberImportUploadForm
from tandem.programs.models import Program
from tandem.programs.services.member_import import (
    member_import_apply,
    member_import_digest,
    member_import_preview,
)

MSG_NOTHING_TO_CHANGE = _(
    "Nothing to change: everyone in this file is already in the program (or invited to it) "
    "with these details."
)
MSG_DONE = _("Import finished: {created} new, {updated} updated, {unchanged} unchanged.")
MSG_STALE = _(
    "There is no previewed file waiting to be imported (it was imported already, or the "
    "preview expired). Upload the file again."
)
PREVIEW_LIST_LIMIT = 50


def _session_key(program: Program) -> str:
    return f"member_import:{program.pk}"


def _upload_page(
    request: HttpRequest, program: Program, form: MemberImportUploadForm
) -> HttpResponse:
    # The columns are the file's own words, the same in every language.
    context = {"program": program, "form": form, "columns": HEADERS}
    return render(request, "programs/import.html", context)


def _coordinated_program(request: HttpRequest, slug: str) -> Program:
    return selectors.access_program_as_coordinator(user=request.user, slug=slug)


@require_http_methods(["GET", "POST"])
def member_import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the upload form; on upload, preview what the import would do (writing nothing)."""
    program = _coordinated_program(request, slug)
    if request.method != "POST":
        return _upload_page(request, program, MemberImportUploadForm())
    form = MemberImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, program, form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    plan = member_import_preview(program=program, data=data)
    key = _session_key(program)
    digest = ""
    if plan.can_import:
        # The parser accepted the file, so it is UTF-8 text; the database-backed session
        # keeps it until the coordinator confirms (no file is written to disk).
        text = data.decode("utf-8-sig")
        digest = member_import_digest(text.encode())
        request.session[key] = {"text": text, "digest": digest, "name": upload.name}
    else:
        request.session.pop(key, None)
    return render(
        request,
        "programs/import_preview.html",
        {
            "program": program,
            "plan": plan,
            "file_name": upload.name,
            "confirm_form": MemberImportConfirmForm(initial={"digest": digest}),
            "form": MemberImportUploadForm(),
            "msg_nothing_to_change": MSG_NOTHING_TO_CHANGE,
            "created_shown": plan.created[:PREVIEW_LIST_LIMIT],
            "created_more": max(0, len(plan.created) - PREVIEW_LIST_LIMIT),
            "updated_shown": plan.updated[:PREVIEW_LIST_LIMIT],
            "updated_more": max(0, len(plan.updated) - PREVIEW_LIST_LIMIT),
        },
    )


@require_POST
def member_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Import the previewed file, all rows or none."""
    program = _coordinated_program(request, slug)
    key = _session_key(program)
    form = MemberImportConfirmForm(request.POST)
    pending = request.session.get(key)
    if not form.is_valid() or not pending or pending["digest"] != form.cleaned_data["digest"]:
        messages.error(request, MSG_STALE)
        return redirect("programs:import", slug=program.slug)
    try:
        result = member_import_apply(
            program=program,
            actor=request.user,
            data=pending["text"].encode(),
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("programs:import", slug=program.slug)
    finally:
        request.session.pop(key, None)
    if result.created or result.updated:
        messages.success(
            request,
            MSG_DONE.format(
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            ),
        )
    else:
        messages.info(request, MSG_NOTHING_TO_CHANGE)
    return redirect("programs:import", slug=program.slug)
