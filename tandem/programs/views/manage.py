"""Coordinator pages: start a program, its settings, coordinators, guidebook and worksheets,
referral resources and tags. Anyone who does not coordinate the program gets a 404."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import Conflict, DomainError, ValidationFailed
from tandem.core.forms import add_domain_error
from tandem.core.htmx import is_htmx
from tandem.programs import selectors
from tandem.programs.forms.program import (
    CoordinatorAddForm,
    DocumentForm,
    ProgramCreateForm,
    ProgramSettingsForm,
    ResourceForm,
    TagMergeForm,
)
from tandem.programs.models import Document, Invitation, Program, Resource
from tandem.programs.selectors import program as program_selectors
from tandem.programs.services import documents as document_services
from tandem.programs.services import program as program_services
from tandem.programs.services import tags as tag_services


def _coordinated(request: HttpRequest, slug: str) -> Program:
    """Return the program if the signed-in person coordinates it; 404 for everyone else."""
    return selectors.access_program_as_coordinator(user=request.user, slug=slug)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``: a full page load for htmx requests too."""
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    """Start a program; the person who starts it becomes its coordinator.

    Where the site asks for approval (TANDEM_PROGRAM_CREATORS) and this person has none, the
    page says so and how to ask, instead of the form.
    """
    if not program_services.user_may_start_programs(request.user):
        return render(
            request,
            "programs/manage/create_refused.html",
            {
                "message": _(program_services.NOT_APPROVED_TO_START),
                "email": getattr(request.user, "email", ""),
            },
            status=403,
        )
    verified = program_services.user_has_verified_email(request.user)
    form = ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_services.program_create(creator=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("“{name}” is ready as a draft. Set it up below.").format(name=program.name),
            )
            return redirect("programs:manage", slug=program.slug)
    return render(request, "programs/manage/create.html", {"form": form, "verified": verified})


