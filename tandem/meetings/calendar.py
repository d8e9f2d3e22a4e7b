"""Calendar files (.ics) for meetings, built with the icalendar package.

Events carry the time with its TZID (the series' zone) and a VTIMEZONE, a UID that stays the
same for a meeting, the place or video link of the agreed ground rules (LOCATION), a SEQUENCE that goes up on every change, and STATUS:CANCELLED when the
meeting is off. They never carry notes, commitments or anything said in a meeting.

Invitations (iTIP, RFC 5546) go with the scheduling emails: one UID per partnership's standing
meeting, a master event with the series' RRULE, and one event per changed occurrence with its
RECURRENCE-ID (docs/meetings.md says why).
"""

from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, F, Max, Window
from django.urls import reverse
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from tandem.core import clock
from tandem.core.links import absolute_url
from tandem.meetings import recurrence
from tandem.meetings.models import Meeting, MeetingSeries
from tandem.meetings.selectors.access import seat_name, seats_of
from tandem.meetings.selectors.schedule import rule_of
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import AgreedPlace, agreement_places

PRODID = "-//Tandem//Meetings//EN"


def _event(*, seats: Iterable[PartnershipMember], url: str, place: AgreedPlace | None) -> Event:
    """Return a VEVENT with what every event Tandem writes carries: the partners' names, the
    agreed place (if any) and the page to open."""
    names = " & ".join(seat_name(seat) for seat in seats)
    event = Event()
    event.add("dtstamp", clock.now())
    event.add("summary", f"Tandem: {names}" if names else gettext("Tandem meeting"))
    description = gettext("Meeting page: %(url)s") % {"url": url}
    if place is not None:
        event.add("location", place.label)
        description = f"{place.label}\n{description}"
    event.add("description", description)
    event.add("url", url)
    return event


def _occurrence(event: Event, meeting: Meeting, *, series_sequence: int | None) -> Event:
    """Add the meeting's identity, times and status to ``event``.

    With ``series_sequence`` (the SEQUENCE of its agreed series) the meeting is that occurrence
    of the partnership's standing meeting: the series' UID and its RECURRENCE-ID; without, it
    is an event of its own.
    """
    series = meeting.series
    if series_sequence is not None and series is not None:
        event.add("uid", series_uid(meeting.partnership))
        event.add(
            "recurrence-id", recurrence.instant_to_wall(meeting.original_start, series.time_zone)
        )
        event.add("sequence", series_sequence + meeting.sequence)
    else:
        event.add("uid", f"{meeting.uid}@tandem")
        event.add("sequence", meeting.sequence)
    start = recurrence.instant_to_wall(meeting.starts_at, meeting.time_zone)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def _series_master(
    event: Event, series: MeetingSeries, *, partnership: Partnership, sequence: int
) -> Event:
    """Add the standing meeting's identity, first times, RRULE and status to ``event``."""
    first = next(rule_of(series).instants())
    start = recurrence.instant_to_wall(first, series.time_zone)
    event.add("uid", series_uid(partnership))
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=series.duration_minutes))
    event.add("rrule", vRecur.from_ical(series.rrule))
    ended = series.status == MeetingSeries.Status.ENDED
    event.add("status", "CANCELLED" if ended else "CONFIRMED")
    return event


def _live(meeting: Meeting) -> MeetingSeries | None:
    """Return the meeting's series when it is the partnership's agreed one (its standing event)."""
    series = meeting.series
    return series if series is not None and series.status == MeetingSeries.Status.ACTIVE else None


def meeting_event(
    meeting: Meeting, *, place: AgreedPlace | None = None, series_sequence: int | None = None
) -> Event:
    """Return the VEVENT of one meeting, with the place its partners agreed on (if any).

    ``series_sequence`` names it as an occurrence of the standing meeting (see ``_occurrence``).
    """
    event = _event(
        seats=meeting.partnership.seats.all(),
        url=absolute_url(meeting.get_absolute_url()),
        place=place,
    )
    return _occurrence(event, meeting, series_sequence=series_sequence)


def calendar_for(meetings: Iterable[Meeting], *, name: str, standing: bool = False) -> bytes:
    """Return an iCalendar file with one event per meeting and the zones they use.

    ``standing`` (the subscribed feed) names them as the invitations do: a meeting of an agreed
    series is an occurrence of the partnership's standing meeting, which the file holds too,
    so a calendar that has the invitation can tell they are the same meetings.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    meetings = list(meetings)
    partnership_ids = {m.partnership_id for m in meetings}
    places = agreement_places(partnership_ids=partnership_ids)
    sequences = _series_sequences(partnership_ids=partnership_ids) if standing else {}
    masters: set[int] = set()
    for meeting in meetings:
        place = places.get(meeting.partnership_id)
        series = _live(meeting) if standing else None
        if series is not None and series.pk not in masters:
            masters.add(series.pk)
            schedule = reverse("meetings:schedule", kwargs={"pk": meeting.partnership_id})
            master = _event(
                seats=meeting.partnership.seats.all(), url=absolute_url(schedule), place=place
            )
            calendar.add_component(
                _series_master(
                    master, series, partnership=meeting.partnership, sequence=sequences[series.pk]
                )
            )
        calendar.add_component(
            meeting_event(
                meeting,
                place=place,
                series_sequence=sequences[series.pk] if series is not None else None,
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- Invitations (iTIP) ------------------------------------------------------------------------


def series_uid(partnership: Partnership) -> str:
    """Return the UID of the partnership's standing meeting: the same across every agreed series."""
    host = urlsplit(settings.SITE_URL).hostname or "tandem"
    return f"tandem-partnership-{partnership.pk}-meetings@{host}"


