"""Turn-taking at a meeting: where the turns stand, who goes first, and the meeting's mark."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy

from tandem.core import clock
from tandem.meetings.models import (
    Meeting,
    Turn,
)
from tandem.meetings.selectors.access import seat_name
from tandem.meetings.selectors.balance import MeetingHistory, meeting_history
from tandem.partnerships.models import PartnershipMember


@dataclass
class TurnState:
    """Where a meeting's turn-taking stands at an instant (computed, never stored)."""

    turns: list[Turn]
    current: Turn | None = None
    ends_at: datetime | None = None
    remaining_seconds: int = 0
    started: bool = False
    finished: bool = False
    names: dict[int, str] = field(default_factory=dict)

    @property
    def current_name(self) -> str:
        return self.names.get(self.current.seat_id, "") if self.current else ""

    @property
    def remaining_label(self) -> str:
        seconds = max(0, self.remaining_seconds)
        return f"{seconds // 60}:{seconds % 60:02d}"

    @property
    def next_name(self) -> str:
        if self.current is None:
            return ""
        later = [t for t in self.turns if t.position > self.current.position]
        return self.names.get(later[0].seat_id, "") if later else ""


def turn_state(
    *, meeting: Meeting, now: datetime | None = None, has_turns: bool = True
) -> TurnState:
    """Return the meeting's turns and the running one with its time left.

    ``has_turns=False`` (the caller knows the meeting has none yet) spares the query.
    """
    at = now or clock.now()
    turns = (
        list(meeting.turns.select_related("seat__membership__user", "seat__membership__profile"))
        if has_turns
        else []
    )
    state = TurnState(turns=turns, names={t.seat_id: seat_name(t.seat) for t in turns})
    if not turns:
        return state
    state.started = turns[0].started_at is not None
    for turn in turns:
        if turn.started_at is not None and turn.ended_at is None:
            state.current = turn
            state.ends_at = turn.started_at + timedelta(seconds=turn.planned_seconds)
            state.remaining_seconds = int((state.ends_at - at).total_seconds())
            break
    state.finished = state.started and state.current is None
    return state


MARKED_STATUSES = (Meeting.Status.HELD, Meeting.Status.MISSED)
IN_PROGRESS = gettext_lazy("In progress")


def meeting_is_marked(meeting: Meeting) -> bool:
    """Return whether a partner has marked the meeting held or missed."""
    return meeting.status in MARKED_STATUSES


def meeting_status_label(*, meeting: Meeting, state: TurnState) -> str:
    """Return the meeting's status as its page heads it: "In progress" while turns run."""
    if meeting.status == Meeting.Status.SCHEDULED and state.started and not state.finished:
        return str(IN_PROGRESS)
    return str(meeting.get_status_display())


def meeting_mark_initial(*, meeting: Meeting, seats: list[PartnershipMember]) -> dict[str, Any]:
    """Return the mark form's choices as saved, or everyone present before the first mark."""
    if not meeting_is_marked(meeting):
        return {"present": [s.pk for s in seats]}
    present = meeting.attendance.filter(present=True).values_list("seat_id", flat=True)
    return {"status": meeting.status, "present": list(present)}


def turn_order_for(
    *,
    meeting: Meeting,
    seats: list[PartnershipMember],
    turns: list[Turn] | None = None,
    history: "MeetingHistory | None" = None,
) -> list[PartnershipMember]:
    """Return who takes the mentee's seat first, second, ... at this meeting.

    A one-sided partnership (see ``balance_for_partnership``) lets the partner with the least
    time go first; otherwise the first speaker rotates from the previous meeting with turns.
    ``turns`` (the meeting's turns, as ``turn_state`` reads them) and ``history``
    (``meeting_history``) spare their queries when the caller already has them.
    """
    if not seats:
        return []
    if turns is None:
        existing = list(meeting.turns.order_by("position").values_list("seat_id", flat=True))
    else:
        existing = [t.seat_id for t in sorted(turns, key=lambda t: t.position)]
    if existing:
        by_id = {s.pk: s for s in seats}
        return [by_id[seat_id] for seat_id in existing if seat_id in by_id]
    if history is None:
        history = meeting_history(meeting=meeting, seats=seats)
    balance = history.balance
    if balance.one_sided and balance.least is not None:
        first_index = next((i for i, s in enumerate(seats) if s.pk == balance.least.seat_id), 0)
    else:
        previous_first = history.previous_first_seat_id
        ids = [s.pk for s in seats]
        first_index = (ids.index(previous_first) + 1) % len(ids) if previous_first in ids else 0
    return seats[first_index:] + seats[:first_index]
