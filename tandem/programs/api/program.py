"""Programs API: the same selectors and services as the pages, the same permissions."""

from django.http import HttpRequest
from ninja import Router, Schema

from tandem.programs import selectors

router = Router(tags=["programs"])


class ProgramOut(Schema):
    slug: str
    name: str
    description: str
    audience: str
    status: str
    format: str
    role: str


@router.get("/", response=list[ProgramOut])
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
