"""When partners meet: upcoming, next and recent meetings, series and their labels, each
partner's local time, common slot suggestions and clock changes."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from tandem.core import clock
from tandem.meetings import recurrence
from tandem.meetings.models import (
    Meeting,
    MeetingSeries,
    Reschedule,
)
from tandem.meetings.selectors.access import seat_name, seat_zone, seats_of
from tandem.meetings.selectors.balance import balance_for_partnership
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import agreement_rhythm

UPCOMING_COUNT = 3


def _has_profile(membership: Any) -> bool:
    try:
        membership.profile  # noqa: B018 - the access itself tells whether it exists
    except ObjectDoesNotExist:
        return False
    return True


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


@dataclass(frozen=True)
class OpenProposal:
    """A proposed slot not yet agreed, as the member's meetings list names it."""

    series: MeetingSeries
    program_name: str
    proposer_name: str
    proposed_by_me: bool
    accepted: bool  # by the member: then it waits for the others' answers, not theirs
    others: int  # the member's partners, for "your partner" or "your partners"


def series_open_for(*, user: Any) -> list[OpenProposal]:
    """Return the open slot proposals of the active partnerships the user sits in, newest
    first, in a fixed number of queries."""
    if not getattr(user, "is_authenticated", False):
        return []
    accepted = MeetingSeries.accepted_by.through.objects.filter(
        meetingseries=OuterRef("pk"), partnershipmember__membership__user=user
    )
    series = (
        MeetingSeries.objects.filter(
            status=MeetingSeries.Status.PROPOSED,
            partnership__status=Partnership.Status.ACTIVE,
            partnership__in=PartnershipMember.objects.filter(
                membership__user=user, active=True
            ).values("partnership"),
        )
        .annotate(
            seat_count=Count("partnership__seats", filter=Q(partnership__seats__active=True)),
            mine_accepted=Exists(accepted),
        )
        .select_related(
            "partnership__program",
            "proposed_by__membership__user",
            "proposed_by__membership__profile",
        )
    )
    return [
        OpenProposal(
            series=row,
            program_name=row.partnership.program.name,
            proposer_name=seat_name(row.proposed_by),
            proposed_by_me=row.proposed_by.membership.user_id == user.pk,
            accepted=row.mine_accepted,
            others=row.seat_count - 1,
        )
        for row in series
    ]


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
        return date_format(self.local, "H:i")

    @property
    def day(self) -> str:
        """Return the local date as "Wednesday 17 March", in the current language.

        No conversion by the template: the date is already the partner's own.
        """
        return date_format(self.local, pgettext("weekday, day and month", "l j F"))


def partner_times(*, instant: datetime, seats: list[PartnershipMember]) -> list[PartnerTime]:
    """Return the instant as each partner's local time."""
    times = []
    for seat in seats:
        zone = seat_zone(seat)
        local = recurrence.instant_to_wall(instant, zone)
        times.append(PartnerTime(seat_name(seat), zone, local.weekday(), local))
    return times


def times_label(times: list[PartnerTime], *, recurring: bool = True) -> str:
    """Return "Wednesdays 18:00 for Ana (Europe/Madrid) · 12:00 for Ben (America/New_York)".

    In the current language; a one-off instant reads "Wed 17 Mar 18:00 for Ana (...)".
    """
    parts = []
    first_weekday = times[0].weekday if times else None
    for index, item in enumerate(times):
        values = {"clock": item.clock, "name": item.name, "zone": item.zone}
        if index == 0 or item.weekday != first_weekday:
            if recurring:
                values["day"] = str(recurrence.WEEKDAY_PLURALS[item.weekday])
            else:
                values["day"] = date_format(
                    item.local, pgettext("short weekday, day and month", "D j M")
                )
            # Translators: "Wednesdays 18:00 for Ana (Europe/Madrid)": a partner's local time.
            parts.append(gettext("%(day)s %(clock)s for %(name)s (%(zone)s)") % values)
        else:
            # Translators: "12:00 for Ben (America/New_York)", after another partner's time.
            parts.append(gettext("%(clock)s for %(name)s (%(zone)s)") % values)
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
    cadence = ngettext("every week", "every %(count)d weeks", interval) % {"count": interval}
    minutes = ngettext("%(count)d minute", "%(count)d minutes", series.duration_minutes) % {
        "count": series.duration_minutes
    }
    # Translators: "<times>, every 2 weeks, 45 minutes, from 17 March 2026".
    return gettext("%(times)s, %(cadence)s, %(minutes)s, from %(date)s") % {
        "times": label,
        "cadence": cadence,
        "minutes": minutes,
        "date": date_format(series.starts_on, pgettext("day, month and year", "j F Y")),
    }


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


# --- The schedule page's rows -----------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    """A series as the schedule page lists it: everyone's local time, and who accepted."""

    series: MeetingSeries
    label: str
    accepted_ids: frozenset[int]


@dataclass(frozen=True)
class RescheduleRow:
    """An open proposal to move a meeting: the new time for everyone, and who accepted."""

    proposal: Reschedule
    label: str
    accepted_ids: frozenset[int]


@dataclass(frozen=True)
class UpcomingRow:
    """One of ``meeting_upcoming``: its time for everyone, and its open proposals to move it."""

    meeting: Meeting
    label: str
    reschedules: list[RescheduleRow]


def series_rows(
    *, partnership: Partnership, seats: list[PartnershipMember], limit: int = 5
) -> list[SeriesRow]:
    """Return the partnership's latest series (``series_list_for``), labelled for ``seats``."""
    return [
        SeriesRow(
            series=series,
            label=series_label(series=series, seats=seats),
            accepted_ids=frozenset(s.pk for s in series.accepted_by.all()),
        )
        for series in series_list_for(partnership=partnership)[:limit]
    ]


def meeting_upcoming_rows(
    *, partnership: Partnership, seats: list[PartnershipMember], now: datetime | None = None
) -> list[UpcomingRow]:
    """Return ``meeting_upcoming`` with each meeting's and each open proposal's time for
    ``seats``, in their order."""
    return [
        UpcomingRow(
            meeting=meeting,
            label=instant_label(instant=meeting.starts_at, seats=seats),
            reschedules=[
                RescheduleRow(
                    proposal=proposal,
                    label=instant_label(instant=proposal.new_starts_at, seats=seats),
                    accepted_ids=frozenset(s.pk for s in proposal.accepted_by.all()),
                )
                for proposal in meeting.open_reschedules  # type: ignore[attr-defined]
            ],
        )
        for meeting in meeting_upcoming(partnership=partnership, now=now)
    ]
