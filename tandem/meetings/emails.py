"""Build the meetings app's emails. Never include notes, commitments or anything said."""

from typing import Any

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from tandem.core.links import absolute_url
from tandem.meetings import selectors
from tandem.meetings.models import Delivery, Meeting, MeetingSeries, Reschedule, ScheduleNotice
from tandem.partnerships.models import PartnershipMember

TEMPLATES = {
    Delivery.Kind.REMINDER_24H: "reminder",
    Delivery.Kind.REMINDER_1H: "reminder",
    Delivery.Kind.DST_SHIFT: "dst_shift",
}


def meeting_email_build(*, meeting: Meeting, seat: PartnershipMember, kind: str) -> EmailMessage:
    """Return the email of ``kind`` about ``meeting`` for one partner (not yet sent)."""
    ordered = selectors.viewer_first(selectors.seats_of(meeting.partnership), seat)
    context = {
        "kind": kind,
        "name": selectors.seat_name(seat),
        "meeting": meeting,
        "when": selectors.instant_label(instant=meeting.starts_at, seats=ordered),
        "hours": 24 if kind == Delivery.Kind.REMINDER_24H else 1,
        "program": meeting.partnership.program,
        "meeting_url": absolute_url(meeting.get_absolute_url()),
        "shift": None,
    }
    if kind == Delivery.Kind.DST_SHIFT:
        shift = selectors.dst_shift_for(meeting=meeting, seats=ordered)
        context["shift"] = shift
        if shift is not None:
            if shift.until is not None:
                context["until"] = selectors.partner_times(instant=shift.until, seats=[seat])[0]
            context["changes"] = [
                {"before": b, "during": d, "moved": b.clock != d.clock}
                for b, d in zip(shift.before, shift.during, strict=True)
            ]
    name = TEMPLATES[Delivery.Kind(kind)]
    subject = " ".join(render_to_string(f"meetings/email/{name}_subject.txt", context).split())
    body = render_to_string(f"meetings/email/{name}.txt", context)
    return EmailMessage(subject=subject, body=body, to=[seat.membership.user.email])


def schedule_notice_email_build(
    *, kind: str, subject: MeetingSeries | Reschedule | Meeting, seat: PartnershipMember
) -> EmailMessage:
    """Return the email telling one partner about a scheduling change (not yet sent).

    Times are shown in every partner's zone, the recipient's first. Only times, names, links
    and the cancellation reason: never notes, commitments or anything said in a meeting.
    """
    meeting: Meeting | None
    if isinstance(subject, MeetingSeries):
        meeting, partnership = None, subject.partnership
    else:
        meeting = subject.meeting if isinstance(subject, Reschedule) else subject
        partnership = meeting.partnership
    seats = selectors.viewer_first(selectors.seats_of(partnership), seat)
    context: dict[str, Any] = {
        "name": selectors.seat_name(seat),
        "program": partnership.program,
        "schedule_url": absolute_url(reverse("meetings:schedule", kwargs={"pk": partnership.pk})),
        "calendar_url": absolute_url(reverse("meetings:calendar")),
    }
    if isinstance(subject, MeetingSeries):
        context["series"] = subject
        context["proposer"] = selectors.seat_name(subject.proposed_by)
        context["label"] = selectors.series_label(series=subject, seats=seats)
        context["meetings"] = [
            {
                "when": selectors.instant_label(instant=m.starts_at, seats=seats),
                "ics_url": absolute_url(reverse("meetings:ics", kwargs={"pk": m.pk})),
            }
            for m in selectors.series_next_meetings(series=subject)
        ]
    if isinstance(subject, Reschedule):
        context["proposer"] = selectors.seat_name(subject.proposed_by)
        context["new_when"] = selectors.instant_label(instant=subject.new_starts_at, seats=seats)
    if meeting is not None:
        context["meeting"] = meeting
        context["when"] = selectors.instant_label(instant=meeting.starts_at, seats=seats)
        context["day"] = selectors.partner_times(instant=meeting.starts_at, seats=[seat])[0]
        context["meeting_url"] = absolute_url(meeting.get_absolute_url())
        context["ics_url"] = absolute_url(reverse("meetings:ics", kwargs={"pk": meeting.pk}))
    if isinstance(subject, Meeting):
        canceller = subject.cancelled_by
        context["canceller"] = selectors.seat_name(canceller) if canceller else "A partner"
        context["reason"] = subject.cancel_reason
        following = selectors.meeting_next(partnership=partnership)
        context["next_when"] = (
            selectors.instant_label(instant=following.starts_at, seats=seats) if following else ""
        )
    # Each kind has its templates under its own name (meetings/email/<kind>.txt).
    name = ScheduleNotice.Kind(kind).value
    title = " ".join(render_to_string(f"meetings/email/{name}_subject.txt", context).split())
    body = render_to_string(f"meetings/email/{name}.txt", context)
    return EmailMessage(subject=title, body=body, to=[seat.membership.user.email])
