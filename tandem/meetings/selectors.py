"""Reads for meetings. ``access_*`` return an object for a given user or raise NotFound.

Only partners (people with a seat in the partnership) ever get a meeting, its turns or notes;
coordinators, other members and visitors get NotFound, the same answer as a missing row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.meetings import recurrence
from tandem.meetings.models import (
    CalendarFeed,
    Commitment,
    Meeting,
    MeetingSeries,
    Note,
    Reschedule,
    Turn,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import agreement_rhythm
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.names import member_name
from tandem.programs.selectors.zones import membership_zone

UPCOMING_COUNT = 3
ONE_SIDED_SHARE = 0.65
BALANCE_WINDOW = 3


def seat_name(seat: PartnershipMember) -> str:
    """Return the name a partner goes by in this program."""
    return member_name(seat.membership)


def seat_zone(seat: PartnershipMember) -> str:
    """Return the partner's IANA time zone: the one viewer-zone rule (programs' zones)."""
    return membership_zone(membership=seat.membership)


def _has_profile(membership: Any) -> bool:
    try:
        membership.profile  # noqa: B018 - the access itself tells whether it exists
    except ObjectDoesNotExist:
        return False
    return True


def seats_of(partnership: Partnership) -> list[PartnershipMember]:
    """Return the partnership's active seats, oldest first, with user and profile."""
    return list(
        partnership.seats.filter(active=True)
        .select_related("membership__user", "membership__profile")
        .order_by("joined_at", "id")
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


def _meeting_of(*, user: Any, pk: int) -> Meeting:
    """The meeting ``pk`` of a partnership the user has a seat in; NotFound otherwise."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    meeting = (
        Meeting.objects.select_related("partnership__program", "series")
        .filter(pk=pk, partnership__seats__membership__user=user)
        .first()
    )
    if meeting is None:
        raise NotFound()
    return meeting


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
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    series = (
        MeetingSeries.objects.select_related("partnership__program")
        .filter(pk=pk, partnership__seats__membership__user=user)
        .first()
    )
    if series is None:
        raise NotFound()
    return series, seat_for(partnership=series.partnership, user=user)


def access_reschedule(*, user: Any, pk: int) -> tuple[Reschedule, PartnershipMember]:
    """Return a reschedule proposal on one of the user's meetings, and their seat."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    proposal = (
        Reschedule.objects.select_related("meeting__partnership__program")
        .filter(pk=pk, meeting__partnership__seats__membership__user=user)
        .first()
    )
    if proposal is None:
        raise NotFound()
    return proposal, seat_for(partnership=proposal.meeting.partnership, user=user)


def meeting_list_for(*, user: Any, since: datetime | None = None) -> QuerySet[Meeting]:
    """Return the meetings of every partnership the user sits in, soonest first."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(
        partnership__in=PartnershipMember.objects.filter(membership__user=user).values(
            "partnership"
        )
    )
    if since is not None:
        meetings = meetings.filter(starts_at__gte=since)
    return meetings.select_related("partnership__program").order_by("starts_at", "id")


def _upcoming(partnership: Partnership, now: datetime | None) -> QuerySet[Meeting]:
    # A meeting stays "upcoming" for four hours after its start, so a late one is still found.
    at = now or clock.now()
    return partnership.meetings.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=at - timedelta(hours=4)
    ).order_by("starts_at")


def meeting_upcoming(*, partnership: Partnership, now: datetime | None = None) -> list[Meeting]:
    """Return the partnership's next scheduled meetings (at most ``UPCOMING_COUNT``)."""
    return list(
        _upcoming(partnership, now).prefetch_related(
            Prefetch(
                "reschedules",
                queryset=Reschedule.objects.filter(status=Reschedule.Status.PROPOSED),
                to_attr="open_reschedules",
            )
        )[:UPCOMING_COUNT]
    )


def meeting_upcoming_first(
    *, partnership: Partnership, now: datetime | None = None
) -> Meeting | None:
    """Return the first of ``meeting_upcoming`` (without its reschedule proposals)."""
    return _upcoming(partnership, now).first()


def meeting_next(*, partnership: Partnership, now: datetime | None = None) -> Meeting | None:
    """Return the partnership's next scheduled meeting that has not started yet."""
    at = now or clock.now()
    return (
        partnership.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=at)
        .order_by("starts_at", "id")
        .first()
    )


