"""Reads for "Your first month": what a new partnership's first weeks look like, for one partner.

The preview sits at the member-home level because it reads four apps below it: the program's
kick-off and rhythm (programs, partnerships' ground rules), the common slots and the
turn-taking rule (meetings) and the first worksheet (worksheets). It computes nothing of its
own: the suggested meetings are the meetings app's first common slot
(``slot_suggestions``) repeated at the agreed rhythm, every time is shown as the meetings app
labels it (the reader's own zone first), and who takes the mentee's seat first is
``turn_order_for``. Once the partners have booked meetings, those real meetings replace the
suggestions.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse

from tandem.core import clock
from tandem.meetings import recurrence
from tandem.meetings.models import Meeting, MeetingSeries
from tandem.meetings.selectors.access import seat_name, seat_zone, seats_of
from tandem.meetings.selectors.schedule import (
    instant_label,
    meeting_upcoming,
    slot_suggestions,
    viewer_first,
)
from tandem.meetings.selectors.turns import turn_order_for
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import agreement_rhythm
from tandem.programs.models import Document, Program
from tandem.programs.selectors.program import document_list
from tandem.worksheets.models import WorksheetTemplate
from tandem.worksheets.selectors import due_label

# The preview covers this many days from today; the link to it stands out on the partnership
# page and the member home for this long after the partnership starts (or until a meeting is
# held, whichever comes later).
FIRST_MONTH_DAYS = 28

# Other common slots offered besides the one the suggested meetings follow.
ALTERNATIVES = 2

Due = WorksheetTemplate.Due


@dataclass(frozen=True)
class PreviewMeeting:
    """One meeting of the first month: suggested, or booked already (``meeting`` set)."""

    starts_at: datetime
    # The reader's wall time (naive, so a template shows it as is, in any active zone).
    local: datetime
    # Everyone's local time, the reader's first ("Wed 13 Jan 18:00 for Ana (Europe/Madrid) · …").
    label: str
    meeting: Meeting | None = None

    @property
    def scheduled(self) -> bool:
        return self.meeting is not None


@dataclass(frozen=True)
class FirstWorksheet:
    template: WorksheetTemplate
    due_label: str
    url: str


@dataclass(frozen=True)
class FirstMonth:
    """A partnership's first month as one partner reads it (every time in their own zone)."""

    partnership: Partnership
    program: Program
    time_zone: str
    partner_names: list[str]
    kickoff_on: date | None
    until: date
    meetings: list[PreviewMeeting]
    # Whether ``meetings`` are the partners' booked meetings (else suggestions).
    scheduled: bool
    # Other common slots, as weekly labels, when the meetings are suggestions.
    alternatives: list[str]
    # A proposed series waits for an answer on the schedule page.
    proposal_waiting: bool
    cadence_weeks: int
    meeting_minutes: int
    turn_minutes: int
    # Who sits in the mentee's seat first at the first meeting, then who follows.
    first_mentee: str
    first_mentors: list[str]
    reader_goes_first: bool
    worksheet: FirstWorksheet | None
    guidebook: list[Document]
    page_url: str
    schedule_url: str
    partnership_url: str

    @property
    def circle(self) -> bool:
        return len(self.partner_names) > 1


def first_month_open(*, partnership: Partnership, now: datetime | None = None) -> bool:
    """Return whether the partnership is in its first month, or has held no meeting yet."""
    at = now or clock.now()
    if partnership.status == Partnership.Status.ENDED:
        return False
    if at < partnership.started_at + timedelta(days=FIRST_MONTH_DAYS):
        return True
    return not partnership.meetings.filter(status=Meeting.Status.HELD).exists()


