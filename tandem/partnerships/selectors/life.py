"""Reads for the life of a partnership: who sits where, events, and the coordinator's queue.

``access_partnership_seat`` is the gate for every partnership feature in this app (ground rules,
life, messages): it returns the caller's seat or raises NotFound, so a coordinator, another
member or a visitor gets the same answer as for a partnership that does not exist.
"""

from django.db.models import QuerySet

from tandem.partnerships.models import (
    Partnership,
    PartnershipEvent,
    PartnershipMember,
    RematchRequest,
)
from tandem.programs.models import Program
from tandem.programs.names import member_name

SEAT_RELATED = ("membership__user", "membership__profile")


def seat_name(seat: PartnershipMember) -> str:
    """Return the name a partner goes by in the program (intake name, else account name)."""
    return member_name(seat.membership)


def partnership_active_seats(*, partnership: Partnership) -> list[PartnershipMember]:
    """Return the partnership's active seats, oldest first, with each partner's name loaded."""
    return list(
        partnership.seats.filter(active=True)
        .select_related(*SEAT_RELATED)
        .order_by("joined_at", "id")
    )


def partnership_all_seats(*, partnership: Partnership) -> list[PartnershipMember]:
    """Return every seat the partnership ever had, oldest first."""
    return list(partnership.seats.select_related(*SEAT_RELATED).order_by("joined_at", "id"))


def partnership_event_list(*, partnership: Partnership) -> QuerySet[PartnershipEvent]:
    """Return the partnership's pauses, resumes and end, newest first, with who did each."""
    return partnership.events.select_related(
        "actor__membership__user", "actor__membership__profile"
    )


def rematch_request_open_for(*, seat: PartnershipMember) -> RematchRequest | None:
    """Return the partner's request for a new match the coordinator has not handled yet."""
    return seat.rematch_requests.filter(handled_at__isnull=True).first()


def rematch_request_list(*, program: Program) -> QuerySet[RematchRequest]:
    """Return the program's requests for a new match, open ones first, oldest first.

    Carries who asked, when, and the partnership's partners by name; never meeting content.
    """
    return (
        RematchRequest.objects.filter(program=program)
        .select_related(
            "seat__membership__user",
            "seat__membership__profile",
            "handled_by",
            "partnership",
        )
        .prefetch_related("partnership__seats__membership__user")
        .prefetch_related("partnership__seats__membership__profile")
        .order_by("handled_at", "requested_at", "id")
    )


def partnership_ending_list(*, program: Program) -> QuerySet[PartnershipEvent]:
    """Return how the program's partnerships ended (reason and feedback for the coordinator).

    The partners' own ``reason`` text is for the partners and is not part of this list's use.
    """
    return (
        PartnershipEvent.objects.filter(
            partnership__program=program, kind=PartnershipEvent.Kind.ENDED
        )
        .select_related("actor__membership__user", "actor__membership__profile")
        .order_by("-occurred_at", "-id")
    )