def series_next_meetings(*, series: MeetingSeries, now: datetime | None = None) -> list[Meeting]:
    """Return the series' next booked meetings that have not started (at most ``UPCOMING_COUNT``)."""
    at = now or clock.now()
    return list(
        series.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=at).order_by(
            "starts_at", "id"
        )[:UPCOMING_COUNT]
    )


def meeting_recent(*, partnership: Partnership, now: datetime | None = None) -> list[Meeting]:
    """Return the partnership's past meetings, most recent first (at most ten)."""
    at = now or clock.now()
    return list(partnership.meetings.filter(starts_at__lte=at).order_by("-starts_at")[:10])


def series_list_for(*, partnership: Partnership) -> QuerySet[MeetingSeries]:
    """Return the partnership's series (proposed, agreed and past), newest first."""
    return partnership.series.select_related("proposed_by").prefetch_related("accepted_by")


def series_active(*, partnership: Partnership) -> MeetingSeries | None:
    return partnership.series.filter(status=MeetingSeries.Status.ACTIVE).first()


def partnership_meetings_summary(
    *, partnership: Partnership, seat: PartnershipMember, now: datetime | None = None
) -> dict[str, Any]:
    """Return what the partnership page shows of meetings, for one partner.

    The next meeting (everyone's local time, the viewer's first), how many proposals wait for
    this partner's answer, the agreed series and the balance of give and take.
    """
    at = now or clock.now()
    seats = viewer_first(seats_of(partnership), seat)
    upcoming = meeting_next(partnership=partnership, now=at)
    waiting = (
        MeetingSeries.objects.filter(partnership=partnership, status=MeetingSeries.Status.PROPOSED)
        .exclude(accepted_by=seat)
        .count()
        + Reschedule.objects.filter(
            meeting__partnership=partnership,
            status=Reschedule.Status.PROPOSED,
            meeting__status=Meeting.Status.SCHEDULED,
        )
        .exclude(accepted_by=seat)
        .count()
    )
    agreed = series_active(partnership=partnership)
    return {
        "partnership": partnership,
        "next_meeting": upcoming,
        "next_label": (
            instant_label(instant=upcoming.starts_at, seats=seats) if upcoming is not None else ""
        ),
        "waiting": waiting,
        "series_label": series_label(series=agreed, seats=seats) if agreed is not None else "",
        "balance": balance_for_partnership(partnership),
    }


# --- Times in every partner's zone ------------------------------------------------------


@dataclass(frozen=True)
class PartnerTime:
    name: str
    zone: str
    weekday: int
    local: datetime

    @property
    def clock(self) -> str:
        return f"{self.local:%H:%M}"

    @property
    def day(self) -> str:
        """Return the local date as "Wednesday 17 March" (no conversion by the template)."""
        return f"{self.local:%A %-d %B}"


def partner_times(*, instant: datetime, seats: list[PartnershipMember]) -> list[PartnerTime]:
    """Return the instant as each partner's local time."""
    times = []
    for seat in seats:
        zone = seat_zone(seat)
        local = recurrence.instant_to_wall(instant, zone)
        times.append(PartnerTime(seat_name(seat), zone, local.weekday(), local))
    return times


def times_label(times: list[PartnerTime], *, recurring: bool = True) -> str:
    """Return "Wednesdays 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)"."""
    parts = []
    first_weekday = times[0].weekday if times else None
    for index, item in enumerate(times):
        day = recurrence.WEEKDAY_PLURALS[item.weekday] if recurring else f"{item.local:%a %-d %b}"
        prefix = f"{day} " if index == 0 or item.weekday != first_weekday else ""
        parts.append(f"{prefix}{item.clock} for {item.name} ({item.zone})")
    return " · ".join(parts)


def instant_label(*, instant: datetime, seats: list[PartnershipMember]) -> str:
    """Return one instant as every partner's dated local time, in the order of ``seats``."""
    return times_label(partner_times(instant=instant, seats=seats), recurring=False)


def viewer_first(
    seats: list[PartnershipMember], seat: PartnershipMember
) -> list[PartnershipMember]:
    """Return the seats with ``seat`` first: each person reads their own time first."""
    return sorted(seats, key=lambda s: s.pk != seat.pk)


