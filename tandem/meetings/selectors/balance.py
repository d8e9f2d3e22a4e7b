"""The balance of give and take: minutes each partner spent in the mentee's and the mentor's
seat, and whether the last meetings leaned one way."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import DurationField, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext

from tandem.meetings.models import (
    Meeting,
    Turn,
)
from tandem.meetings.selectors.access import seat_name, seats_of
from tandem.partnerships.models import Partnership, PartnershipMember

ONE_SIDED_SHARE = 0.65
BALANCE_WINDOW = 3
# The columns of a meeting-and-turn row, as ``_balance_from`` and ``meeting_history`` read them.
_TURN_ROW = (
    "pk",
    "status",
    "starts_at",
    "turns__seat_id",
    "turns__position",
    "turns__started_at",
    "turns__ended_at",
)


@dataclass(frozen=True)
class PartnerBalance:
    seat_id: int
    name: str
    mentee_minutes: int
    mentor_minutes: int
    recent_share: float  # share of the mentee time over the last held meetings


@dataclass(frozen=True)
class Balance:
    partners: list[PartnerBalance]
    one_sided: bool
    suggestion: str
    meetings_counted: int

    @property
    def least(self) -> PartnerBalance | None:
        return min(self.partners, key=lambda p: p.recent_share) if self.partners else None


def balance_for_partnership(
    partnership: Partnership, *, seats: list[PartnershipMember] | None = None
) -> Balance:
    """Return minutes each partner spent in the mentee's and the mentor's seat (held meetings).

    One-sided: over the last three held meetings, one partner's own-turn time is worse than
    65/35 against another's (for a pair: more than 65% of the time). The suggestion names the
    partner with the least time. ``seats`` (as ``seats_of`` returns them) spares that query.
    """
    if seats is None:
        seats = seats_of(partnership)
    return _balance_from(_meeting_turn_rows(partnership), seats)


def balances_for_partnerships(
    seats_by_partnership: dict[int, list[PartnershipMember]],
) -> dict[int, Balance]:
    """Return ``balance_for_partnership`` of many partnerships at once (one query in all).

    ``seats_by_partnership`` maps each partnership's id to its seats as ``seats_of`` returns
    them; the rule is the partnership page's own, so both always agree.
    """
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in (
        Meeting.objects.filter(
            partnership_id__in=list(seats_by_partnership), status=Meeting.Status.HELD
        )
        .order_by("partnership_id", "-starts_at", "-pk", "turns__position")
        .values_list("partnership_id", *_TURN_ROW)
    ):
        rows[row[0]].append(row[1:])
    return {
        partnership_id: _balance_from(rows[partnership_id], seats)
        for partnership_id, seats in seats_by_partnership.items()
    }


def turn_seconds_held(which: Q) -> dict[int, dict[int, float]]:
    """Return the seconds of ended turns in held meetings, by partnership id then seat id.

    ``which`` picks the meetings (for example ``Q(partnership__program=program)``). One query,
    summed by the database: a program's whole history never comes into Python, one row per
    partner does.
    """
    seconds: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for partnership_id, seat_id, spent in (
        Turn.objects.filter(
            which,
            meeting__status=Meeting.Status.HELD,
            started_at__isnull=False,
            ended_at__isnull=False,
        )
        .values("meeting__partnership_id", "seat_id")
        .annotate(
            spent=Sum(
                Greatest(
                    F("ended_at") - F("started_at"),
                    Value(timedelta(0)),
                    output_field=DurationField(),
                )
            )
        )
        .order_by()
        .values_list("meeting__partnership_id", "seat_id", "spent")
    ):
        seconds[partnership_id][seat_id] = spent.total_seconds() if spent else 0.0
    return seconds


def _meeting_turn_rows(partnership: Partnership, *, meeting: Meeting | None = None) -> list[Any]:
    """Return the partnership's held meetings (and with ``meeting``, that meeting and every
    one starting before it), newest first, one row per turn; a meeting without turns gives one
    row whose turn columns are None. One query, whatever the history."""
    which = Q(status=Meeting.Status.HELD)
    if meeting is not None:
        which |= Q(starts_at__lt=meeting.starts_at) | Q(pk=meeting.pk)
    return list(
        partnership.meetings.filter(which)
        .order_by("-starts_at", "-pk", "turns__position")
        .values_list(*_TURN_ROW)
    )


def _balance_from(rows: list[Any], seats: list[PartnershipMember]) -> Balance:
    # Ended turns of each held meeting, newest meeting first, as (seat id, seconds spent).
    held: dict[int, list[tuple[int, int]]] = {}
    for pk, status, _starts_at, seat_id, _position, started_at, ended_at in rows:
        if status != Meeting.Status.HELD:
            continue
        turns = held.setdefault(pk, [])
        if seat_id is not None and ended_at is not None:
            spent = Turn(started_at=started_at, ended_at=ended_at).seconds_spent
            turns.append((seat_id, spent))
    mentee: dict[int, int] = defaultdict(int)
    mentor: dict[int, int] = defaultdict(int)
    recent: dict[int, int] = defaultdict(int)
    counted = 0
    for index, turns in enumerate(held.values()):
        if not turns:
            continue
        total = sum(spent for _, spent in turns)
        for seat_id, spent in turns:
            mentee[seat_id] += spent
        for seat in seats:
            mentor[seat.pk] += total - sum(spent for s, spent in turns if s == seat.pk)
        if index < BALANCE_WINDOW:
            counted += 1
            for seat_id, spent in turns:
                recent[seat_id] += spent
    recent_total = sum(recent.values())
    partners = [
        PartnerBalance(
            seat_id=seat.pk,
            name=seat_name(seat),
            mentee_minutes=round(mentee[seat.pk] / 60),
            mentor_minutes=round(mentor[seat.pk] / 60),
            recent_share=(recent[seat.pk] / recent_total) if recent_total else 0.0,
        )
        for seat in seats
    ]
    one_sided = False
    suggestion = ""
    if counted >= BALANCE_WINDOW and recent_total and len(partners) >= 2:
        most = max(partners, key=lambda p: p.recent_share)
        least = min(partners, key=lambda p: p.recent_share)
        # "Worse than 65/35": most/least > 65/35, which for a pair is a share above 65%.
        ratio_limit = ONE_SIDED_SHARE / (1 - ONE_SIDED_SHARE)
        one_sided = least.recent_share == 0 or most.recent_share / least.recent_share > (
            ratio_limit + 1e-9
        )
        if one_sided:
            suggestion = gettext(
                "The last %(count)d meetings leaned towards %(most)s. "
                "Next time, let %(least)s go first and take the longer turn."
            ) % {"count": BALANCE_WINDOW, "most": most.name, "least": least.name}
    return Balance(
        partners=partners, one_sided=one_sided, suggestion=suggestion, meetings_counted=counted
    )


@dataclass(frozen=True)
class MeetingHistory:
    """What a meeting page needs from the partnership's earlier meetings."""

    balance: Balance
    # Who went first at the latest earlier meeting with turns (None: no such meeting).
    previous_first_seat_id: int | None
    # Whether the meeting itself has turns yet (``turn_state`` need not look when it has none).
    has_turns: bool


def meeting_history(*, meeting: Meeting, seats: list[PartnershipMember]) -> MeetingHistory:
    """Return the partnership's balance, the previous first speaker and whether the meeting
    has turns, in one query."""
    rows = _meeting_turn_rows(meeting.partnership, meeting=meeting)
    previous_first = next(
        (
            seat_id
            for _pk, _status, starts_at, seat_id, position, _started, _ended in rows
            if position == 0 and starts_at < meeting.starts_at
        ),
        None,
    )
    return MeetingHistory(
        balance=_balance_from(rows, seats),
        previous_first_seat_id=previous_first,
        has_turns=any(row[0] == meeting.pk and row[3] is not None for row in rows),
    )