@require_http_methods(["GET", "POST"])
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Show and save a program's settings, with its coordinators and links to the sub-pages."""
    program = _coordinated(request, slug)
    if request.method == "POST":
        form = ProgramSettingsForm(request.POST)
        if form.is_valid():
            try:
                program = program_services.program_update(
                    program=program, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("programs:manage", slug=program.slug)
    else:
        form = ProgramSettingsForm(initial=ProgramSettingsForm.initial_for(program))
    return render(
        request,
        "programs/manage/settings.html",
        {
            "program": program,
            "form": form,
            **_coordinators_context(program, CoordinatorAddForm()),
        },
    )


def _coordinators_context(program: Program, form: CoordinatorAddForm) -> dict:
    return {
        "program": program,
        "coordinators": list(program_selectors.coordinator_list(program=program)),
        "coordinator_invitations": list(
            program_selectors.coordinator_invitation_list(program=program)
        ),
        "coordinator_form": form,
    }


def _coordinators_response(
    request: HttpRequest, program: Program, form: CoordinatorAddForm
) -> HttpResponse:
    """Answer htmx with the coordinators section; a plain form post goes back to the page."""
    if is_htmx(request):
        return render(
            request,
            "programs/manage/_coordinators.html",
            _coordinators_context(program, form),
        )
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("programs:manage", slug=program.slug)


@require_POST
def coordinator_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a coordinator by email: at once if they have an account, else by invitation."""
    program = _coordinated(request, slug)
    form = CoordinatorAddForm(request.POST)
    if form.is_valid():
        try:
            result = program_services.coordinator_add(
                program=program, email=form.cleaned_data["email"], added_by=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if isinstance(result, Invitation):
                messages.success(
                    request,
                    _("Invitation to coordinate sent to {email}.").format(email=result.email),
                )
            else:
                messages.success(
                    request,
                    _("{email} now coordinates this program.").format(email=result.user.email),
                )
            form = CoordinatorAddForm()
    return _coordinators_response(request, program, form)


@require_POST
def coordinator_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Remove a coordinator (never the last one)."""
    program = _coordinated(request, slug)
    form = CoordinatorAddForm()
    try:
        removed = program_services.coordinator_remove(
            program=program, membership_id=membership_id, removed_by=request.user
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        if removed.user_id == request.user.pk:
            messages.success(
                request, _("You no longer coordinate “{name}”.").format(name=program.name)
            )
            return _redirect(request, reverse("home"))
        messages.success(
            request,
            _("{email} no longer coordinates this program.").format(email=removed.user.email),
        )
    return _coordinators_response(request, program, form)


def _move_view(
    kind: str,
    item: Callable[..., Any],
    move: Callable[..., object],
    list_context: Callable[[Program], dict],
) -> Callable[..., HttpResponse]:
    """Return the view that moves a ``kind`` row up or down; htmx gets the refreshed list back.

    ``item(request, slug, <kind>_id=)`` reads the row (or 404s); ``move(<kind>=row,
    direction=)`` is the service. The list is ``programs/manage/_<kind>_list.html`` on the
    page ``programs:<kind>s_manage``.
    """

    @require_POST
    def view(request: HttpRequest, slug: str, **row_id: int) -> HttpResponse:
        program = _coordinated(request, slug)
        row = item(request, slug, **row_id)
        try:
            move(**{kind: row}, direction=request.POST.get("direction", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        if is_htmx(request):
            return render(request, f"programs/manage/_{kind}_list.html", list_context(program))
        return redirect(f"programs:{kind}s_manage", slug=program.slug)

    return view


def _delete_view(
    kind: str, item: Callable[..., Any], delete: Callable[..., object]
) -> Callable[..., HttpResponse]:
    """Return the view that deletes a ``kind`` row (see :func:`_move_view`) and says so."""

    @require_POST
    def view(request: HttpRequest, slug: str, **row_id: int) -> HttpResponse:
        program = _coordinated(request, slug)
        row = item(request, slug, **row_id)
        delete(**{kind: row})
        messages.success(request, _("“{name}” deleted.").format(name=row))
        url = reverse(f"programs:{kind}s_manage", kwargs={"slug": program.slug})
        return _redirect(request, url)

    return view


# Guidebook and worksheets


def _document_list_context(program: Program) -> dict:
    documents = list(program_selectors.document_list(program=program))
    return {"program": program, "documents": documents}


def documents_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """List the guidebook pages and worksheets, with edit, reorder and delete."""
    program = _coordinated(request, slug)
    return render(request, "programs/manage/documents.html", _document_list_context(program))


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a guidebook page or worksheet, or upload one as a file."""
    program = _coordinated(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_services.document_create(program=program, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("“{name}” added.").format(name=document.title))
            return redirect("programs:documents_manage", slug=program.slug)
    return render(request, "programs/manage/document_form.html", {"program": program, "form": form})


@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, slug: str, document_id: int) -> HttpResponse:
    """Change a guidebook page or worksheet."""
    program = _coordinated(request, slug)
    document = _document(request, slug, document_id)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document_services.document_update(document=document, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("“{name}” saved.").format(name=document.title))
                return redirect("programs:documents_manage", slug=program.slug)
    else:
        form = DocumentForm(
            initial={"title": document.title, "kind": document.kind, "body": document.body}
        )
    return render(
        request,
        "programs/manage/document_form.html",
        {"program": program, "form": form, "document": document},
    )


def _document(request: HttpRequest, slug: str, document_id: int) -> Document:
    return program_selectors.access_document_as_coordinator(
        user=request.user, slug=slug, document_id=document_id
    )


document_move = _move_view(
    "document", _document, document_services.document_move, _document_list_context
)
document_delete = _delete_view("document", _document, document_services.document_delete)


# Referral resources


def _resource_list_context(program: Program) -> dict:
    return {"program": program, "resources": list(program_selectors.resource_list(program=program))}


def _resource(request: HttpRequest, slug: str, resource_id: int) -> Resource:
    return program_selectors.access_resource_as_coordinator(
        user=request.user, slug=slug, resource_id=resource_id
    )


def resources_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """List the referral resources, with edit, reorder and delete."""
    program = _coordinated(request, slug)
    return render(request, "programs/manage/resources.html", _resource_list_context(program))


@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a referral resource."""
    program = _coordinated(request, slug)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = document_services.resource_create(program=program, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("“{name}” added.").format(name=resource.name))
            return redirect("programs:resources_manage", slug=program.slug)
    return render(request, "programs/manage/resource_form.html", {"program": program, "form": form})


@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, slug: str, resource_id: int) -> HttpResponse:
    """Change a referral resource."""
    program = _coordinated(request, slug)
    resource = _resource(request, slug, resource_id)
    if request.method == "POST":
        form = ResourceForm(request.POST)
        if form.is_valid():
            try:
                document_services.resource_update(resource=resource, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("“{name}” saved.").format(name=resource.name))
                return redirect("programs:resources_manage", slug=program.slug)
    else:
        form = ResourceForm(
            initial={
                "name": resource.name,
                "kind": resource.kind,
                "contact": resource.contact,
                "when_to_use": resource.when_to_use,
            }
        )
    return render(
        request,
        "programs/manage/resource_form.html",
        {"program": program, "form": form, "resource": resource},
    )


resource_move = _move_view(
    "resource", _resource, document_services.resource_move, _resource_list_context
)
resource_delete = _delete_view("resource", _resource, document_services.resource_delete)


# Tags


@require_http_methods(["GET", "POST"])
def tags_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the program's skills and goal themes with how many members use each; merge synonyms."""
    program = _coordinated(request, slug)
    tags = list(program_selectors.tag_list_with_counts(program=program))
    form = TagMergeForm(request.POST or None, tags=tags)
    if request.method == "POST" and form.is_valid():
        try:
            kept = tag_services.tag_merge(
                program=program,
                merge_id=form.cleaned_data["merge"],
                keep_id=form.cleaned_data["keep"],
            )
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            merged = next(t for t in tags if t.pk == form.cleaned_data["merge"])
            messages.success(
                request,
                _("“{merged}” merged into “{kept}”.").format(merged=merged.name, kept=kept.name),
            )
            return redirect("programs:tags_manage", slug=program.slug)
    skills = [t for t in tags if t.kind == "skill"]
    themes = [t for t in tags if t.kind == "theme"]
    return render(
        request,
        "programs/manage/tags.html",
        {"program": program, "form": form, "skills": skills, "themes": themes},
    )
