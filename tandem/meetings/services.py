"""Writes for meetings: series and reschedule proposals, materialising occurrences, turns,
commitments, notes, calendar feeds and the emails that must go out exactly once."""

import secrets
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tandem.core import clock
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.meetings import recurrence
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
from tandem.meetings.selectors.access import seats_of
from tandem.meetings.selectors.schedule import UPCOMING_COUNT, dst_shift_for, rule_of
from tandem.meetings.selectors.turns import turn_order_for
from tandem.meetings.tasks import meeting_email_send, schedule_notice_send
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.selectors.agreement import agreement_rhythm

PARTNERSHIP_NOT_ACTIVE = gettext_noop("This partnership is not active, so it cannot book meetings.")
UNKNOWN_ZONE = gettext_noop("Choose a time zone from the list (for example Europe/London).")
START_IN_PAST = gettext_noop("Pick a first meeting in the future.")
SERIES_NOT_OPEN = gettext_noop("This proposal is no longer open.")
ALREADY_ACCEPTED = gettext_noop("You have already accepted this proposal.")
OWN_PROPOSAL = gettext_noop("You proposed this; your partners accept or decline it.")
MEETING_NOT_SCHEDULED = gettext_noop("Only a scheduled meeting can be changed.")
MEETING_NOT_STARTED = gettext_noop("A meeting can be marked once its start time has passed.")
HELD_NEEDS_TWO = gettext_noop(
    "A meeting is held when at least two partners were there; mark it missed instead."
)
UNKNOWN_PARTNER = gettext_noop("Attendance lists someone who is not a partner in this meeting.")
BAD_MARK = gettext_noop("Mark the meeting held or missed.")
TURNS_ALREADY_STARTED = gettext_noop("The turns of this meeting have already started.")
TURN_TOO_EARLY = gettext_noop("Turns can start from 15 minutes before the meeting.")
NO_TURN_RUNNING = gettext_noop("No turn is running.")
COMMITMENT_EMPTY = gettext_noop("Write what you will do before next time.")
COMMITMENT_TOO_LONG = gettext_noop("Keep the commitment under 500 characters.")
BAD_OUTCOME = gettext_noop("Answer yes, partly or no.")
NOTE_EMPTY = gettext_noop("Write something in the note before saving.")
NOTE_TOO_LONG = gettext_noop("Notes are limited to 20,000 characters.")
BAD_VISIBILITY = gettext_noop("Choose who sees the note: only you, or your partners.")
CANCEL_REASON_TOO_LONG = gettext_noop("Keep the reason under 300 characters.")

CANCEL_REASON_MAX = 300

NOTE_MAX = 20_000
MATERIALISE_SCAN = 60


def _require_active(partnership: Partnership) -> None:
    if partnership.status != Partnership.Status.ACTIVE:
        raise Conflict(PARTNERSHIP_NOT_ACTIVE)


def _active_seat_ids(partnership: Partnership) -> set[int]:
    return set(partnership.seats.filter(active=True).values_list("pk", flat=True))


# --- Series -----------------------------------------------------------------------------


@transaction.atomic
def series_propose(
    *,
    partnership: Partnership,
    seat: PartnershipMember,
    starts_on: date,
    start_time: time,
    time_zone: str,
) -> MeetingSeries:
    """Propose a recurring slot at the agreed rhythm (else the program's); the proposer accepts it."""
    # Proposals of one partnership queue on its row, so "a new one replaces the earlier ones"
    # holds when two partners propose at the same moment.
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _require_active(partnership)
    if not recurrence.zone_is_valid(time_zone):
        raise ValidationFailed(UNKNOWN_ZONE, field="time_zone")
    first = recurrence.wall_to_instant(datetime.combine(starts_on, start_time), time_zone)
    if first <= clock.now():
        raise ValidationFailed(START_IN_PAST, field="starts_on")
    cadence_weeks, meeting_minutes = agreement_rhythm(partnership=partnership)
    # One open proposal at a time: a new one replaces the earlier ones.
    partnership.series.filter(status=MeetingSeries.Status.PROPOSED).update(
        status=MeetingSeries.Status.REPLACED, updated_at=clock.now()
    )
    series = MeetingSeries.objects.create(
        partnership=partnership,
        proposed_by=seat,
        starts_on=starts_on,
        start_time=start_time.replace(second=0, microsecond=0),
        time_zone=time_zone,
        rrule=recurrence.weekly_rule(weekday=starts_on.weekday(), interval_weeks=cadence_weeks),
        duration_minutes=meeting_minutes,
    )
    series.accepted_by.add(seat)
    if not _series_activate_if_agreed(series):
        _notify_others(ScheduleNotice.Kind.SERIES_PROPOSED, series.pk, partnership, seat)
    return series


