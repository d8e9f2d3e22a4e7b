"""Background tasks of the dashboard (django-tasks-db worker)."""

from django.tasks import task
from django.urls import reverse

from tandem.core.emails import email_build
from tandem.core.links import absolute_url
from tandem.dashboard.models import StalledNudge
from tandem.meetings import selectors as meeting_selectors


@task()
def stalled_nudge_email_send(*, nudge_id: int) -> int:
    """Email each partner of a stalled partnership a gentle reminder; return emails sent."""
    nudge = StalledNudge.objects.select_related("partnership__program").filter(pk=nudge_id).first()
    if nudge is None:
        return 0
    partnership = nudge.partnership
    seats = meeting_selectors.seats_of(partnership)
    sent = 0
    for seat in seats:
        others = [meeting_selectors.seat_name(s) for s in seats if s.pk != seat.pk]
        context = {
            "name": meeting_selectors.seat_name(seat),
            "partners": others,
            "program": partnership.program,
            "schedule_url": absolute_url(
                reverse("meetings:schedule", kwargs={"pk": partnership.pk})
            ),
        }
        email_build(
            "stalled", folder="dashboard/email", to=seat.membership.user.email, context=context
        ).send()
        sent += 1
    return sent
