"""Invitations: send (or refresh) the one open invitation for an address, and accept it.

Imported members already have an account without a password; for them
:func:`invitation_account_setup_send` sends "set up your account" invitations (and
:func:`invitation_account_setup_resend` one member's again), and
:func:`invitation_account_setup_accept` sets the password on that account and joins.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, NotFound
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.programs.models import Invitation, Membership, Program, WaitlistEntry
from tandem.programs.selectors.invitations import INVITATION_NOT_FOUND

INVITATION_VALID_FOR = timedelta(days=30)
# A second "Send again" within this time is refused, so a double click sends one email.
ACCOUNT_SETUP_RESEND_INTERVAL = timedelta(minutes=10)

INVITATION_EXPIRED = gettext_noop(
    "This invitation has expired. Ask the program's coordinator to send you a new one."
)
INVITATION_USED = gettext_noop(
    "This invitation has already been used. Sign in to reach the program."
)
INVITATION_WRONG_ACCOUNT = gettext_noop(
    "This invitation was sent to another email address. Sign out, then open the link again "
    "and sign in (or create an account) with the invited address."
)
INVITATION_ALREADY_MEMBER = gettext_noop(
    "{email} already takes part in this program with that role."
)
INVITATION_SETUP_ALREADY_DONE = gettext_noop(
    "This account already has a password. Sign in with it to continue; if you have "
    "forgotten it, reset it from the sign-in page."
)
INVITATION_SETUP_NO_ACCOUNT = gettext_noop(
    "There is no account waiting for this address. Create your account from the invitation."
)
ACCOUNT_SETUP_RESEND_DONE_ALREADY = gettext_noop(
    "{email} has set up their account already: there is no set-up link to send."
)
ACCOUNT_SETUP_RESEND_TOO_SOON = gettext_noop(
    "A set-up link went to {email} less than {interval} minutes ago. "
    "You can send it again in {wait} minute{plural}."
)


def normalise_email(email: str) -> str:
    """Return the address as Tandem stores it (trimmed, lower-case), like user accounts."""
    return email.strip().lower()


def _inviter(invited_by: Any) -> Any:
    # Anyone without a saved account (an anonymous user, none at all) is recorded as nobody.
    return invited_by if getattr(invited_by, "pk", None) else None


# What refreshing an open invitation changes (the token stays, so earlier links keep working).
REFRESHED_FIELDS = ("role", "invited_by", "expires_at", "sent_at")


def _audit_sent(
    invitation: Invitation | None, *, program: Program, email: str, role: str, invited_by: Any
) -> None:
    """Record that an invitation goes out: "sent" the first time, "sent again" on a refresh."""
    action = AuditEvent.Action.INVITATION_SENT
    if invitation is not None:
        action = AuditEvent.Action.INVITATION_RESENT
    audit_record(
        action=action,
        actor=invited_by,
        subject_label=email,
        program=program,
        after={"role": role},
    )


def _audit_accepted(invitation: Invitation, *, user: Any) -> None:
    audit_record(
        action=AuditEvent.Action.INVITATION_ACCEPTED,
        actor=user,
        subject_label=invitation.email,
        program=invitation.program,
        after={"role": invitation.role},
    )


def _refresh(invitation: Invitation, *, role: str, invited_by: Any, expires_at: datetime) -> None:
    """Set an open invitation's :data:`REFRESHED_FIELDS` so that the worker sends it again."""
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.expires_at = expires_at
    invitation.sent_at = None


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
        raise Conflict(gettext(INVITATION_ALREADY_MEMBER).format(email=email), field="email")

    invited_by = _inviter(invited_by)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(program=program, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    expires_at = clock.now() + INVITATION_VALID_FOR
    _audit_sent(invitation, program=program, email=email, role=role, invited_by=invited_by)
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
        _refresh(invitation, role=role, invited_by=invited_by, expires_at=expires_at)
        fields = list(REFRESHED_FIELDS)
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
    joined = membership is None
    if membership is None:
        membership = Membership.objects.create(
            program=invitation.program, user=user, role=invitation.role, status=first_status
        )
    else:
        if is_coordinator:
            membership.role = Membership.Role.COORDINATOR
        if membership.status in {Membership.Status.LEFT, Membership.Status.INVITED}:
            membership.status = first_status
            joined = True
        membership.save(update_fields=["role", "status"])
    if joined and not is_coordinator:
        event_emit(
            EventType.MEMBER_JOINED,
            program_id=invitation.program_id,
            key=f"{membership.pk}:{invitation.pk}",
            data={"membership_id": membership.pk},
        )

    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    WaitlistEntry.objects.filter(program=invitation.program, email__iexact=invitation.email).update(
        status=WaitlistEntry.Status.JOINED, updated_at=now
    )
    _audit_accepted(invitation, user=user)
    return membership


@dataclass(frozen=True)
class AccountSetupSent:
    """What :func:`invitation_account_setup_send` did."""

    sent: tuple[str, ...]
    already_on_the_way: tuple[str, ...]


@transaction.atomic
def invitation_account_setup_send(*, program: Program, invited_by: Any) -> AccountSetupSent:
    """Invite each member whose account has no password yet to set one up; email after commit.

    Members with an open, unexpired invitation are skipped (their link still works); an
    expired open invitation is refreshed with the same token. Each invitation is emailed
    once by the worker (:func:`tandem.programs.tasks.invitation_account_setup_email_send`).
    """
    from tandem.programs.selectors.invitations import (
        account_setup_membership_list,
        account_setup_pending,
    )

    memberships = list(account_setup_membership_list(program=program))
    pending = [m for m in memberships if account_setup_pending(membership=m)]
    skipped = tuple(m.user.email for m in memberships if not account_setup_pending(membership=m))
    emails = [normalise_email(m.user.email) for m in pending]
    invited_by = _inviter(invited_by)
    expires_at = clock.now() + INVITATION_VALID_FOR

    expired = {
        invitation.email.lower(): invitation
        for invitation in Invitation.objects.select_for_update().filter(
            program=program, email__in=emails, accepted_at__isnull=True
        )
    }
    for invitation in expired.values():
        _refresh(
            invitation, role=Membership.Role.MEMBER, invited_by=invited_by, expires_at=expires_at
        )
    Invitation.objects.bulk_update(expired.values(), REFRESHED_FIELDS)
    created = Invitation.objects.bulk_create(
        [
            Invitation(
                program=program,
                email=email,
                role=Membership.Role.MEMBER,
                invited_by=invited_by,
                expires_at=expires_at,
            )
            for email in emails
            if email not in expired
        ]
    )
    # SQLite and PostgreSQL return the new ids from bulk_create.
    ids = [invitation.pk for invitation in (*expired.values(), *created)]
    for email in emails:
        _audit_sent(
            expired.get(email),
            program=program,
            email=email,
            role=Membership.Role.MEMBER,
            invited_by=invited_by,
        )

    from tandem.programs.tasks import invitation_account_setup_email_send

    def enqueue() -> None:
        for invitation_id in ids:
            invitation_account_setup_email_send.enqueue(invitation_id=invitation_id)

    transaction.on_commit(enqueue)
    return AccountSetupSent(sent=tuple(emails), already_on_the_way=skipped)


@transaction.atomic
def invitation_account_setup_resend(*, membership: Membership, invited_by: Any) -> Invitation:
    """Send one member their set-up link again (the same link, valid 30 days from now).

    Refused while the member's link was sent less than
    :data:`ACCOUNT_SETUP_RESEND_INTERVAL` ago, so a double click sends one email. Creates the
    invitation when none is open. The worker emails it once, after commit.
    """
    user = membership.user
    if user.has_usable_password():
        raise Conflict(gettext(ACCOUNT_SETUP_RESEND_DONE_ALREADY).format(email=user.email))
    email = normalise_email(user.email)
    invited_by = _inviter(invited_by)
    now = clock.now()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(program=membership.program, email__iexact=email, accepted_at__isnull=True)
        .first()
    )
    found = invitation
    if invitation is None:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    program=membership.program,
                    email=email,
                    role=Membership.Role.MEMBER,
                    invited_by=invited_by,
                    expires_at=now + INVITATION_VALID_FOR,
                )
        except IntegrityError:  # a concurrent click created it first
            raise _resend_too_soon(email, ACCOUNT_SETUP_RESEND_INTERVAL) from None
    else:
        # Every send sets the expiry to 30 days after it, so the expiry dates the last send.
        next_send = invitation.expires_at - INVITATION_VALID_FOR + ACCOUNT_SETUP_RESEND_INTERVAL
        if now < next_send:
            raise _resend_too_soon(email, next_send - now)
        _refresh(
            invitation,
            role=Membership.Role.MEMBER,
            invited_by=invited_by,
            expires_at=now + INVITATION_VALID_FOR,
        )
        invitation.save(update_fields=REFRESHED_FIELDS)
    _audit_sent(
        found,
        program=membership.program,
        email=email,
        role=Membership.Role.MEMBER,
        invited_by=invited_by,
    )

    from tandem.programs.tasks import invitation_account_setup_email_send

    invitation_id = invitation.pk
    transaction.on_commit(
        lambda: invitation_account_setup_email_send.enqueue(invitation_id=invitation_id)
    )
    return invitation


