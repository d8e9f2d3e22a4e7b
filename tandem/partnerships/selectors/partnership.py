"""Reads for partnerships. ``access_*`` return an object for a given user or raise NotFound."""

from typing import Any

from django.db.models import QuerySet

from tandem.core.errors import NotFound
from tandem.partnerships.models import Partnership, PartnershipMember


def partnership_list_for(*, user: Any) -> QuerySet[Partnership]:
    """Return the partnerships the user sits in (any program, any status)."""
    if not getattr(user, "is_authenticated", False):
        return Partnership.objects.none()
    return (
        Partnership.objects.filter(seats__membership__user=user)
        .select_related("program")
        .prefetch_related("seats__membership__user", "seats__membership__profile")
        .distinct()
    )


def access_partnership_seat(*, user: Any, pk: int) -> tuple[Partnership, PartnershipMember]:
    """Return the partnership ``pk`` and the user's seat in it (active or not); NotFound for
    anyone who is not (and never was) one of its partners, coordinators included, by design.

    The one way a partnership's page, API operation or selector finds "the partnership and my
    seat": one query, the program, the partner's account and intake profile loaded.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    seat = (
        PartnershipMember.objects.select_related(
            "partnership__program", "membership__user", "membership__profile"
        )
        .filter(partnership_id=pk, membership__user=user)
        .first()
    )
    if seat is None:
        raise NotFound()
    return seat.partnership, seat


def access_partnership(*, user: Any, pk: int) -> Partnership:
    """Return the partnership if the user is (or was) one of its partners; NotFound otherwise."""
    return access_partnership_seat(user=user, pk=pk)[0]


def partnership_seats(*, partnership: Partnership) -> QuerySet[PartnershipMember]:
    """Return the seats of a partnership with each partner's profile."""
    return partnership.seats.select_related("membership__user", "membership__profile").order_by(
        "joined_at", "id"
    )