@transaction.atomic
def series_accept(*, series: MeetingSeries, seat: PartnershipMember) -> MeetingSeries:
    """Accept a proposed series; once every partner has, it replaces the current one."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _require_active(series.partnership)
    _proposal_accept(series, seat)
    _series_activate_if_agreed(series)
    return series


@transaction.atomic
def series_decline(*, series: MeetingSeries, seat: PartnershipMember) -> MeetingSeries:
    """Decline (or, for the proposer, withdraw) a proposed series."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    _proposal_decline(series)
    return series


def _proposal_accept(proposal: MeetingSeries | Reschedule, seat: PartnershipMember) -> None:
    """Record the seat's acceptance of a proposal still open, that it has not accepted yet."""
    if proposal.status != proposal.Status.PROPOSED:
        raise Conflict(SERIES_NOT_OPEN)
    if proposal.accepted_by.filter(pk=seat.pk).exists():
        raise Conflict(ALREADY_ACCEPTED)
    proposal.accepted_by.add(seat)


def _proposal_decline(proposal: MeetingSeries | Reschedule) -> None:
    """Decline a proposal still open."""
    if proposal.status != proposal.Status.PROPOSED:
        raise Conflict(SERIES_NOT_OPEN)
    proposal.status = proposal.Status.DECLINED
    proposal.save(update_fields=["status"])


def _series_activate_if_agreed(series: MeetingSeries) -> bool:
    """Make the series the agreed one once every active partner accepted it; say whether it is."""
    accepted = set(series.accepted_by.values_list("pk", flat=True))
    seat_ids = _active_seat_ids(series.partnership)
    if not seat_ids <= accepted:
        return False
    now = clock.now()
    current = series.partnership.series.filter(status=MeetingSeries.Status.ACTIVE).first()
    if current is not None:
        current.status = MeetingSeries.Status.REPLACED
        current.save(update_fields=["status"])
        for meeting in current.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now):
            _meeting_cancel(meeting)
    series.status = MeetingSeries.Status.ACTIVE
    series.agreed_at = now
    series.save(update_fields=["status", "agreed_at"])
    series_materialise(series=series, now=now)
    _notify(ScheduleNotice.Kind.SERIES_AGREED, series.pk, seat_ids)
    return True


def series_materialise(*, series: MeetingSeries, now: datetime, count: int = UPCOMING_COUNT) -> int:
    """Make sure the next ``count`` not-cancelled occurrences exist as meetings; idempotent.

    Returns how many meetings were created.
    """
    rule = rule_of(series)
    existing = {
        m.original_start: m
        for m in series.meetings.filter(original_start__gt=now).only("original_start", "status")
    }
    created = 0
    live = 0
    for instant in rule.instants_after(now, count=MATERIALISE_SCAN):
        meeting = existing.get(instant)
        if meeting is None:
            _, made = Meeting.objects.get_or_create(
                series=series,
                original_start=instant,
                defaults={
                    "partnership_id": series.partnership_id,
                    "starts_at": instant,
                    "duration_minutes": series.duration_minutes,
                    "time_zone": series.time_zone,
                },
            )
            created += int(made)
            live += 1
        elif meeting.status != Meeting.Status.CANCELLED:
            live += 1
        if live >= count:
            break
    return created


