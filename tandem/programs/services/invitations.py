"""Invitations: send (or refresh) the one open invitation for an address, and accept it."""

from datetime import timedelta
from typing import Any

from django.db import transaction

from tandem.core import clock
from tandem.core.errors import Conflict, NotFound
from tandem.programs.models import Invitation, Membership, Program, WaitlistEntry

INVITATION_VALID_FOR = timedelta(days=30)

INVITATION_NOT_FOUND = "This invitation link is not valid. Check that you copied the whole link."
INVITATION_EXPIRED = (
    "This invitation has expired. Ask the program's coordinator to send you a new one."
)
INVITATION_USED = "This invitation has already been used. Sign in to reach the program."
INVITATION_WRONG_ACCOUNT = (
    "This invitation was sent to another email address. Sign out, then open the link again "
    "and sign in (or create an account) with the invited address."
)
INVITATION_ALREADY_MEMBER = "{email} already takes part in this program with that role."


def normalise_email(email: str) -> str:
    """Return the address as Tandem stores it (trimmed, lower-case), like user accounts."""
    return email.strip().lower()


@transaction.atomic
def invitation_send(
    *,
    program: Program,
    email: str,
    role: str,
    invited_by: Any,
    waitlist_entry: WaitlistEntry | None = None,
) -> Invitation:
    """Create or refresh the one open invitation for the address and email it (after commit).

    Refreshing keeps the token (an earlier link keeps working), sets a new 30-day expiry and
    sends the email again.
    """
    email = normalise_email(email)
    already = (
        Membership.objects.filter(program=program, user__email__iexact=email)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if already is not None and (already.is_coordinator or already.role == role):
        raise Conflict(INVITATION_ALREADY_MEMBER.format(email=email), field="email")

    invited_by = invited_by if getattr(invited_by, "pk", None) else None
    invitation = (
        Invitation.objects.select_for_update()
        .filter(program=program, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    expires_at = clock.now() + INVITATION_VALID_FOR
    if invitation is None:
        invitation = Invitation.objects.create(
            program=program,
            email=email,
            role=role,
            invited_by=invited_by,
            waitlist_entry=waitlist_entry,
            expires_at=expires_at,
        )
    else:
        invitation.role = role
        invitation.invited_by = invited_by
        invitation.expires_at = expires_at
        invitation.sent_at = None
        fields = ["role", "invited_by", "expires_at", "sent_at"]
        if waitlist_entry is not None:
            invitation.waitlist_entry = waitlist_entry
            fields.append("waitlist_entry")
        invitation.save(update_fields=fields)

    from tandem.programs.tasks import invitation_email_send

    invitation_id = invitation.pk
    transaction.on_commit(lambda: invitation_email_send.enqueue(invitation_id=invitation_id))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: Any) -> Membership:
    """Join the program through an open invitation for the user's own address.

    Members start at the intake; an invitation as coordinator makes an existing member a
    coordinator. Any waitlist entry of the address in the program becomes joined.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("program").filter(token=token).first()
    )
    if invitation is None:
        raise NotFound(INVITATION_NOT_FOUND)
    if invitation.accepted_at is not None:
        raise Conflict(INVITATION_USED)
    now = clock.now()
    if invitation.expires_at <= now:
        raise Conflict(INVITATION_EXPIRED)
    if normalise_email(user.email) != normalise_email(invitation.email):
        raise Conflict(INVITATION_WRONG_ACCOUNT)

    is_coordinator = invitation.role == Membership.Role.COORDINATOR
    first_status = Membership.Status.READY if is_coordinator else Membership.Status.INTAKE
    membership = (
        Membership.objects.select_for_update().filter(program=invitation.program, user=user).first()
    )
    if membership is None:
        membership = Membership.objects.create(
            program=invitation.program, user=user, role=invitation.role, status=first_status
        )
    else:
        if is_coordinator:
            membership.role = Membership.Role.COORDINATOR
        if membership.status in {Membership.Status.LEFT, Membership.Status.INVITED}:
            membership.status = first_status
        membership.save(update_fields=["role", "status"])

    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    WaitlistEntry.objects.filter(program=invitation.program, email__iexact=invitation.email).update(
        status=WaitlistEntry.Status.JOINED, updated_at=now
    )
    return membership
