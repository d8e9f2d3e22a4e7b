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


def access_partnership(*, user: Any, pk: int) -> Partnership:
    """Return the partnership if the user is (or was) one of its partners; NotFound otherwise.

    Coordinators are not partners: they get NotFound here, by design.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    partnership = (
        Partnership.objects.select_related("program")
        .filter(pk=pk, seats__membership__user=user)
        .first()
    )
    if partnership is None:
        raise NotFound()
    return partnership


def partnership_seats(*, partnership: Partnership) -> QuerySet[PartnershipMember]:
    """Return the seats of a partnership with each partner's profile."""
    return partnership.seats.select_related("membership__user", "membership__profile").order_by(
        "joined_at", "id"
    )
