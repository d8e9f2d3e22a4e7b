"""Background tasks of support (django-tasks-db worker): a check-in message's emails, sent once,
and the coordinators' email about a help request.

The task claims the check-in (``emailed_at`` set where still empty) and sends in one transaction
(``core.emails.send_once``), so a task run twice sends nothing the second time and a failed send
leaves it for a retry.
"""

from django.tasks import task
from django.urls import reverse

from tandem.core import clock
from tandem.core.emails import email_build, send_once
from tandem.core.links import absolute_url
from tandem.meetings.selectors.access import seat_name, seats_of
from tandem.programs.models import Membership
from tandem.programs.names import member_name
from tandem.support.models import CheckIn, HelpFlag


@task()
def check_in_message_email_send(*, check_in_id: int) -> int:
    """Email each current partner the coordinator's check-in message; return emails sent."""
    check_in = (
        CheckIn.objects.select_related("partnership__program", "coordinator")
        .filter(pk=check_in_id, channel=CheckIn.Channel.MESSAGE)
        .first()
    )
    if check_in is None:
        return 0
    partnership = check_in.partnership
    coordinator = check_in.coordinator
    reply_to = [coordinator.email] if coordinator is not None else []
    seats = seats_of(partnership)

    def send() -> None:
        for seat in seats:
            context = {
                "name": seat_name(seat),
                "message": check_in.message,
                "coordinator": (coordinator.name or coordinator.email) if coordinator else "",
                "program": partnership.program,
                "partnership_url": absolute_url(
                    reverse("partnerships:detail", kwargs={"pk": partnership.pk})
                ),
            }
            email_build(
                "check_in",
                folder="support/email",
                to=seat.membership.user.email,
                context=context,
                reply_to=reply_to,
            ).send()

    claimed = send_once(
        claim=lambda: CheckIn.objects.filter(pk=check_in_id, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        ),
        send=send,
    )
    return len(seats) if claimed else 0


@task()
def help_flag_email_send(*, flag_id: int) -> bool:
    """Tell the program's coordinators who asked for more help, and which kind: nothing else.

    Sent once: the claim on ``emailed_at`` (``core.emails.send_once``)."""
    flag = (
        HelpFlag.objects.select_related("program", "membership__user", "membership__profile")
        .filter(pk=flag_id, emailed_at__isnull=True)
        .first()
    )
    if flag is None:
        return False
    coordinators = list(
        Membership.objects.filter(program=flag.program, role=Membership.Role.COORDINATOR)
        .exclude(status=Membership.Status.LEFT)
        .values_list("user__email", flat=True)
    )
    if not coordinators:
        return False
    email = email_build(
        "help_flag",
        folder="support/email",
        to=coordinators,
        context={
            "member": member_name(flag.membership),
            "kind": flag.get_kind_display(),
            "program": flag.program,
            "dashboard_url": absolute_url(
                reverse("dashboard:program", kwargs={"slug": flag.program.slug})
            ),
        },
    )
    return send_once(
        claim=lambda: HelpFlag.objects.filter(pk=flag_id, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        ),
        send=email.send,
    )