# --- Slot suggestions --------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A common weekly slot, as the viewer's wall time plus everyone's local time."""

    starts_on: date
    start_time: time
    time_zone: str
    label: str


def _windows(seat: PartnershipMember, start: date, days: int) -> list[tuple[datetime, datetime]]:
    zone = seat_zone(seat)
    windows = []
    availability = seat.membership.profile.availability if _has_profile(seat.membership) else []
    for entry in availability or []:
        try:
            weekday, start_min, end_min = (int(value) for value in entry)
        except (TypeError, ValueError):
            continue
        if not (0 <= weekday <= 6 and 0 <= start_min < end_min <= 24 * 60):
            continue
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day.weekday() != weekday:
                continue
            midnight = datetime.combine(day, time())
            windows.append(
                (
                    recurrence.wall_to_instant(midnight + timedelta(minutes=start_min), zone),
                    recurrence.wall_to_instant(midnight + timedelta(minutes=end_min), zone),
                )
            )
    return sorted(windows)


def _intersect(
    left: list[tuple[datetime, datetime]], right: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    common = []
    for a_start, a_end in left:
        for b_start, b_end in right:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                common.append((start, end))
    return sorted(set(common))


def slot_suggestions(
    *,
    partnership: Partnership,
    viewer: PartnershipMember,
    now: datetime | None = None,
    limit: int = 6,
) -> list[Slot]:
    """Return common weekly slots of the partnership's meeting length, soonest first.

    Looks at the coming week (from tomorrow, in UTC) in each partner's own zone, keeps the
    stretches where everyone is free and offers the start of each (and one hour later when it
    still fits), expressed in the viewer's zone.
    """
    at = now or clock.now()
    seats = seats_of(partnership)
    if not seats:
        return []
    _, minutes = agreement_rhythm(partnership=partnership)
    first_day = at.date() + timedelta(days=1)
    common = _windows(seats[0], first_day - timedelta(days=1), 9)
    for seat in seats[1:]:
        common = _intersect(common, _windows(seat, first_day - timedelta(days=1), 9))
    viewer_zone = seat_zone(viewer)
    slots: list[Slot] = []
    seen: set[tuple[int, time]] = set()
    length = timedelta(minutes=minutes)
    for start, end in common:
        # Round up to the next half hour so suggestions read like times people pick.
        minute = start.minute % 30
        candidate = (
            start
            + timedelta(minutes=(30 - minute) % 30)
            - timedelta(seconds=start.second, microseconds=start.microsecond)
        )
        for candidate_start in (candidate, candidate + timedelta(hours=1)):
            if candidate_start + length > end or candidate_start <= at + timedelta(hours=12):
                continue
            local = recurrence.instant_to_wall(candidate_start, viewer_zone)
            key = (local.weekday(), local.time().replace(tzinfo=None))
            if key in seen:
                continue
            seen.add(key)
            ordered = sorted(seats, key=lambda s: s.pk != viewer.pk)
            slots.append(
                Slot(
                    starts_on=local.date(),
                    start_time=key[1],
                    time_zone=viewer_zone,
                    label=times_label(partner_times(instant=candidate_start, seats=ordered)),
                )
            )
    slots.sort(key=lambda slot: (slot.starts_on, slot.start_time))
    return slots[:limit]


def series_label(*, series: MeetingSeries, seats: list[PartnershipMember]) -> str:
    """Return the series as everyone's local time at its first occurrence, and its cadence."""
    rule = rule_of(series)
    first = next(rule.instants())
    label = times_label(partner_times(instant=first, seats=seats))
    interval = _interval_weeks(series.rrule)
    cadence = "every week" if interval == 1 else f"every {interval} weeks"
    return (
        f"{label}, {cadence}, {series.duration_minutes} minutes, from {series.starts_on:%-d %B %Y}"
    )


def _interval_weeks(rrule: str) -> int:
    for part in rrule.split(";"):
        if part.startswith("INTERVAL="):
            return int(part.removeprefix("INTERVAL="))
    return 1


def rule_of(series: MeetingSeries) -> recurrence.Rule:
    return recurrence.Rule(
        starts_on=series.starts_on,
        start_time=series.start_time,
        time_zone=series.time_zone,
        rrule=series.rrule,
    )


# --- Clock changes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """A run of occurrences at which some partner's local time differs from before."""

    meeting: Meeting
    until: datetime | None  # first occurrence back to the earlier local times, if known
    before: list[PartnerTime]
    during: list[PartnerTime]


def dst_shift_for(
    *, meeting: Meeting, seats: list[PartnershipMember], horizon_weeks: int = 30
) -> Shift | None:
    """Return the shift starting at this meeting's occurrence, or None when nothing moves.

    An occurrence starts a shift when some partner's local clock time differs from the
    occurrence before it. When the times come back within ``horizon_weeks``, the shift says
    until when, so partners get one notice for the whole stretch; the return is not a new
    shift.
    """
    if meeting.series is None:
        return None
    rule = rule_of(meeting.series)
    target = meeting.original_start
    window: list[datetime] = []
    for instant in rule.instants():
        if instant > target + timedelta(weeks=horizon_weeks):
            break
        if instant >= target - timedelta(weeks=horizon_weeks):
            window.append(instant)
    if target not in window or window.index(target) == 0:
        return None
    index = window.index(target)

    def clocks_at(instant: datetime) -> list[str]:
        return [t.clock for t in partner_times(instant=instant, seats=seats)]

    before = partner_times(instant=window[index - 1], seats=seats)
    during = partner_times(instant=target, seats=seats)
    clocks_before = [t.clock for t in before]
    clocks_during = [t.clock for t in during]
    if clocks_before == clocks_during:
        return None
    # Is this the return from an earlier shift? Then it was announced with that shift.
    for earlier in reversed(window[: index - 1]):
        clocks = clocks_at(earlier)
        if clocks != clocks_before:
            if clocks == clocks_during:
                return None
            break
    until = None
    for later in window[index + 1 :]:
        clocks = clocks_at(later)
        if clocks != clocks_during:
            if clocks == clocks_before:
                until = later
            break
    return Shift(meeting=meeting, until=until, before=before, during=during)


# --- Turns ----------------------------------------------------------------------------------


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


# --- Balance of give and take -----------------------------------------------------------


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
        .values_list(
            "partnership_id",
            "pk",
            "status",
            "starts_at",
            "turns__seat_id",
            "turns__position",
            "turns__started_at",
            "turns__ended_at",
        )
    ):
        rows[row[0]].append(row[1:])
    return {
        partnership_id: _balance_from(rows[partnership_id], seats)
        for partnership_id, seats in seats_by_partnership.items()
    }


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
        .values_list(
            "pk",
            "status",
            "starts_at",
            "turns__seat_id",
            "turns__position",
            "turns__started_at",
            "turns__ended_at",
        )
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
            suggestion = (
                f"The last {BALANCE_WINDOW} meetings leaned towards {most.name}. "
                f"Next time, let {least.name} go first and take the longer turn."
            )
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