@transaction.atomic
def meetings_extend(*, now: datetime | None = None) -> int:
    """Materialise the next meetings of every agreed series of active partnerships."""
    at = now or clock.now()
    created = 0
    for series in MeetingSeries.objects.filter(
        status=MeetingSeries.Status.ACTIVE, partnership__status=Partnership.Status.ACTIVE
    ):
        created += series_materialise(series=series, now=at)
    return created


# --- One meeting ----------------------------------------------------------------------------


def _meeting_cancel(
    meeting: Meeting, *, seat: PartnershipMember | None = None, reason: str = ""
) -> None:
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.cancelled_by = seat
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "sequence", "cancelled_by", "cancel_reason"])
    meeting.reschedules.filter(status=Reschedule.Status.PROPOSED).update(
        status=Reschedule.Status.WITHDRAWN, updated_at=clock.now()
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, seat: PartnershipMember, reason: str = "") -> Meeting:
    """Cancel one occurrence (any partner may); the others are told, with the reason if given.

    The series goes on and is topped up.
    """
    reason = " ".join(reason.split())
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationFailed(CANCEL_REASON_TOO_LONG, field="reason")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Conflict(MEETING_NOT_SCHEDULED)
    _meeting_cancel(meeting, seat=seat, reason=reason)
    if meeting.series is not None and meeting.series.status == MeetingSeries.Status.ACTIVE:
        series_materialise(series=meeting.series, now=clock.now())
    _notify_others(ScheduleNotice.Kind.MEETING_CANCELLED, meeting.pk, meeting.partnership, seat)
    return meeting


def partnership_meetings_end(*, partnership: Partnership) -> None:
    """Stop the meetings of a partnership that is ending.

    The agreed series and any open proposal end, every future meeting is cancelled (its
    proposed moves withdrawn). Nobody gets a cancellation email per meeting: the one email
    about the ending carries the calendar's cancellation of the whole series. Called by
    ``partnership_close`` (the ``partnership_ending`` slot) in its transaction, the
    partnership row locked.
    """
    now = clock.now()
    partnership.series.filter(
        status__in=[MeetingSeries.Status.ACTIVE, MeetingSeries.Status.PROPOSED]
    ).update(status=MeetingSeries.Status.ENDED, updated_at=now)
    future = partnership.meetings.select_for_update().filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now
    )
    for meeting in future:
        _meeting_cancel(meeting)


@transaction.atomic
def meeting_reschedule_propose(
    *,
    meeting: Meeting,
    seat: PartnershipMember,
    on: date,
    at: time,
    time_zone: str,
) -> Reschedule:
    """Propose moving one meeting to a new local date and time; partners accept it."""
    # Lock the meeting: concurrent proposals for it replace each other one at a time.
    meeting = Meeting.objects.select_for_update().select_related("partnership").get(pk=meeting.pk)
    _require_active(meeting.partnership)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Conflict(MEETING_NOT_SCHEDULED)
    if not recurrence.zone_is_valid(time_zone):
        raise ValidationFailed(UNKNOWN_ZONE, field="time_zone")
    new_start = recurrence.wall_to_instant(datetime.combine(on, at), time_zone)
    if new_start <= clock.now():
        raise ValidationFailed(START_IN_PAST, field="on")
    meeting.reschedules.filter(status=Reschedule.Status.PROPOSED).update(
        status=Reschedule.Status.WITHDRAWN, updated_at=clock.now()
    )
    proposal = Reschedule.objects.create(meeting=meeting, proposed_by=seat, new_starts_at=new_start)
    proposal.accepted_by.add(seat)
    if not _reschedule_apply_if_agreed(proposal):
        _notify_others(
            ScheduleNotice.Kind.RESCHEDULE_PROPOSED, proposal.pk, meeting.partnership, seat
        )
    return proposal