def _first_worksheet(partnership: Partnership) -> FirstWorksheet | None:
    """Return the worksheet due first: at the kick-off, else the earliest meeting, else any."""
    program = partnership.program
    template = (
        WorksheetTemplate.objects.filter(
            program=program, due__in=[Due.KICKOFF, Due.MEETING, Due.ANYTIME]
        )
        .annotate(
            rank=Case(
                When(due=Due.KICKOFF, then=Value(0)),
                When(due=Due.MEETING, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "due_meeting", "position", "pk")
        .first()
    )
    if template is None:
        return None
    return FirstWorksheet(
        template=template,
        due_label=due_label(template=template, program=program),
        url=reverse("worksheets:fill", args=[partnership.pk, template.pk]),
    )


def _preview(
    instant: datetime,
    zone: str,
    seats: list[PartnershipMember],
    meeting: Meeting | None = None,
) -> PreviewMeeting:
    return PreviewMeeting(
        starts_at=instant,
        local=recurrence.instant_to_wall(instant, zone).replace(tzinfo=None),
        label=instant_label(instant=instant, seats=seats),
        meeting=meeting,
    )


def first_month_preview(
    *, partnership: Partnership, seat: PartnershipMember, now: datetime | None = None
) -> FirstMonth:
    """Return the partnership's first month for the partner in ``seat`` (the caller checked it).

    The booked meetings of the coming weeks when there are any; else the first common slot of
    both partners' availability, at the agreed rhythm, over the next ``FIRST_MONTH_DAYS``.
    """
    at = now or clock.now()
    program = partnership.program
    seats = seats_of(partnership)
    readers = viewer_first(seats, seat)
    zone = seat_zone(seat)
    until = at + timedelta(days=FIRST_MONTH_DAYS)
    cadence_weeks, minutes = agreement_rhythm(partnership=partnership)

    # The booked meetings of the month (at least the next one, however far it is).
    upcoming = meeting_upcoming(partnership=partnership, now=at)
    booked = [m for m in upcoming if m.starts_at < until] or upcoming[:1]
    meetings = [_preview(m.starts_at, zone, readers, m) for m in booked]
    alternatives: list[str] = []
    if not meetings:
        slots = slot_suggestions(partnership=partnership, viewer=seat, now=at)
        if slots:
            first = slots[0]
            rule = recurrence.Rule(
                starts_on=first.starts_on,
                start_time=first.start_time,
                time_zone=first.time_zone,
                rrule=recurrence.weekly_rule(
                    weekday=first.starts_on.weekday(), interval_weeks=cadence_weeks
                ),
            )
            for instant in rule.instants():
                if instant >= until:
                    break
                meetings.append(_preview(instant, zone, readers))
            alternatives = [s.label for s in slots[1 : 1 + ALTERNATIVES]]

    # Who goes first follows the meetings app's rule, at the first meeting shown (a suggested
    # one is an unsaved meeting: no turns, no history yet).
    first_meeting = (
        meetings[0].meeting
        if meetings and meetings[0].meeting is not None
        else Meeting(partnership=partnership, starts_at=meetings[0].starts_at if meetings else at)
    )
    order = turn_order_for(
        meeting=first_meeting, seats=seats, turns=None if first_meeting.pk else []
    )
    order = order or readers
    waiting = MeetingSeries.objects.filter(
        partnership=partnership, status=MeetingSeries.Status.PROPOSED
    ).exists()
    return FirstMonth(
        partnership=partnership,
        program=program,
        time_zone=zone,
        partner_names=[seat_name(s) for s in readers if s.pk != seat.pk],
        kickoff_on=program.kickoff_on,
        until=until.date(),
        meetings=meetings,
        scheduled=bool(booked),
        alternatives=alternatives,
        proposal_waiting=waiting,
        cadence_weeks=cadence_weeks,
        meeting_minutes=minutes,
        turn_minutes=max(1, minutes // max(1, len(order))),
        first_mentee=seat_name(order[0]),
        first_mentors=[seat_name(s) for s in order[1:]],
        reader_goes_first=order[0].pk == seat.pk,
        worksheet=_first_worksheet(partnership),
        guidebook=[d for d in document_list(program=program) if d.kind == Document.Kind.GUIDEBOOK],
        page_url=reverse("dashboard:first_month", args=[partnership.pk]),
        schedule_url=reverse("meetings:schedule", args=[partnership.pk]),
        partnership_url=partnership.get_absolute_url(),
    )
