"""Background tasks of the dashboard (django-tasks-db worker)."""

from django.tasks import task
from django.urls import reverse

from tandem.core import clock
from tandem.core.emails import email_build, send_once
from tandem.core.links import absolute_url
from tandem.dashboard.models import StalledNudge
from tandem.meetings.selectors.access import seat_name, seats_of


@task()
def stalled_nudge_email_send(*, nudge_id: int) -> int:
    """Email each partner of a stalled partnership a gentle reminder, once; return emails sent."""
    nudge = StalledNudge.objects.select_related("partnership__program").filter(pk=nudge_id).first()
    if nudge is None:
        return 0
    partnership = nudge.partnership
    seats = seats_of(partnership)
    emails = [
        email_build(
            "stalled",
            folder="dashboard/email",
            to=seat.membership.user.email,
            context={
                "name": seat_name(seat),
                "partners": [seat_name(s) for s in seats if s.pk != seat.pk],
                "program": partnership.program,
                "schedule_url": absolute_url(
                    reverse("meetings:schedule", kwargs={"pk": partnership.pk})
                ),
            },
        )
        for seat in seats
    ]
    claimed = send_once(
        claim=lambda: StalledNudge.objects.filter(pk=nudge_id, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        ),
        send=lambda: [email.send() for email in emails],
    )
    return len(emails) if claimed else 0
