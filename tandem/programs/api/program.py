"""Programs API: the same selectors and services as the pages, the same permissions."""

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.api.errors import errors
from tandem.programs import selectors
from tandem.programs.models import Document, Membership, Program, Resource
from tandem.programs.selectors import program as program_selectors
from tandem.programs.services import program as program_services

router = Router(tags=["programs"])


class ProgramOut(Schema):
    slug: str
    name: str
    description: str
    audience: str
    status: str
    format: str
    role: str


class ProgramDetailOut(ProgramOut):
    kickoff_on: date | None
    midpoint_on: date | None
    ends_on: date | None
    recap_on: date | None
    cadence_weeks: int
    meeting_minutes: int
    circle_size_min: int
    circle_size_max: int
    allow_trios: bool
    both_gain: str = Field(
        ...,
        description="Pairs where both gain come first: skill_swap, shared_goals or off.",
    )
    cooling_off_days: int = Field(
        ..., description="Days partners wait after an ending before matching pairs them again."
    )
    confidentiality_rules: str


class ProgramCreateIn(Schema):
    name: str
    slug: str = ""
    description: str = ""
    audience: str = ""


class ProgramPatchIn(Schema):
    """Every field is optional; only those sent change. Unknown fields (such as id) are ignored."""

    name: str | None = None
    slug: str | None = None
    description: str | None = None
    audience: str | None = None
    status: str | None = None
    kickoff_on: date | None = None
    midpoint_on: date | None = None
    ends_on: date | None = None
    recap_on: date | None = None
    cadence_weeks: int | None = None
    meeting_minutes: int | None = None
    format: str | None = None
    circle_size_min: int | None = None
    circle_size_max: int | None = None
    allow_trios: bool | None = None
    both_gain: str | None = None
    cooling_off_days: int | None = None
    confidentiality_rules: str | None = None


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    contact: str
    when_to_use: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    file_url: str | None
    page_url: str


# Text fields may be cleared with null as well as with ""; the rest are set as sent.
_TEXT_FIELDS = {"name", "slug", "description", "audience", "confidentiality_rules"}
_NULLABLE_FIELDS = {"kickoff_on", "midpoint_on", "ends_on", "recap_on"}


def _detail(program: Program, membership: Membership) -> ProgramDetailOut:
    return ProgramDetailOut(
        slug=program.slug,
        name=program.name,
        description=program.description,
        audience=program.audience,
        status=program.status,
        format=program.format,
        role=membership.role,
        kickoff_on=program.kickoff_on,
        midpoint_on=program.midpoint_on,
        ends_on=program.ends_on,
        recap_on=program.recap_on,
        cadence_weeks=program.cadence_weeks,
        meeting_minutes=program.meeting_minutes,
        circle_size_min=program.circle_size_min,
        circle_size_max=program.circle_size_max,
        allow_trios=program.allow_trios,
        both_gain=program.both_gain,
        cooling_off_days=program.cooling_off_days,
        confidentiality_rules=program.confidentiality_rules,
    )


@router.get("/", response={200: list[ProgramOut], **errors()})
def program_list(request: HttpRequest) -> list[ProgramOut]:
    """List the programs you belong to, with your role in each."""
    return [
        ProgramOut(
            slug=m.program.slug,
            name=m.program.name,
            description=m.program.description,
            audience=m.program.audience,
            status=m.program.status,
            format=m.program.format,
            role=m.role,
        )
        for m in selectors.program_list_for(user=request.user)
    ]


@router.post("/", response={201: ProgramDetailOut, **errors(400, 403, 404, 422)})
def program_create(request: HttpRequest, payload: ProgramCreateIn) -> Status[ProgramDetailOut]:
    """Start a program (a draft); you become its coordinator."""
    program = program_services.program_create(creator=request.user, **payload.dict())
    _program, membership = selectors.access_program(user=request.user, slug=program.slug)
    return Status(201, _detail(program, membership))


@router.get("/{slug}", response={200: ProgramDetailOut, **errors(404)})
def program_get(request: HttpRequest, slug: str) -> ProgramDetailOut:
    """Show a program you belong to."""
    program, membership = selectors.access_program(user=request.user, slug=slug)
    return _detail(program, membership)


@router.patch("/{slug}", response={200: ProgramDetailOut, **errors(400, 403, 404, 422)})
def program_patch(request: HttpRequest, slug: str, payload: ProgramPatchIn) -> ProgramDetailOut:
    """Change a program you coordinate; send only the fields to change."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    changes = payload.dict(exclude_unset=True)
    for field, value in list(changes.items()):
        if value is None and field in _TEXT_FIELDS:
            changes[field] = ""
        elif value is None and field not in _NULLABLE_FIELDS:
            del changes[field]
    program = program_services.program_update(program=program, actor=request.user, **changes)
    _program, membership = selectors.access_program(user=request.user, slug=program.slug)
    return _detail(program, membership)


@router.get("/{slug}/resources", response={200: list[ResourceOut], **errors(404)})
def program_resources(request: HttpRequest, slug: str) -> list[Resource]:
    """List a program's referral resources: where to turn beyond peer support."""
    program, _membership = selectors.access_program(user=request.user, slug=slug)
    return list(program_selectors.resource_list(program=program))


@router.get("/{slug}/documents", response={200: list[DocumentOut], **errors(404)})
def program_documents(request: HttpRequest, slug: str) -> list[DocumentOut]:
    """List a program's guidebook pages and worksheets (Markdown body, or a link to the file)."""
    program, _membership = selectors.access_program(user=request.user, slug=slug)
    documents: list[Document] = list(program_selectors.document_list(program=program))
    return [
        DocumentOut(
            id=d.pk,
            kind=d.kind,
            title=d.title,
            body=d.body,
            file_url=request.build_absolute_uri(
                reverse("programs:document_file", args=[program.slug, d.pk])
            )
            if d.file
            else None,
            page_url=request.build_absolute_uri(
                reverse("programs:document", args=[program.slug, d.pk])
            ),
        )
        for d in documents
    ]
