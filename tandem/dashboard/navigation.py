"""The site-wide navigation: where the signed-in person may go, by role, in two queries.

``places_for`` is the one selector behind the navigation bar, the front page's list of
programs and the breadcrumbs' program link; ``navigation`` is the context processor that
hands it to every template (lazily: a page that never shows the bar pays nothing).
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tandem.meetings.selectors.access import seat_name
from tandem.partnerships.models import PartnershipMember
from tandem.programs.models import Membership, Program
from tandem.programs.selectors import program_list_for


@dataclass(frozen=True)
class Place:
    """One program the person belongs to, and where they stand in it."""

    program: Program
    membership: Membership
    partnership_id: int | None = None
    partner_names: tuple[str, ...] = ()

    @property
    def is_coordinator(self) -> bool:
        return self.membership.is_coordinator


@dataclass(frozen=True)
class Navigation:
    places: list[Place] = field(default_factory=list)

    @property
    def coordinates(self) -> bool:
        return any(p.is_coordinator for p in self.places)


def places_for(*, user: Any) -> list[Place]:
    """Return the user's programs once each (newest first) with their live partnership and
    partners' names. Two queries, however many programs or partners."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = list(program_list_for(user=user))
    seats = list(
        PartnershipMember.objects.filter(
            active=True,
            partnership__seats__membership__user=user,
            partnership__seats__active=True,
        )
        .select_related("membership__user", "membership__profile")
        .order_by("partnership", "joined_at", "id")
    )
    mine = {s.membership_id: s.partnership_id for s in seats if s.membership.user_id == user.pk}
    places = []
    for membership in memberships:
        partnership_id = mine.get(membership.pk)
        names = tuple(
            seat_name(s)
            for s in seats
            if s.partnership_id == partnership_id and s.membership_id != membership.pk
        )
        places.append(Place(membership.program, membership, partnership_id, names))
    return places


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``navigation`` (a ``Navigation``), read on first use."""
    return {"navigation": SimpleLazyObject(lambda: Navigation(places_for(user=request.user)))}
