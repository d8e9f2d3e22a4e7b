"""Background tasks of the programs app (run by the django-tasks-db worker: ``make worker``).

Each task takes ids, reloads its rows and sends at most one email. Emails are rendered from
``programs/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``.
"""

from django.tasks import task
from django.urls import reverse

from tandem.core import clock
from tandem.core.emails import email_send_templated, send_once
from tandem.core.links import absolute_url
from tandem.programs.models import Invitation, WaitlistEntry

FOLDER = "programs/email"


def waitlist_unsubscribe_url(entry: WaitlistEntry) -> str:
    return absolute_url(
        reverse("programs:waitlist_unsubscribe", kwargs={"token": entry.unsubscribe_token})
    )


@task()
def waitlist_confirmation_email_send(*, entry_id: int) -> bool:
    """Email the confirm link to a pending waitlist entry; return whether an email went out."""
    entry = (
        WaitlistEntry.objects.select_related("program")
        .filter(pk=entry_id, status=WaitlistEntry.Status.PENDING)
        .first()
    )
    if entry is None:
        return False
    email_send_templated(
        folder=FOLDER,
        name="waitlist_confirm",
        to=entry.email,
        context={
            "program": entry.program,
            "confirm_url": absolute_url(
                reverse("programs:waitlist_confirm", kwargs={"token": entry.confirm_token})
            ),
        },
        unsubscribe_url=waitlist_unsubscribe_url(entry),
        language=entry.language or None,
    )
    return True


def _invitation_email_once(invitation_id: int, *, name: str, link: str) -> bool:
    """Email an open invitation once with ``core.emails.send_once`` (claimed on ``sent_at``)."""
    invitation = (
        Invitation.objects.select_related("program", "waitlist_entry", "invited_by")
        .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True)
        .exclude(waitlist_entry__status=WaitlistEntry.Status.UNSUBSCRIBED)
        .first()
    )
    if invitation is None:
        return False
    entry = invitation.waitlist_entry
    return send_once(
        claim=lambda: Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=clock.now()
        ),
        send=lambda: email_send_templated(
            folder=FOLDER,
            name=name,
            to=invitation.email,
            context={
                "program": invitation.program,
                "invitation": invitation,
                "invited_by": invitation.invited_by,
                link: absolute_url(invitation.get_absolute_url()),
            },
            unsubscribe_url=waitlist_unsubscribe_url(entry) if entry is not None else None,
            language=(entry.language or None) if entry is not None else None,
        ),
    )


@task()
def invitation_email_send(*, invitation_id: int) -> bool:
    """Email an invitation once; return whether an email went out.

    Idempotent: the invitation is claimed (``sent_at`` set where still empty) in the same
    transaction as the send, so a second run (or a second enqueue) sends nothing, and a failed
    send leaves it unclaimed while the worker records the error.
    """
    return _invitation_email_once(invitation_id, name="invitation", link="accept_url")


@task()
def invitation_account_setup_email_send(*, invitation_id: int) -> bool:
    """Email a "set up your account" invitation once; return whether an email went out."""
    return _invitation_email_once(invitation_id, name="invitation_setup", link="setup_url")
