"""Meetings API (``/api/v1/meetings``): the same selectors and services as the pages.

Like every router under ``/api/v1/``, a call without a token or session gets 401. A signed-in
person who is not a partner gets 404 for a meeting, its series or its notes, exactly as for a
missing one. Note responses are sent with ``Cache-Control: no-store``.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from tandem.api.errors import errors
from tandem.api.fields import IsoDateTime
from tandem.core import clock
from tandem.core.links import absolute_url
from tandem.core.markdown import markdown_to_html
from tandem.meetings import services
from tandem.meetings.models import Meeting, MeetingSeries, Note, Reschedule
from tandem.meetings.selectors.access import (
    access_meeting,
    access_meeting_with_seats,
    access_note,
    access_own_note,
    access_reschedule,
    access_series,
    seat_name,
    seats_of,
)
from tandem.meetings.selectors.notes import note_list_for
from tandem.meetings.selectors.schedule import (
    meeting_list_for,
    partner_times,
    series_label,
    series_list_for,
)
from tandem.meetings.selectors.turns import turn_state
from tandem.partnerships.selectors.partnership import access_partnership_seat

# The API's own authentication (token or session); no credentials get 401.
router = Router(tags=["meetings"])


class SeriesOut(Schema):
    id: int
    partnership_id: int
    status: str
    starts_on: date
    start_time: time
    time_zone: str
    rrule: str
    duration_minutes: int
    accepted_by: list[int]
    label: str


class SeriesIn(Schema):
    partnership_id: int
    starts_on: date
    start_time: time
    time_zone: str


class MeetingOut(Schema):
    id: int
    partnership_id: int
    series_id: int | None
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    time_zone: str
    status: str
    sequence: int
    cancel_reason: str
    url: str
    ics_url: str


class TurnOut(Schema):
    id: int
    seat_id: int
    position: int
    planned_seconds: int
    started_at: datetime | None
    ended_at: datetime | None


class TurnsOut(Schema):
    turns: list[TurnOut]
    current_turn_id: int | None
    ends_at: datetime | None
    finished: bool


class MeetingDetailOut(MeetingOut):
    partners: list[dict[str, Any]]
    turns: TurnsOut


class RescheduleIn(Schema):
    on: date
    at: time
    time_zone: str


class RescheduleOut(Schema):
    id: int
    meeting_id: int
    new_starts_at: datetime
    status: str
    accepted_by: list[int]


class CancelIn(Schema):
    reason: str = ""


class MarkIn(Schema):
    status: str
    present: list[int]


class HandOverIn(Schema):
    turn_id: int | None = None


class NoteIn(Schema):
    body: str
    visibility: str = Note.Visibility.PRIVATE


class NoteOut(Schema):
    id: int
    meeting_id: int
    author_seat_id: int
    author_name: str
    mine: bool
    visibility: str
    body: str
    body_html: str
    created_at: datetime
    updated_at: datetime


class FeedOut(Schema):
    url: str


def _series_out(series: MeetingSeries, seats: list[Any]) -> SeriesOut:
    return SeriesOut(
        id=series.pk,
        partnership_id=series.partnership_id,
        status=series.status,
        starts_on=series.starts_on,
        start_time=series.start_time,
        time_zone=series.time_zone,
        rrule=series.rrule,
        duration_minutes=series.duration_minutes,
        accepted_by=sorted(s.pk for s in series.accepted_by.all()),
        label=series_label(series=series, seats=seats),
    )


def _meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk,
        partnership_id=meeting.partnership_id,
        series_id=meeting.series_id,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        duration_minutes=meeting.duration_minutes,
        time_zone=meeting.time_zone,
        status=meeting.status,
        sequence=meeting.sequence,
        cancel_reason=meeting.cancel_reason,
        url=absolute_url(meeting.get_absolute_url()),
        ics_url=absolute_url(reverse("meetings:ics", kwargs={"pk": meeting.pk})),
    )


def _turns_out(meeting: Meeting) -> TurnsOut:
    state = turn_state(meeting=meeting)
    return TurnsOut(
        turns=[
            TurnOut(
                id=t.pk,
                seat_id=t.seat_id,
                position=t.position,
                planned_seconds=t.planned_seconds,
                started_at=t.started_at,
                ended_at=t.ended_at,
            )
            for t in state.turns
        ],
        current_turn_id=state.current.pk if state.current else None,
        ends_at=state.ends_at,
        finished=state.finished,
    )


def _reschedule_out(proposal: Reschedule) -> RescheduleOut:
    return RescheduleOut(
        id=proposal.pk,
        meeting_id=proposal.meeting_id,
        new_starts_at=proposal.new_starts_at,
        status=proposal.status,
        accepted_by=sorted(s.pk for s in proposal.accepted_by.all()),
    )


def _note_out(note: Note, seat: Any) -> NoteOut:
    return NoteOut(
        id=note.pk,
        meeting_id=note.meeting_id,
        author_seat_id=note.author_id,
        author_name=seat_name(note.author),
        mine=note.author_id == seat.pk,
        visibility=note.visibility,
        body=note.body,
        body_html=str(markdown_to_html(note.body)),
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store, max-age=0"


# --- Series -----------------------------------------------------------------------------


@router.get("/series", response={200: list[SeriesOut], **errors(404, 422)})
def series_list(request: HttpRequest, partnership_id: int) -> list[SeriesOut]:
    """List a partnership's proposed, agreed and past series."""
    partnership, _ = access_partnership_seat(user=request.user, pk=partnership_id)
    seats = seats_of(partnership)
    return [_series_out(s, seats) for s in series_list_for(partnership=partnership)]