@transaction.atomic
def reschedule_accept(*, proposal: Reschedule, seat: PartnershipMember) -> Reschedule:
    """Accept a move; once every partner has, the meeting moves (its calendar SEQUENCE goes up)."""
    proposal = Reschedule.objects.select_for_update().get(pk=proposal.pk)
    _proposal_accept(proposal, seat)
    _reschedule_apply_if_agreed(proposal)
    return proposal


@transaction.atomic
def reschedule_decline(*, proposal: Reschedule, seat: PartnershipMember) -> Reschedule:
    """Decline (or, for the proposer, withdraw) a move; the meeting stays where it was."""
    proposal = Reschedule.objects.select_for_update().get(pk=proposal.pk)
    _proposal_decline(proposal)
    return proposal


def _reschedule_apply_if_agreed(proposal: Reschedule) -> bool:
    """Move the meeting once every active partner accepted; say whether it moved."""
    meeting = proposal.meeting
    accepted = set(proposal.accepted_by.values_list("pk", flat=True))
    seat_ids = _active_seat_ids(meeting.partnership)
    if not seat_ids <= accepted:
        return False
    if meeting.status != Meeting.Status.SCHEDULED:
        raise Conflict(MEETING_NOT_SCHEDULED)
    proposal.status = Reschedule.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    meeting.starts_at = proposal.new_starts_at
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "sequence"])
    # Reminders already sent were about the old time; the new time gets its own.
    meeting.deliveries.filter(
        kind__in=[Delivery.Kind.REMINDER_24H, Delivery.Kind.REMINDER_1H]
    ).delete()
    _notify(ScheduleNotice.Kind.RESCHEDULE_AGREED, proposal.pk, seat_ids)
    return True


