"""Reads for the waitlist and for invitations (the way in from the waitlist)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.core.errors import NotFound
from tandem.programs.models import Invitation, Program, WaitlistEntry
from tandem.programs.selectors.invitations import INVITATION_NOT_FOUND


def waitlist_entry_list(*, program: Program) -> QuerySet[WaitlistEntry]:
    """Return the program's waitlist, oldest first."""
    return WaitlistEntry.objects.filter(program=program).order_by("created_at", "id")


def waitlist_counts(*, program: Program) -> dict[str, int]:
    """Return how many entries the program has in each status, and in all (one query)."""
    statuses = WaitlistEntry.Status
    counts = WaitlistEntry.objects.filter(program=program).aggregate(
        total=Count("id"),
        **{status.value: Count("id", filter=Q(status=status.value)) for status in statuses},
    )
    return {key: value or 0 for key, value in counts.items()}


def waitlist_entry_get_by_confirm_token(*, token: str) -> WaitlistEntry:
    """Return the entry a confirm link points at; NotFound for an unknown token."""
    entry = WaitlistEntry.objects.select_related("program").filter(confirm_token=token).first()
    if entry is None:
        raise NotFound()
    return entry


def waitlist_entry_get_by_unsubscribe_token(*, token: str) -> WaitlistEntry:
    """Return the entry an unsubscribe link points at; NotFound for an unknown token."""
    entry = WaitlistEntry.objects.select_related("program").filter(unsubscribe_token=token).first()
    if entry is None:
        raise NotFound()
    return entry


def invitation_get_by_token(*, token: str) -> Invitation:
    """Return the invitation a link points at (open or not); NotFound for an unknown token."""
    invitation = Invitation.objects.select_related("program").filter(token=token).first()
    if invitation is None:
        raise NotFound(INVITATION_NOT_FOUND)
    return invitation


def invitation_is_for(*, invitation: Invitation, user: Any) -> bool:
    """Return whether the signed-in user is the invited person (same address, any case)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.email.strip().lower() == invitation.email.strip().lower()
    )