@router.post("/series", response={201: SeriesOut, **errors(400, 403, 404, 409, 422)})
def series_propose(request: HttpRequest, payload: SeriesIn) -> Status[SeriesOut]:
    """Propose a weekly slot (wall time in a zone); it is booked once every partner accepts."""
    partnership, seat = access_partnership_seat(user=request.user, pk=payload.partnership_id)
    series = services.series_propose(
        partnership=partnership,
        seat=seat,
        starts_on=payload.starts_on,
        start_time=payload.start_time,
        time_zone=payload.time_zone,
    )
    return Status(201, _series_out(series, seats_of(partnership)))


@router.post("/series/{int:series_id}/accept", response={200: SeriesOut, **errors(403, 404, 409)})
def series_accept(request: HttpRequest, series_id: int) -> SeriesOut:
    series, seat = access_series(user=request.user, pk=series_id)
    series = services.series_accept(series=series, seat=seat)
    return _series_out(series, seats_of(series.partnership))


@router.post("/series/{int:series_id}/decline", response={200: SeriesOut, **errors(403, 404, 409)})
def series_decline(request: HttpRequest, series_id: int) -> SeriesOut:
    series, seat = access_series(user=request.user, pk=series_id)
    series = services.series_decline(series=series, seat=seat)
    return _series_out(series, seats_of(series.partnership))


# --- Calendar feed ------------------------------------------------------------------------


@router.post("/calendar-feed/rotate", response={200: FeedOut, **errors(403)})
def calendar_feed_rotate(request: HttpRequest, response: HttpResponse) -> FeedOut:
    """Make a new private feed address (the old one answers 404 from now on)."""
    _no_store(response)
    token = services.calendar_feed_rotate(user=request.user)
    return FeedOut(url=absolute_url(reverse("meetings:feed", kwargs={"token": token})))


@router.delete("/calendar-feed", response={204: None, **errors(403)})
def calendar_feed_revoke(request: HttpRequest) -> Status[None]:
    """Revoke your private feed address without making a new one."""
    services.calendar_feed_revoke(user=request.user)
    return Status(204, None)


# --- Meetings -------------------------------------------------------------------------------


@router.get("/", response={200: list[MeetingOut], **errors(422)})
def meeting_list(request: HttpRequest, since: IsoDateTime | None = None) -> list[MeetingOut]:
    """List your meetings (all partnerships) from ``since`` (default: now), soonest first."""
    meetings = meeting_list_for(user=request.user, since=since or clock.now())
    return [_meeting_out(m) for m in meetings[:200]]


@router.get("/{int:meeting_id}", response={200: MeetingDetailOut, **errors(404)})
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingDetailOut:
    meeting, _, seats = access_meeting_with_seats(user=request.user, pk=meeting_id)
    base = _meeting_out(meeting).model_dump()
    return MeetingDetailOut(
        **base,
        partners=[
            {
                "seat_id": s.pk,
                "name": t.name,
                "time_zone": t.zone,
                "local_start": t.local.isoformat(),
            }
            for s, t in zip(
                seats, partner_times(instant=meeting.starts_at, seats=seats), strict=True
            )
        ],
        turns=_turns_out(meeting),
    )


@router.post(
    "/{int:meeting_id}/reschedule", response={201: RescheduleOut, **errors(400, 403, 404, 409, 422)}
)
def meeting_reschedule(
    request: HttpRequest, meeting_id: int, payload: RescheduleIn
) -> Status[RescheduleOut]:
    """Propose moving one meeting; it moves once every partner accepts."""
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    proposal = services.meeting_reschedule_propose(
        meeting=meeting, seat=seat, on=payload.on, at=payload.at, time_zone=payload.time_zone
    )
    return Status(201, _reschedule_out(proposal))