@transaction.atomic
def meeting_mark(
    *,
    meeting: Meeting,
    seat: PartnershipMember,
    status: str,
    present_seat_ids: list[int],
) -> Meeting:
    """Mark a meeting held or missed, with who was there."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if status not in (Meeting.Status.HELD, Meeting.Status.MISSED):
        raise ValidationFailed(BAD_MARK, field="status")
    if meeting.status == Meeting.Status.CANCELLED:
        raise Conflict(MEETING_NOT_SCHEDULED)
    if meeting.starts_at > clock.now():
        raise Conflict(MEETING_NOT_STARTED)
    seat_ids = set(meeting.partnership.seats.values_list("pk", flat=True))
    present = set(present_seat_ids)
    if not present <= seat_ids:
        raise ValidationFailed(UNKNOWN_PARTNER, field="present")
    if status == Meeting.Status.HELD and len(present) < 2:
        raise ValidationFailed(HELD_NEEDS_TWO, field="present")
    if meeting.status != status:
        event_emit(
            EventType.MEETING_HELD if status == Meeting.Status.HELD else EventType.MEETING_MISSED,
            program_id=meeting.partnership.program_id,
            key=str(meeting.pk),
            data={
                "meeting_id": meeting.pk,
                "partnership_id": meeting.partnership_id,
                "starts_at": meeting.starts_at.isoformat(),
            },
        )
    meeting.status = status
    meeting.marked_at = clock.now()
    meeting.save(update_fields=["status", "marked_at"])
    for seat_id in seat_ids:
        Attendance.objects.update_or_create(
            meeting=meeting, seat_id=seat_id, defaults={"present": seat_id in present}
        )
    # A running turn ends when the meeting is marked.
    meeting.turns.filter(started_at__isnull=False, ended_at__isnull=True).update(
        ended_at=clock.now()
    )
    return meeting


# --- Turns ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_start(*, meeting: Meeting, seat: PartnershipMember) -> list[Turn]:
    """Split the meeting into equal turns in the agreed order and start the first one."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise Conflict(MEETING_NOT_SCHEDULED)
    if meeting.turns.exists():
        raise Conflict(TURNS_ALREADY_STARTED)
    now = clock.now()
    if meeting.starts_at - now > timedelta(minutes=15):
        raise Conflict(TURN_TOO_EARLY)
    seats = seats_of(meeting.partnership)
    order = turn_order_for(meeting=meeting, seats=seats)
    planned = max(60, meeting.duration_minutes * 60 // max(1, len(order)))
    turns = [
        Turn(
            meeting=meeting,
            seat=partner,
            position=position,
            planned_seconds=planned,
            started_at=now if position == 0 else None,
        )
        for position, partner in enumerate(order)
    ]
    return Turn.objects.bulk_create(turns)


@transaction.atomic
def turn_hand_over(
    *, meeting: Meeting, seat: PartnershipMember, turn_id: int | None = None
) -> Turn | None:
    """End the running turn now and start the next one; returns the new turn (None at the end).

    ``turn_id`` names the turn the caller saw running: when both partners' timers hand over
    at the same moment, the second call finds that turn ended and changes nothing.
    """
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    running = meeting.turns.filter(started_at__isnull=False, ended_at__isnull=True).first()
    if running is None or (turn_id is not None and running.pk != turn_id):
        if turn_id is not None and meeting.turns.filter(pk=turn_id).exists():
            return meeting.turns.filter(ended_at__isnull=True).first()
        raise Conflict(NO_TURN_RUNNING)
    now = clock.now()
    running.ended_at = now
    running.save(update_fields=["ended_at"])
    following = meeting.turns.filter(position__gt=running.position).order_by("position").first()
    if following is not None:
        following.started_at = now
        following.save(update_fields=["started_at"])
    return following


# --- Commitments ------------------------------------------------------------------------


@transaction.atomic
def commitment_set(*, meeting: Meeting, seat: PartnershipMember, text: str) -> Commitment:
    """Write (or rewrite) the partner's "what I'll do before next time" for this meeting."""
    text = text.strip()
    if not text:
        raise ValidationFailed(COMMITMENT_EMPTY, field="text")
    if len(text) > 500:
        raise ValidationFailed(COMMITMENT_TOO_LONG, field="text")
    commitment, _ = Commitment.objects.update_or_create(
        meeting=meeting, seat=seat, defaults={"text": text}
    )
    return commitment


@transaction.atomic
def commitment_review(
    *, commitment: Commitment, meeting: Meeting, seat: PartnershipMember, outcome: str
) -> Commitment:
    """Record whether last time's commitment happened (yes, partly, no) at this meeting."""
    if outcome not in Commitment.Outcome.values:
        raise ValidationFailed(BAD_OUTCOME, field="outcome")
    if commitment.meeting.partnership_id != meeting.partnership_id:
        raise NotFound()
    commitment.outcome = outcome
    commitment.reviewed_in = meeting
    commitment.save(update_fields=["outcome", "reviewed_in"])
    return commitment


# --- Notes --------------------------------------------------------------------------------


def _clean_note(body: str, visibility: str) -> str:
    if visibility not in Note.Visibility.values:
        raise ValidationFailed(BAD_VISIBILITY, field="visibility")
    if not body.strip():
        raise ValidationFailed(NOTE_EMPTY, field="body")
    if len(body) > NOTE_MAX:
        raise ValidationFailed(NOTE_TOO_LONG, field="body")
    return body


@transaction.atomic
def note_create(*, meeting: Meeting, seat: PartnershipMember, body: str, visibility: str) -> Note:
    """Write a note on a meeting (Markdown; shown sanitised), keeping its first revision."""
    body = _clean_note(body, visibility)
    note = Note.objects.create(meeting=meeting, author=seat, body=body, visibility=visibility)
    NoteRevision.objects.create(note=note, body=body, visibility=visibility, saved_at=clock.now())
    return note


@transaction.atomic
def note_update(*, note: Note, seat: PartnershipMember, body: str, visibility: str) -> Note:
    """Change a note (author only); every saved version stays in its history."""
    if note.author_id != seat.pk:
        raise NotFound()
    body = _clean_note(body, visibility)
    if body == note.body and visibility == note.visibility:
        return note
    note.body = body
    note.visibility = visibility
    note.save(update_fields=["body", "visibility"])
    NoteRevision.objects.create(note=note, body=body, visibility=visibility, saved_at=clock.now())
    return note


# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_rotate(*, user: Any) -> str:
    """Revoke the user's feed URL (the old one answers 404) and return a new secret token."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
    raw = "cal_" + secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=CalendarFeed.hash(raw))
    return raw


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> int:
    """Revoke the user's feed URL without making a new one."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


# --- Emails that go out once ------------------------------------------------------------

REMINDER_WINDOWS = {
    Delivery.Kind.REMINDER_24H: (timedelta(hours=1), timedelta(hours=24)),
    Delivery.Kind.REMINDER_1H: (timedelta(0), timedelta(hours=1)),
}
DST_NOTICE_AHEAD = timedelta(days=7)


@transaction.atomic
def meeting_reminders_due(*, now: datetime | None = None) -> int:
    """Enqueue every due reminder (24 h and 1 h before) and clock-change notice; return how many.

    Run every few minutes (``manage.py send_reminders`` from cron). Enqueuing twice is safe:
    the task claims a ``Delivery`` row before sending, so each email goes out once.
    """
    at = now or clock.now()
    meetings_extend(now=at)
    jobs: list[tuple[int, int, str]] = []
    live = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, partnership__status=Partnership.Status.ACTIVE
    )
    for kind, (nearest, farthest) in REMINDER_WINDOWS.items():
        due = live.filter(starts_at__gt=at + nearest, starts_at__lte=at + farthest)
        jobs.extend(_unsent(due, kind))
    upcoming = live.filter(
        series__isnull=False, starts_at__gt=at, starts_at__lte=at + DST_NOTICE_AHEAD
    ).select_related("series")
    for meeting in upcoming:
        seats = seats_of(meeting.partnership)
        if dst_shift_for(meeting=meeting, seats=seats) is not None:
            jobs.extend(_unsent(Meeting.objects.filter(pk=meeting.pk), Delivery.Kind.DST_SHIFT))
    for job in jobs:
        transaction.on_commit(partial(_enqueue_email, meeting_email_send, *job))
    return len(jobs)


