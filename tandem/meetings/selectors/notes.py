"""Commitments to review and notes a partner may read (``access_note`` is in ``access``)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tandem.meetings.models import (
    Commitment,
    Meeting,
    Note,
)
from tandem.meetings.selectors.access import seat_name
from tandem.partnerships.models import PartnershipMember


def _to_review(*, meeting: Meeting, seat_ids: list[int]) -> Q:
    """Match the seats' commitments from earlier meetings not yet reviewed (or reviewed here)."""
    return Q(
        seat__in=seat_ids,
        meeting__partnership=meeting.partnership,
        meeting__starts_at__lt=meeting.starts_at,
    ) & (Q(reviewed_in__isnull=True) | Q(reviewed_in=meeting))


def commitment_to_review(*, meeting: Meeting, seat: PartnershipMember) -> Commitment | None:
    """Return what the partner committed to at their last earlier meeting (to ask about now)."""
    return (
        Commitment.objects.filter(_to_review(meeting=meeting, seat_ids=[seat.pk]))
        .order_by("-meeting__starts_at")
        .first()
    )


def commitments_to_review(
    *, meeting: Meeting, seats: list[PartnershipMember]
) -> dict[int, Commitment]:
    """Return ``commitment_to_review`` for every seat at once, by seat id (seats without one
    are left out)."""
    found: dict[int, Commitment] = {}
    candidates = Commitment.objects.filter(
        _to_review(meeting=meeting, seat_ids=[s.pk for s in seats])
    ).order_by("-meeting__starts_at")
    for commitment in candidates:
        found.setdefault(commitment.seat_id, commitment)
    return found


def commitments_for(*, meeting: Meeting) -> dict[int, Commitment]:
    """Return this meeting's commitments by seat id."""
    return {c.seat_id: c for c in meeting.commitments.all()}


def commitments_for_page(
    *, meeting: Meeting, seats: list[PartnershipMember]
) -> tuple[dict[int, Commitment], dict[int, Commitment]]:
    """Return ``commitments_for`` and ``commitments_to_review`` together, in one query."""
    mine: dict[int, Commitment] = {}
    to_review: dict[int, Commitment] = {}
    candidates = Commitment.objects.filter(
        Q(meeting=meeting) | _to_review(meeting=meeting, seat_ids=[s.pk for s in seats])
    ).order_by("-meeting__starts_at")
    for commitment in candidates:
        if commitment.meeting_id == meeting.pk:
            mine[commitment.seat_id] = commitment
        else:
            to_review.setdefault(commitment.seat_id, commitment)
    return mine, to_review


def note_list_for(*, meeting: Meeting, seat: PartnershipMember) -> QuerySet[Note]:
    """Return the notes this partner may read on the meeting: their own, and shared ones."""
    return (
        meeting.notes.filter(Q(author=seat) | Q(visibility=Note.Visibility.SHARED))
        .select_related("author__membership__user", "author__membership__profile")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class NoteRow:
    """A note as the meeting page shows it, with its author's name."""

    note: Note
    author_name: str


def note_rows_for(*, meeting: Meeting, seat: PartnershipMember) -> list[NoteRow]:
    """Return ``note_list_for`` with each note's author named."""
    return [
        NoteRow(note=note, author_name=seat_name(note.author))
        for note in note_list_for(meeting=meeting, seat=seat)
    ]