def _series_sequences(*, partnership_ids: Iterable[int]) -> dict[int, int]:
    """Return each agreed series' SEQUENCE (how many other series of its partnership were agreed
    before it, or at the same instant), by series id, for the given partnerships; one query."""
    agreed = MeetingSeries.objects.filter(
        partnership_id__in=list(partnership_ids), agreed_at__isnull=False
    ).annotate(
        # Ordered, the window's default frame ends at the current row's last peer: it counts
        # the partnership's series agreed up to this one's instant, this one included.
        agreed_by_then=Window(Count("pk"), partition_by=F("partnership_id"), order_by="agreed_at")
    )
    return {pk: count - 1 for pk, count in agreed.values_list("pk", "agreed_by_then")}


def _series_sequence(series: MeetingSeries) -> int:
    """Return how many series of the partnership were agreed before this one (its SEQUENCE)."""
    assert series.agreed_at is not None
    return _series_sequences(partnership_ids=[series.partnership_id])[series.pk]


def _series_end_sequence(partnership: Partnership) -> int:
    """Return a SEQUENCE above any the partnership's standing meeting was ever sent with.

    Each was a series' SEQUENCE (below the number of agreed series) plus at most the highest
    count of changes of one of its meetings.
    """
    agreed = partnership.series.filter(agreed_at__isnull=False)
    changes = Meeting.objects.filter(series__in=agreed).aggregate(top=Max("sequence"))["top"]
    return agreed.count() + (changes or 0)


def _invitation_event(
    *, partnership: Partnership, summary_url: str, place: AgreedPlace | None
) -> Event:
    """Return a VEVENT with what every invitation carries: organizer, partners, place, links.

    The partners of an ended partnership are every partner it had: their seats are closed.
    """
    seats = seats_of(partnership, closed=partnership.status == Partnership.Status.ENDED)
    event = _event(seats=seats, url=summary_url, place=place)
    display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(f"{display or 'Tandem'} · {partnership.program.name}")
    event.add("organizer", organizer)
    for seat in seats:
        if not seat.membership.user.is_active:  # an erased account has no address to invite
            continue
        attendee = vCalAddress(f"mailto:{seat.membership.user.email}")
        attendee.params["cn"] = vText(seat_name(seat))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        # Partners already agreed on Tandem; a reply to the organizer would reach nobody.
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=False)
    return event


def _invitation_calendar(method: str, event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def series_invitation(series: MeetingSeries) -> tuple[str, bytes]:
    """Return the iTIP method and file for a series: REQUEST when agreed, CANCEL when ended.

    The recurring event, in the series' zone. Agreeing a new series changes the same event
    (same UID, a higher SEQUENCE), so calendars move the standing meeting instead of keeping the
    old one beside the new; the ending cancels it, every occurrence with it.
    """
    partnership = series.partnership
    place = agreement_places(partnership_ids=[partnership.pk]).get(partnership.pk)
    event = _invitation_event(
        partnership=partnership,
        summary_url=absolute_url(reverse("meetings:schedule", kwargs={"pk": partnership.pk})),
        place=place,
    )
    if series.status == MeetingSeries.Status.ENDED:
        _series_master(
            event, series, partnership=partnership, sequence=_series_end_sequence(partnership)
        )
        return "CANCEL", _invitation_calendar("CANCEL", event)
    _series_master(event, series, partnership=partnership, sequence=_series_sequence(series))
    return "REQUEST", _invitation_calendar("REQUEST", event)


def partnership_ended_invitation(*, partnership: Partnership) -> tuple[str, bytes] | None:
    """Return the CANCEL of an ended partnership's standing meeting; None if none was agreed."""
    series = (
        partnership.series.filter(status=MeetingSeries.Status.ENDED, agreed_at__isnull=False)
        .select_related("partnership__program")
        .order_by("-agreed_at", "-pk")
        .first()
    )
    return series_invitation(series) if series is not None else None


def meeting_invitation(meeting: Meeting) -> tuple[str, bytes]:
    """Return the iTIP method and file for one changed meeting: REQUEST if moved, CANCEL if off.

    A meeting of the agreed series is that occurrence of the standing meeting (its
    RECURRENCE-ID, the series' own start for it); a one-off has its own UID.
    """
    partnership = meeting.partnership
    place = agreement_places(partnership_ids=[partnership.pk]).get(partnership.pk)
    event = _invitation_event(
        partnership=partnership,
        summary_url=absolute_url(meeting.get_absolute_url()),
        place=place,
    )
    series = _live(meeting)
    _occurrence(
        event, meeting, series_sequence=_series_sequence(series) if series is not None else None
    )
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    return method, _invitation_calendar(method, event)
