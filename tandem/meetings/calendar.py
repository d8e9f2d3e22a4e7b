"""Calendar files (.ics) for meetings, built with the icalendar package.

Events carry the time with its TZID (the series' zone) and a VTIMEZONE, a UID that stays the
same for a meeting, the place or video link of the agreed ground rules (LOCATION), a SEQUENCE that goes up on every change, and STATUS:CANCELLED when the
meeting is off. They never carry notes, commitments or anything said in a meeting.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.utils.translation import gettext
from icalendar import Calendar, Event

from tandem.core import clock
from tandem.core.links import absolute_url
from tandem.meetings import recurrence
from tandem.meetings.models import Meeting
from tandem.meetings.selectors.access import seat_name
from tandem.partnerships.selectors.agreement import AgreedPlace, agreement_places

PRODID = "-//Tandem//Meetings//EN"


def meeting_event(meeting: Meeting, *, place: AgreedPlace | None = None) -> Event:
    """Return the VEVENT of one meeting, with the place its partners agreed on (if any)."""
    seats = list(meeting.partnership.seats.all())
    names = " & ".join(seat_name(seat) for seat in seats)
    start = recurrence.instant_to_wall(meeting.starts_at, meeting.time_zone)
    event = Event()
    event.add("uid", f"{meeting.uid}@tandem")
    event.add("dtstamp", clock.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("sequence", meeting.sequence)
    event.add("summary", f"Tandem: {names}" if names else gettext("Tandem meeting"))
    description = gettext("Meeting page: %(url)s") % {
        "url": absolute_url(meeting.get_absolute_url())
    }
    if place is not None:
        event.add("location", place.label)
        description = f"{place.label}\n{description}"
    event.add("description", description)
    event.add("url", absolute_url(meeting.get_absolute_url()))
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