def _enqueue_email(task: Any, meeting_id: int, seat_id: int, kind: str) -> None:
    task.enqueue(meeting_id=meeting_id, seat_id=seat_id, kind=kind)


def _unsent(meetings: Any, kind: str) -> list[tuple[int, int, str]]:
    pairs = PartnershipMember.objects.filter(
        partnership__meetings__in=meetings, active=True
    ).values_list("partnership__meetings__id", "pk")
    sent = set(
        Delivery.objects.filter(meeting__in=meetings, kind=kind).values_list(
            "meeting_id", "seat_id"
        )
    )
    return [(m, s, kind) for m, s in pairs if (m, s) not in sent]


# --- Scheduling changes: told to the partners once ------------------------------------------


def _notify(kind: str, subject_id: int, seat_ids: set[int]) -> None:
    """Enqueue one email per partner once the transaction commits (the task sends it once)."""
    for seat_id in sorted(seat_ids):
        transaction.on_commit(
            partial(_enqueue_notice, schedule_notice_send, kind, subject_id, seat_id)
        )


def _notify_others(
    kind: str, subject_id: int, partnership: Partnership, seat: PartnershipMember
) -> None:
    _notify(kind, subject_id, _active_seat_ids(partnership) - {seat.pk})


def _enqueue_notice(task: Any, kind: str, subject_id: int, seat_id: int) -> None:
    task.enqueue(kind=kind, subject_id=subject_id, seat_id=seat_id)
