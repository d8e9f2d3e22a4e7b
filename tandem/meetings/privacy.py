"""What the meetings app holds about a person: meetings, turns, commitments, notes, feeds.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from django.db.models import Q

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.meetings.models import (
    Attendance,
    CalendarFeed,
    Commitment,
    Delivery,
    Meeting,
    MeetingSeries,
    Note,
    NoteRevision,
    Reschedule,
    ScheduleNotice,
    Turn,
)

DECLARATION = Declaration(
    app="meetings",
    holdings=(
        # The partnership's calendar is the partners' too: it stays, the person's words go.
        Holding(
            MeetingSeries,
            rows=lambda p: MeetingSeries.objects.filter(partnership_id__in=p.partnership_ids),
            erase=Erase.KEEP,
        ),
        Holding(
            Meeting,
            rows=lambda p: Meeting.objects.filter(partnership_id__in=p.partnership_ids),
            erase=Erase.KEEP,
            own=lambda p: Q(cancelled_by_id__in=p.seat_ids),
            clear=("cancel_reason",),
        ),
        Holding(
            Reschedule,
            rows=lambda p: Reschedule.objects.filter(meeting__partnership_id__in=p.partnership_ids),
            erase=Erase.KEEP,
        ),
        # Who was there and who spoke how long: the partners' balance keeps them.
        Holding(
            Attendance,
            rows=lambda p: Attendance.objects.filter(seat_id__in=p.seat_ids),
            erase=Erase.KEEP,
        ),
        Holding(Turn, rows=lambda p: Turn.objects.filter(seat_id__in=p.seat_ids), erase=Erase.KEEP),
        Holding(Commitment, rows=lambda p: Commitment.objects.filter(seat_id__in=p.seat_ids)),
        # Only notes the person wrote: a partner's notes, private or shared, are theirs.
        Holding(Note, rows=lambda p: Note.objects.filter(author_id__in=p.seat_ids)),
        Holding(
            NoteRevision, rows=lambda p: NoteRevision.objects.filter(note__author_id__in=p.seat_ids)
        ),
        Holding(Delivery, rows=lambda p: Delivery.objects.filter(seat_id__in=p.seat_ids)),
        Holding(
            ScheduleNotice, rows=lambda p: ScheduleNotice.objects.filter(seat_id__in=p.seat_ids)
        ),
        Holding(
            CalendarFeed,
            rows=lambda p: CalendarFeed.objects.filter(user=p.user),
            hidden=("token_hash",),
        ),
    ),
)
