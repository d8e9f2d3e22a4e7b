"""Reads for invitations: open invitations by token, and members whose account needs setting up."""

from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import OuterRef, Q, QuerySet, Subquery

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.programs.models import Invitation, Membership, Program

INVITATION_NOT_FOUND = "This invitation link is not valid. Check that you copied the whole link."


def _without_password() -> Q:
    return Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)


def invitation_open_by_token(*, token: Any) -> Invitation | None:
    """Return the invitation for the token if it can still be accepted, else None."""
    if not isinstance(token, str) or not token:
        return None
    return (
        Invitation.objects.select_related("program")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=clock.now())
        .first()
    )


def invitation_account_to_set_up(*, invitation: Invitation) -> User | None:
    """Return the invitee's account when it exists but has no usable password yet.

    Imported members get such an account; they set their password through the invitation
    instead of creating a second account with the same address.
    """
    return (
        User.objects.filter(_without_password(), email__iexact=invitation.email, is_active=True)
        .order_by("pk")
        .first()
    )


def invitation_account_exists(*, invitation: Invitation) -> bool:
    """Return whether an account with the invited address exists (with or without password)."""
    return User.objects.filter(email__iexact=invitation.email).exists()


def account_setup_membership_list(*, program: Program) -> QuerySet[Membership]:
    """Return the program's members whose account has no usable password, by email.

    Each carries ``open_invitation_sent_at``/``open_invitation_expires_at``: the open
    invitation already on its way to them, if any (one query however many members).
    """
    open_invitations = Invitation.objects.filter(
        program=program, email__iexact=OuterRef("user__email"), accepted_at__isnull=True
    ).order_by("-created_at")
    return (
        Membership.objects.filter(
            program=program,
            role=Membership.Role.MEMBER,
            user__is_active=True,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .exclude(status=Membership.Status.LEFT)
        .select_related("user", "profile")
        .annotate(
            open_invitation_sent_at=Subquery(open_invitations.values("sent_at")[:1]),
            open_invitation_expires_at=Subquery(open_invitations.values("expires_at")[:1]),
        )
        .order_by("user__email", "pk")
    )


def account_setup_pending(*, membership: Membership) -> bool:
    """Return whether a member from :func:`account_setup_membership_list` still needs a link.

    True when no open invitation is on its way (none, or the open one has expired).
    """
    expires_at = getattr(membership, "open_invitation_expires_at", None)
    return expires_at is None or expires_at <= clock.now()


def access_account_setup_membership(*, program: Program, pk: int) -> Membership:
    """Return a member of the program (not a coordinator, not gone) for a set-up link, or 404.

    A member who has a password already is returned too: the service says so.
    """
    membership = (
        Membership.objects.select_related("user")
        .filter(program=program, pk=pk, role=Membership.Role.MEMBER, user__is_active=True)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership
