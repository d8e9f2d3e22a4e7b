"""Build the meetings app's emails. Never include notes, commitments or anything said."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from tandem.meetings import selectors
from tandem.meetings.models import Delivery, Meeting
from tandem.partnerships.models import PartnershipMember

TEMPLATES = {
    Delivery.Kind.REMINDER_24H: "reminder",
    Delivery.Kind.REMINDER_1H: "reminder",
    Delivery.Kind.DST_SHIFT: "dst_shift",
}


def meeting_email_build(*, meeting: Meeting, seat: PartnershipMember, kind: str) -> EmailMessage:
    """Return the email of ``kind`` about ``meeting`` for one partner (not yet sent)."""
    seats = selectors.seats_of(meeting.partnership)
    ordered = sorted(seats, key=lambda s: s.pk != seat.pk)
    context = {
        "kind": kind,
        "name": selectors.seat_name(seat),
        "meeting": meeting,
        "when": selectors.times_label(
            selectors.partner_times(instant=meeting.starts_at, seats=ordered), recurring=False
        ),
        "hours": 24 if kind == Delivery.Kind.REMINDER_24H else 1,
        "program": meeting.partnership.program,
        "meeting_url": f"{settings.SITE_URL}{meeting.get_absolute_url()}",
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
