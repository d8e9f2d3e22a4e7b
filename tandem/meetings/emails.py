"""The meetings app's emails: built, and each sent once (the worker's tasks call the senders).

Never include notes, commitments or anything said.
"""

from typing import Any

from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tandem.core import clock
from tandem.core.emails import email_build, recipient_language, send_once
from tandem.core.links import absolute_url
from tandem.meetings.calendar import meeting_invitation, series_invitation
from tandem.meetings.models import Delivery, Meeting, MeetingSeries, Reschedule, ScheduleNotice
from tandem.meetings.selectors.access import seat_name, seats_of
from tandem.meetings.selectors.schedule import (
    dst_shift_for,
    instant_label,
    meeting_next,
    partner_times,
    series_label,
    series_next_meetings,
    viewer_first,
)
from tandem.partnerships.models import PartnershipMember

FOLDER = "meetings/email"
TEMPLATES = {
    Delivery.Kind.REMINDER_24H: "reminder",
    Delivery.Kind.REMINDER_1H: "reminder",
    Delivery.Kind.DST_SHIFT: "dst_shift",
}


def meeting_email_build(*, meeting: Meeting, seat: PartnershipMember, kind: str) -> EmailMessage:
    """Return the email of ``kind`` about ``meeting`` for one partner (not yet sent).

    Written in the partner's language: the times and dates in it too.
    """
    with translation.override(recipient_language(seat.membership.user.email)):
        return _meeting_email_build(meeting=meeting, seat=seat, kind=kind)


def _meeting_email_build(*, meeting: Meeting, seat: PartnershipMember, kind: str) -> EmailMessage:
    ordered = viewer_first(seats_of(meeting.partnership), seat)
    context = {
        "kind": kind,
        "name": seat_name(seat),
        "meeting": meeting,
        "when": instant_label(instant=meeting.starts_at, seats=ordered),
        "hours": 24 if kind == Delivery.Kind.REMINDER_24H else 1,
        "program": meeting.partnership.program,
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        "shift": None,
    }
    if kind == Delivery.Kind.DST_SHIFT:
        shift = dst_shift_for(meeting=meeting, seats=ordered)
        context["shift"] = shift
        if shift is not None:
            if shift.until is not None:
                context["until"] = partner_times(instant=shift.until, seats=[seat])[0]
            context["changes"] = [
                {"before": b, "during": d, "moved": b.clock != d.clock}
                for b, d in zip(shift.before, shift.during, strict=True)
            ]
    name = TEMPLATES[Delivery.Kind(kind)]
    return email_build(name, folder=FOLDER, to=seat.membership.user.email, context=context)


def schedule_notice_email_build(
    *, kind: str, subject: MeetingSeries | Reschedule | Meeting, seat: PartnershipMember
) -> EmailMessage:
    """Return the email telling one partner about a scheduling change (not yet sent).

    Times are shown in every partner's zone, the recipient's first, in the recipient's
    language. Only times, names, links and the cancellation reason: never notes, commitments
    or anything said in a meeting.
    """
    with translation.override(recipient_language(seat.membership.user.email)):
        return _schedule_notice_email_build(kind=kind, subject=subject, seat=seat)


def _schedule_notice_email_build(
    *, kind: str, subject: MeetingSeries | Reschedule | Meeting, seat: PartnershipMember
) -> EmailMessage:
    meeting: Meeting | None
    if isinstance(subject, MeetingSeries):
        meeting, partnership = None, subject.partnership
    else:
        meeting = subject.meeting if isinstance(subject, Reschedule) else subject
        partnership = meeting.partnership
    seats = viewer_first(seats_of(partnership), seat)
    context: dict[str, Any] = {
        "name": seat_name(seat),
        "program": partnership.program,
        "schedule_url": absolute_url(reverse("meetings:schedule", kwargs={"pk": partnership.pk})),
        "calendar_url": absolute_url(reverse("meetings:calendar")),
    }
    if isinstance(subject, MeetingSeries):
        context["series"] = subject
        context["proposer"] = seat_name(subject.proposed_by)
        context["label"] = series_label(series=subject, seats=seats)
        context["meetings"] = [
            {
                "when": instant_label(instant=m.starts_at, seats=seats),
                "ics_url": absolute_url(reverse("meetings:ics", kwargs={"pk": m.pk})),
            }
            for m in series_next_meetings(series=subject)
        ]
    if isinstance(subject, Reschedule):
        context["proposer"] = seat_name(subject.proposed_by)
        context["new_when"] = instant_label(instant=subject.new_starts_at, seats=seats)
    if meeting is not None:
        context["meeting"] = meeting
        context["when"] = instant_label(instant=meeting.starts_at, seats=seats)
        context["day"] = partner_times(instant=meeting.starts_at, seats=[seat])[0]
        context["meeting_url"] = absolute_url(meeting.get_absolute_url())
        context["ics_url"] = absolute_url(reverse("meetings:ics", kwargs={"pk": meeting.pk}))
    if isinstance(subject, Meeting):
        canceller = subject.cancelled_by
        context["canceller"] = seat_name(canceller) if canceller else gettext("A partner")
        context["reason"] = subject.cancel_reason
        following = meeting_next(partnership=partnership)
        context["next_when"] = (
            instant_label(instant=following.starts_at, seats=seats) if following else ""
        )
    # Each kind has its templates under its own name (meetings/email/<kind>.txt).
    name = ScheduleNotice.Kind(kind).value
    return email_build(
        name,
        folder=FOLDER,
        to=seat.membership.user.email,
        context=context,
        invitation=_invitation_for(kind=kind, subject=subject),
    )


