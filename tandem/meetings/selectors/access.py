"""Who may see a meeting, a series, a proposal or a note: ``access_*`` return the object
and the user's seat or raise NotFound, and the seats and names of a partnership.

Only partners (people with a seat in the partnership) ever get a meeting, its turns or notes;
coordinators, other members and visitors get NotFound, the same answer as a missing row.
"""

from typing import Any

from django.db.models import Model, QuerySet

from tandem.core.errors import NotFound
from tandem.meetings.models import (
    Meeting,
    MeetingSeries,
    Note,
    Reschedule,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.names import member_name
from tandem.programs.selectors.zones import membership_zone


def seat_name(seat: PartnershipMember) -> str:
    """Return the name a partner goes by in this program."""
    return member_name(seat.membership)


def seat_zone(seat: PartnershipMember) -> str:
    """Return the partner's IANA time zone: the one viewer-zone rule (programs' zones)."""
    return membership_zone(membership=seat.membership)


def seats_of(partnership: Partnership, *, closed: bool = False) -> list[PartnershipMember]:
    """Return the partnership's active seats (``closed``: every seat), oldest first, with user
    and profile."""
    seats = partnership.seats.all() if closed else partnership.seats.filter(active=True)
    return list(
        seats.select_related("membership__user", "membership__profile").order_by("joined_at", "id")
    )


def seat_live_with_seats(
    *, membership: Any
) -> tuple[PartnershipMember | None, list[PartnershipMember]]:
    """Return the membership's active seat with its partnership and program (the first in the
    seats' order if several, as ``.first()`` would), and that partnership's active seats as
    ``seats_of`` returns them; ``(None, [])`` without one. One query."""
    rows = list(
        PartnershipMember.objects.filter(
            active=True, partnership__seats__membership=membership, partnership__seats__active=True
        )
        .select_related("partnership__program", "membership__user", "membership__profile")
        .order_by("partnership", "joined_at", "id")
    )
    seat = next((s for s in rows if s.membership_id == membership.pk), None)
    if seat is None:
        return None, []
    return seat, [s for s in rows if s.partnership_id == seat.partnership_id]


def seat_for(*, partnership: Partnership, user: Any) -> PartnershipMember:
    """Return the user's seat in the partnership; NotFound when they have none."""
    return access_partnership_seat(user=user, pk=partnership.pk)[1]


def access_meeting(*, user: Any, pk: int) -> tuple[Meeting, PartnershipMember]:
    """Return the meeting and the user's seat in its partnership; NotFound otherwise."""
    meeting = _meeting_of(user=user, pk=pk)
    return meeting, seat_for(partnership=meeting.partnership, user=user)


def _partners_row[M: Model](rows: QuerySet[M], *, user: Any, pk: int, partnership: str) -> M:
    """Return row ``pk`` when the user has a seat in its partnership (reached from the row by
    the lookup ``partnership``); NotFound otherwise, the user's seat checked in the query."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    row = rows.filter(pk=pk, **{f"{partnership}__seats__membership__user": user}).first()
    if row is None:
        raise NotFound()
    return row


def _meeting_of(*, user: Any, pk: int) -> Meeting:
    """The meeting ``pk`` of a partnership the user has a seat in; NotFound otherwise."""
    return _partners_row(
        Meeting.objects.select_related("partnership__program", "series"),
        user=user,
        pk=pk,
        partnership="partnership",
    )


def access_meeting_with_seats(
    *, user: Any, pk: int
) -> tuple[Meeting, PartnershipMember, list[PartnershipMember]]:
    """Return ``access_meeting``'s meeting and seat with the partnership's active seats (as
    ``seats_of`` orders them), in two queries: the user's seat is picked from all the seats."""
    meeting = _meeting_of(user=user, pk=pk)
    every = list(
        meeting.partnership.seats.select_related(
            "membership__user", "membership__profile"
        ).order_by("joined_at", "id")
    )
    seat = next((s for s in every if s.membership.user_id == user.pk), None)
    if seat is None:
        raise NotFound()
    return meeting, seat, [s for s in every if s.active]


def access_series(*, user: Any, pk: int) -> tuple[MeetingSeries, PartnershipMember]:
    """Return a series of one of the user's partnerships, and their seat; NotFound otherwise."""
    series = _partners_row(
        MeetingSeries.objects.select_related("partnership__program"),
        user=user,
        pk=pk,
        partnership="partnership",
    )
    return series, seat_for(partnership=series.partnership, user=user)


def access_reschedule(*, user: Any, pk: int) -> tuple[Reschedule, PartnershipMember]:
    """Return a reschedule proposal on one of the user's meetings, and their seat."""
    proposal = _partners_row(
        Reschedule.objects.select_related("meeting__partnership__program"),
        user=user,
        pk=pk,
        partnership="meeting__partnership",
    )
    return proposal, seat_for(partnership=proposal.meeting.partnership, user=user)


def access_note(*, user: Any, pk: int) -> tuple[Note, PartnershipMember]:
    """Return a note the user may read (their own, or shared with their partnership)."""
    note = _partners_row(
        Note.objects.select_related("meeting__partnership", "author__membership__user"),
        user=user,
        pk=pk,
        partnership="meeting__partnership",
    )
    seat = seat_for(partnership=note.meeting.partnership, user=user)
    if note.author_id != seat.pk and note.visibility != Note.Visibility.SHARED:
        raise NotFound()
    return note, seat


def access_own_note(*, user: Any, pk: int) -> tuple[Note, PartnershipMember]:
    """Return a note the user wrote; NotFound for anyone else's."""
    note, seat = access_note(user=user, pk=pk)
    if note.author_id != seat.pk:
        raise NotFound()
    return note, seat
