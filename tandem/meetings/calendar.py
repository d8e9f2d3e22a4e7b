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


def meeting_event(meeting: Meeting, *, place: AgreedPlace | None = None) -> Event:
    """Return the VEVENT of one meeting, with the place its partners agreed on (if any)."""
    event = _event(
        seats=meeting.partnership.seats.all(),
        url=absolute_url(meeting.get_absolute_url()),
        place=place,
    )
    start = recurrence.instant_to_wall(meeting.starts_at, meeting.time_zone)
    event.add("uid", f"{meeting.uid}@tandem")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_for(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """Return an iCalendar file with one event per meeting and the zones they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    meetings = list(meetings)
    places = agreement_places(partnership_ids={m.partnership_id for m in meetings})
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, place=places.get(meeting.partnership_id)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- Invitations (iTIP) ------------------------------------------------------------------------


def series_uid(partnership: Partnership) -> str:
    """Return the UID of the partnership's standing meeting: the same across every agreed series."""
    host = urlsplit(settings.SITE_URL).hostname or "tandem"
    return f"tandem-partnership-{partnership.pk}-meetings@{host}"


def _series_sequence(series: MeetingSeries) -> int:
    """Return how many series of the partnership were agreed before this one (its SEQUENCE)."""
    assert series.agreed_at is not None
    return (
        series.partnership.series.filter(agreed_at__isnull=False)
        .exclude(pk=series.pk)
        .filter(agreed_at__lte=series.agreed_at)
        .count()
    )


def _invitation_event(
    *, partnership: Partnership, summary_url: str, place: AgreedPlace | None
) -> Event:
    """Return a VEVENT with what every invitation carries: organizer, partners, place, links."""
    seats = seats_of(partnership)
    event = _event(seats=seats, url=summary_url, place=place)
    display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(f"{display or 'Tandem'} · {partnership.program.name}")
    event.add("organizer", organizer)
    for seat in seats:
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


def series_invitation(series: MeetingSeries) -> bytes:
    """Return the REQUEST for an agreed series: the recurring event, in the series' zone.

    Agreeing a new series changes the same event (same UID, a higher SEQUENCE), so calendars
    move the standing meeting instead of keeping the old one beside the new.
    """
    partnership = series.partnership
    place = agreement_places(partnership_ids=[partnership.pk]).get(partnership.pk)
    event = _invitation_event(
        partnership=partnership,
        summary_url=absolute_url(reverse("meetings:schedule", kwargs={"pk": partnership.pk})),
        place=place,
    )
    first = next(rule_of(series).instants())
    start = recurrence.instant_to_wall(first, series.time_zone)
    event.add("uid", series_uid(partnership))
    event.add("sequence", _series_sequence(series))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=series.duration_minutes))
    event.add("rrule", vRecur.from_ical(series.rrule))
    event.add("status", "CONFIRMED")
    return _invitation_calendar("REQUEST", event)


def meeting_invitation(meeting: Meeting) -> tuple[str, bytes]:
    """Return the iTIP method and file for one changed meeting: REQUEST if moved, CANCEL if off.

    A meeting of a series is that occurrence of the standing meeting (its RECURRENCE-ID, the
    series' own start for it); a one-off has its own UID.
    """
    partnership = meeting.partnership
    place = agreement_places(partnership_ids=[partnership.pk]).get(partnership.pk)
    event = _invitation_event(
        partnership=partnership,
        summary_url=absolute_url(meeting.get_absolute_url()),
        place=place,
    )
    cancelled = meeting.status == Meeting.Status.CANCELLED
    start = recurrence.instant_to_wall(meeting.starts_at, meeting.time_zone)
    series = meeting.series
    if series is not None and series.agreed_at is not None:
        event.add("uid", series_uid(partnership))
        event.add(
            "recurrence-id", recurrence.instant_to_wall(meeting.original_start, series.time_zone)
        )
        event.add("sequence", _series_sequence(series) + meeting.sequence)
    else:
        event.add("uid", f"{meeting.uid}@tandem")
        event.add("sequence", meeting.sequence)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    method = "CANCEL" if cancelled else "REQUEST"
    return method, _invitation_calendar(method, event)
