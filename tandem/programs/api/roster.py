"""Roster API: a program's people, for its coordinators only (404 for anyone else)."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from tandem.api.errors import errors
from tandem.api.pagination import Pages
from tandem.programs import selectors
from tandem.programs.models import Membership
from tandem.programs.selectors.member_status import MemberStatus
from tandem.programs.selectors.roster import roster_list

router = Router(tags=["roster"])


class RosterMemberOut(Schema):
    id: int
    display_name: str
    email: str
    role: Membership.Role
    # The member status (docs/intake.md); null for a coordinator.
    status: MemberStatus | None
    intake_complete: bool
    joined_at: datetime

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_status(obj: Membership) -> str | None:
        return obj.member_status  # type: ignore[attr-defined]

    @staticmethod
    def resolve_joined_at(obj: Membership) -> datetime:
        return obj.created_at


@router.get(
    "/{slug}/members", response={200: list[RosterMemberOut], **errors(404, 422)}, url_name="roster"
)
@paginate(Pages, page_size=50)
def roster_members(
    request: HttpRequest, slug: str, status: MemberStatus | None = None
) -> QuerySet[Membership]:
    """List everyone in the program (coordinators only), optionally only members of a status."""
    program = selectors.access_program_as_coordinator(user=request.user, slug=slug)
    return roster_list(program=program, status=status)