def _resend_too_soon(email: str, wait: timedelta) -> Conflict:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))  # rounded up
    return Conflict(
        gettext(ACCOUNT_SETUP_RESEND_TOO_SOON).format(
            email=email,
            interval=int(ACCOUNT_SETUP_RESEND_INTERVAL.total_seconds()) // 60,
            wait=minutes,
            plural="" if minutes == 1 else "s",
        )
    )


@transaction.atomic
def invitation_account_setup_accept(*, token: str, password: str) -> Membership:
    """Set the first password of the invited account, verify its address and join.

    The password must already be validated (the form runs the password validators). Only an
    account without a usable password can be set up this way; one with a password signs in.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("program").filter(token=token).first()
    )
    if invitation is None:
        raise NotFound(INVITATION_NOT_FOUND)
    if invitation.accepted_at is not None:
        raise Conflict(INVITATION_USED)
    if invitation.expires_at <= clock.now():
        raise Conflict(INVITATION_EXPIRED)
    user = (
        User.objects.select_for_update()
        .filter(email__iexact=invitation.email, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise Conflict(INVITATION_SETUP_NO_ACCOUNT)
    if user.has_usable_password():
        raise Conflict(INVITATION_SETUP_ALREADY_DONE)
    user.set_password(password)
    user.save(update_fields=["password"])

    # Following the emailed link proves the address.
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=not has_primary
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return invitation_accept(token=token, user=user)