@router.post(
    "/reschedules/{int:reschedule_id}/accept",
    response={200: RescheduleOut, **errors(403, 404, 409)},
)
def reschedule_accept(request: HttpRequest, reschedule_id: int) -> RescheduleOut:
    proposal, seat = access_reschedule(user=request.user, pk=reschedule_id)
    return _reschedule_out(services.reschedule_accept(proposal=proposal, seat=seat))


@router.post(
    "/reschedules/{int:reschedule_id}/decline",
    response={200: RescheduleOut, **errors(403, 404, 409)},
)
def reschedule_decline(request: HttpRequest, reschedule_id: int) -> RescheduleOut:
    proposal, seat = access_reschedule(user=request.user, pk=reschedule_id)
    return _reschedule_out(services.reschedule_decline(proposal=proposal, seat=seat))


@router.post(
    "/{int:meeting_id}/cancel", response={200: MeetingOut, **errors(400, 403, 404, 409, 422)}
)
def meeting_cancel(
    request: HttpRequest, meeting_id: int, payload: CancelIn | None = None
) -> MeetingOut:
    """Cancel one meeting; the other partners are emailed, with ``reason`` when given."""
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    reason = payload.reason if payload is not None else ""
    return _meeting_out(services.meeting_cancel(meeting=meeting, seat=seat, reason=reason))


@router.post(
    "/{int:meeting_id}/mark", response={200: MeetingOut, **errors(400, 403, 404, 409, 422)}
)
def meeting_mark(request: HttpRequest, meeting_id: int, payload: MarkIn) -> MeetingOut:
    """Mark the meeting held or missed; ``present`` lists the seat ids of who was there."""
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    meeting = services.meeting_mark(
        meeting=meeting, seat=seat, status=payload.status, present_seat_ids=payload.present
    )
    return _meeting_out(meeting)


@router.post("/{int:meeting_id}/turns/start", response={200: TurnsOut, **errors(403, 404, 409)})
def turns_start(request: HttpRequest, meeting_id: int) -> TurnsOut:
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    services.meeting_start(meeting=meeting, seat=seat)
    return _turns_out(meeting)


@router.post(
    "/{int:meeting_id}/turns/hand-over", response={200: TurnsOut, **errors(400, 403, 404, 409, 422)}
)
def turns_hand_over(request: HttpRequest, meeting_id: int, payload: HandOverIn) -> TurnsOut:
    """End the running turn now and start the next (idempotent when ``turn_id`` is given)."""
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    services.turn_hand_over(meeting=meeting, seat=seat, turn_id=payload.turn_id)
    return _turns_out(meeting)


# --- Notes --------------------------------------------------------------------------------


@router.get("/{int:meeting_id}/notes", response={200: list[NoteOut], **errors(404)})
def note_list(request: HttpRequest, response: HttpResponse, meeting_id: int) -> list[NoteOut]:
    """List the notes you may read on a meeting: yours, and those your partners shared."""
    _no_store(response)
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    return [_note_out(n, seat) for n in note_list_for(meeting=meeting, seat=seat)]


@router.post("/{int:meeting_id}/notes", response={201: NoteOut, **errors(400, 403, 404, 422)})
def note_create(
    request: HttpRequest, response: HttpResponse, meeting_id: int, payload: NoteIn
) -> Status[NoteOut]:
    _no_store(response)
    meeting, seat = access_meeting(user=request.user, pk=meeting_id)
    note = services.note_create(
        meeting=meeting, seat=seat, body=payload.body, visibility=payload.visibility
    )
    return Status(201, _note_out(note, seat))


@router.get("/notes/{int:note_id}", response={200: NoteOut, **errors(404)})
def note_detail(request: HttpRequest, response: HttpResponse, note_id: int) -> NoteOut:
    _no_store(response)
    note, seat = access_note(user=request.user, pk=note_id)
    return _note_out(note, seat)


@router.patch("/notes/{int:note_id}", response={200: NoteOut, **errors(400, 403, 404, 422)})
def note_update(
    request: HttpRequest, response: HttpResponse, note_id: int, payload: NoteIn
) -> NoteOut:
    """Change your note; the earlier version is kept in its history."""
    _no_store(response)
    note, seat = access_own_note(user=request.user, pk=note_id)
    note = services.note_update(
        note=note, seat=seat, body=payload.body, visibility=payload.visibility
    )
    return _note_out(note, seat)