# --- Commitments ------------------------------------------------------------------------


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


# --- Notes --------------------------------------------------------------------------------


def note_list_for(*, meeting: Meeting, seat: PartnershipMember) -> QuerySet[Note]:
    """Return the notes this partner may read on the meeting: their own, and shared ones."""
    return (
        meeting.notes.filter(Q(author=seat) | Q(visibility=Note.Visibility.SHARED))
        .select_related("author__membership__user", "author__membership__profile")
        .order_by("created_at", "id")
    )


def access_note(*, user: Any, pk: int) -> tuple[Note, PartnershipMember]:
    """Return a note the user may read (their own, or shared with their partnership)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    note = (
        Note.objects.select_related("meeting__partnership", "author__membership__user")
        .filter(pk=pk, meeting__partnership__seats__membership__user=user)
        .first()
    )
    if note is None:
        raise NotFound()
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


# --- Calendar feed ------------------------------------------------------------------------


def access_calendar_feed(*, token: str) -> CalendarFeed:
    """Return the live feed for a secret token; NotFound for unknown or revoked ones."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise NotFound()
    return feed


def calendar_feed_live(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_meetings(*, user: Any, now: datetime | None = None) -> list[Meeting]:
    """Return the meetings a feed carries: from 60 days ago on, cancelled ones included."""
    at = now or clock.now()
    return list(
        meeting_list_for(user=user, since=at - timedelta(days=60)).prefetch_related(
            Prefetch(
                "partnership__seats",
                queryset=PartnershipMember.objects.select_related(
                    "membership__user", "membership__profile"
                ),
            )
        )
    )