def _invitation_for(
    *, kind: str, subject: MeetingSeries | Reschedule | Meeting
) -> tuple[str, bytes] | None:
    """Return the calendar invitation an agreement or a cancellation carries (None for asks)."""
    if kind == ScheduleNotice.Kind.SERIES_AGREED and isinstance(subject, MeetingSeries):
        return series_invitation(subject)
    if kind == ScheduleNotice.Kind.RESCHEDULE_AGREED and isinstance(subject, Reschedule):
        return meeting_invitation(subject.meeting)
    if kind == ScheduleNotice.Kind.MEETING_CANCELLED and isinstance(subject, Meeting):
        return meeting_invitation(subject)
    return None


# --- Sent once: a row claimed and the email sent in one transaction ---------------------------


def delivery_send(*, meeting_id: int, seat_id: int, kind: str) -> bool:
    """Claim the (meeting, partner, kind) delivery and send its email in one transaction.

    Returns False when it was already sent (or no longer applies). If sending fails the claim
    rolls back with it, so the next run tries again.
    """
    meeting = (
        Meeting.objects.select_related("series", "partnership__program")
        .filter(pk=meeting_id)
        .first()
    )
    seat = (
        PartnershipMember.objects.select_related("membership__user", "membership__profile")
        .filter(Q(pk=seat_id), Q(active=True))
        .first()
    )
    if meeting is None or seat is None or seat.partnership_id != meeting.partnership_id:
        return False
    if meeting.status != Meeting.Status.SCHEDULED:
        return False
    return send_once(
        claim=lambda: Delivery.objects.create(
            meeting=meeting, seat=seat, kind=kind, sent_at=clock.now()
        ),
        send=lambda: meeting_email_build(meeting=meeting, seat=seat, kind=kind).send(),
    )


_series_notice = MeetingSeries.objects.select_related("partnership__program", "proposed_by")


_move_notice = Reschedule.objects.select_related(
    "meeting__partnership__program", "proposed_by"
).filter(meeting__status=Meeting.Status.SCHEDULED)


# For each kind: the ScheduleNotice field that names its subject, and the subjects it still
# applies to (a proposal answered, replaced or declined before the worker got to it does not).
_NOTICE_SUBJECT: dict[str, tuple[str, QuerySet[Any]]] = {
    ScheduleNotice.Kind.SERIES_PROPOSED: (
        "series",
        _series_notice.filter(status=MeetingSeries.Status.PROPOSED),
    ),
    ScheduleNotice.Kind.SERIES_AGREED: (
        "series",
        _series_notice.filter(status=MeetingSeries.Status.ACTIVE),
    ),
    ScheduleNotice.Kind.RESCHEDULE_PROPOSED: (
        "reschedule",
        _move_notice.filter(status=Reschedule.Status.PROPOSED),
    ),
    ScheduleNotice.Kind.RESCHEDULE_AGREED: (
        "reschedule",
        _move_notice.filter(status=Reschedule.Status.ACCEPTED),
    ),
    ScheduleNotice.Kind.MEETING_CANCELLED: (
        "meeting",
        Meeting.objects.select_related("partnership__program", "cancelled_by").filter(
            status=Meeting.Status.CANCELLED
        ),
    ),
}


_ASKING = (ScheduleNotice.Kind.SERIES_PROPOSED, ScheduleNotice.Kind.RESCHEDULE_PROPOSED)


def schedule_notice_send(*, kind: str, subject_id: int, seat_id: int) -> bool:
    """Claim the (subject, partner, kind) notice and send its email in one transaction.

    Returns False when it was already sent or no longer applies (a proposal that was answered,
    replaced or declined before the worker got to it; the partner already accepted). If sending
    fails the claim rolls back with it, so a retry sends it.
    """
    if kind not in _NOTICE_SUBJECT:
        return False
    field, applicable = _NOTICE_SUBJECT[kind]
    subject = applicable.filter(pk=subject_id).first()
    seat = (
        PartnershipMember.objects.select_related("membership__user", "membership__profile")
        .filter(pk=seat_id, active=True)
        .first()
    )
    if subject is None or seat is None:
        return False
    partnership_id = (
        subject.meeting.partnership_id
        if isinstance(subject, Reschedule)
        else subject.partnership_id
    )
    if seat.partnership_id != partnership_id:
        return False
    if (
        kind in _ASKING
        and not isinstance(subject, Meeting)
        and subject.accepted_by.filter(pk=seat.pk).exists()
    ):
        return False  # they accepted before the email went out: nothing to ask
    return send_once(
        claim=lambda: ScheduleNotice.objects.create(
            kind=kind, seat=seat, sent_at=clock.now(), **{field: subject}
        ),
        send=lambda: schedule_notice_email_build(kind=kind, subject=subject, seat=seat).send(),
    )
