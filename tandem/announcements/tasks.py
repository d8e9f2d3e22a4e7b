"""Background tasks of announcements (run by the django-tasks-db worker: ``make worker``).

Each task sends one email to one person with ``core.emails.send_once``: it claims its row
(``sent_at`` or ``emailed_at`` set where still empty) and sends in one transaction, so a second
run sends nothing and a failed send leaves the row for a retry. Every email carries the
unsubscribe link and the one-click ``List-Unsubscribe`` header, as waitlist emails do.
"""

from django.tasks import task
from django.urls import reverse

from tandem.announcements.models import AnnouncementDelivery, AnnouncementOptOut, IntakeReminder
from tandem.announcements.selectors import unsubscribe_token
from tandem.core import clock
from tandem.core.emails import email_send_templated, send_once
from tandem.core.links import absolute_url
from tandem.core.markdown import markdown_to_html
from tandem.programs.models import Membership
from tandem.programs.names import member_name

FOLDER = "announcements/email"


def _unsubscribe_url(membership: Membership) -> str:
    token = unsubscribe_token(membership=membership)
    return absolute_url(reverse("announcements:unsubscribe", kwargs={"token": token}))


def _name(membership: Membership) -> str:
    return member_name(membership, address="none")


@task()
def announcement_email_send(*, delivery_id: int) -> bool:
    """Email one recipient of an announcement once; return whether an email went out."""
    delivery = (
        AnnouncementDelivery.objects.select_related(
            "announcement__program", "membership__user", "membership__profile"
        )
        .filter(pk=delivery_id, sent_at__isnull=True)
        .first()
    )
    if delivery is None:
        return False
    if AnnouncementOptOut.objects.filter(membership=delivery.membership_id).exists():
        return False  # opted out between the send and the worker
    announcement = delivery.announcement
    membership = delivery.membership
    return send_once(
        claim=lambda: AnnouncementDelivery.objects.filter(
            pk=delivery.pk, sent_at__isnull=True
        ).update(sent_at=clock.now()),
        send=lambda: email_send_templated(
            name="announcement",
            folder=FOLDER,
            to=membership.user.email,
            context={
                "announcement": announcement,
                "program": announcement.program,
                "name": _name(membership),
                "body_html": markdown_to_html(announcement.body),
                "program_url": absolute_url(
                    reverse("programs:detail", kwargs={"slug": announcement.program.slug})
                ),
            },
            unsubscribe_url=_unsubscribe_url(membership),
        ),
    )


@task()
def intake_reminder_email_send(*, reminder_id: int) -> bool:
    """Email one intake reminder once; nothing when the intake was finished meanwhile."""
    reminder = (
        IntakeReminder.objects.select_related("membership__program", "membership__user")
        .filter(pk=reminder_id, emailed_at__isnull=True)
        .first()
    )
    if reminder is None:
        return False
    membership = reminder.membership
    finished = Membership.objects.filter(
        pk=membership.pk,
        profile__submitted_at__isnull=False,
        profile__consent_at__isnull=False,
    ).exists()
    if finished or AnnouncementOptOut.objects.filter(membership=membership).exists():
        return False
    return send_once(
        claim=lambda: IntakeReminder.objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        ),
        send=lambda: email_send_templated(
            name="intake_reminder",
            folder=FOLDER,
            to=membership.user.email,
            context={
                "program": membership.program,
                "name": membership.user.name,
                "intake_url": absolute_url(
                    reverse("programs:intake", kwargs={"slug": membership.program.slug})
                ),
            },
            unsubscribe_url=_unsubscribe_url(membership),
        ),
    )


def announcement_enqueue(delivery_id: int) -> None:
    announcement_email_send.enqueue(delivery_id=delivery_id)


def intake_reminder_enqueue(reminder_id: int) -> None:
    intake_reminder_email_send.enqueue(reminder_id=reminder_id)


__all__ = [
    "announcement_email_send",
    "announcement_enqueue",
    "intake_reminder_email_send",
    "intake_reminder_enqueue",
]
