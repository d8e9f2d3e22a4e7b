"""Background tasks of support (django-tasks-db worker): a check-in message's emails, sent once.

The task claims the check-in (``emailed_at`` set where still empty) before sending, so a task run
twice sends nothing the second time; if sending fails the claim is released for a retry.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from tandem.core import clock
from tandem.core.links import absolute_url
from tandem.meetings import selectors as meeting_selectors
from tandem.support.models import CheckIn


@task()
def check_in_message_email_send(*, check_in_id: int) -> int:
    """Email each current partner the coordinator's check-in message; return emails sent."""
    claimed_at = clock.now()
    if not CheckIn.objects.filter(
        pk=check_in_id, channel=CheckIn.Channel.MESSAGE, emailed_at__isnull=True
    ).update(emailed_at=claimed_at):
        return 0
    check_in = CheckIn.objects.select_related("partnership__program", "coordinator").get(
        pk=check_in_id
    )
    partnership = check_in.partnership
    coordinator = check_in.coordinator
    reply_to = [coordinator.email] if coordinator is not None else []
    sent = 0
    try:
        for seat in meeting_selectors.seats_of(partnership):
            context = {
                "name": meeting_selectors.seat_name(seat),
                "message": check_in.message,
                "coordinator": (coordinator.name or coordinator.email) if coordinator else "",
                "program": partnership.program,
                "site_url": settings.SITE_URL,
                "partnership_url": absolute_url(
                    reverse("partnerships:detail", kwargs={"pk": partnership.pk})
                ),
            }
            subject = " ".join(
                render_to_string("support/email/check_in_subject.txt", context).split()
            )
            EmailMessage(
                subject=subject,
                body=render_to_string("support/email/check_in.txt", context),
                to=[seat.membership.user.email],
                reply_to=reply_to,
            ).send()
            sent += 1
    except Exception:
        CheckIn.objects.filter(pk=check_in_id, emailed_at=claimed_at).update(emailed_at=None)
        raise
    return sent
