"""Reads for a coordinator's page about one member: status, intake and partnership history.

Never a note, message, meeting content, goal or ground rules: the history says with whom, when,
how it ended and how many meetings were held, nothing that was said or written.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q

from tandem.core.errors import NotFound
from tandem.meetings.models import Meeting
from tandem.meetings.selectors.access import seat_name
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Profile, Program
from tandem.programs.names import member_name


@dataclass(frozen=True)
class PartnershipLine:
    partnership: Partnership
    partner_names: list[str]
    seat_active: bool
    meetings_held: int


@dataclass(frozen=True)
class MemberPage:
    membership: Membership
    name: str
    profile: Profile | None
    intake_complete: bool
    live_partnership: Partnership | None
    history: list[PartnershipLine]
    joined_at: datetime


def access_member_as_coordinator(*, program: Program, pk: int) -> Membership:
    """Return a member (not a coordinator) of the program by id; NotFound otherwise."""
    membership = (
        Membership.objects.select_related("user", "program")
        .filter(program=program, pk=pk, role=Membership.Role.MEMBER)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def member_page(*, membership: Membership) -> MemberPage:
    """Return what a coordinator sees about one member (a fixed number of queries)."""
    profile = (
        Profile.objects.filter(membership=membership)
        .select_related("membership__user")
        .prefetch_related("themes", "offers", "wants")
        .first()
    )
    seats = list(
        PartnershipMember.objects.filter(membership=membership)
        .select_related("partnership")
        .annotate(
            held=Count(
                "partnership__meetings",
                filter=Q(partnership__meetings__status=Meeting.Status.HELD),
            )
        )
        .prefetch_related(
            Prefetch(
                "partnership__seats",
                queryset=PartnershipMember.objects.select_related(
                    "membership__user", "membership__profile"
                ).order_by("joined_at", "id"),
            )
        )
        .order_by("-partnership__started_at", "-partnership_id")
    )
    history = [
        PartnershipLine(
            partnership=seat.partnership,
            partner_names=[
                seat_name(s)
                for s in seat.partnership.seats.all()
                if s.membership_id != membership.pk
            ],
            seat_active=seat.active,
            meetings_held=seat.held,
        )
        for seat in seats
    ]
    live = next((line.partnership for line in history if line.seat_active), None)
    return MemberPage(
        membership=membership,
        name=member_name(membership),
        profile=profile,
        intake_complete=bool(profile and profile.submitted_at and profile.consent_at),
        live_partnership=live,
        history=history,
        joined_at=membership.created_at,
    )
