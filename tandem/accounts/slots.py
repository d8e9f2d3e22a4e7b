"""What the account pages ask of the apps above accounts (filled by programs; see core/slots).

Accounts knows people, not programs: the programs a person is in, the name and zone their
partners see (kept on each intake profile) and an invitation waiting to be accepted after
signing in all belong to programs, which fills these slots in ``ProgramsConfig.ready()``.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from tandem.core.slots import required_slot, slot


@dataclass(frozen=True)
class MembershipLine:
    """One program the person is in, as the account page and ``GET /api/me`` show it."""

    program_slug: str
    program_name: str
    role: str  # Membership.Role value
    role_label: str
    status: str  # Membership.Status value
    member_status_label: str  # the status the roster shows; empty for a coordinator


@dataclass(frozen=True)
class Identity:
    """The name partners see and the zone times are shown in, the same in every program."""

    display_name: str
    time_zone: str
    # Without an intake the zone has nowhere to live: the account page does not ask for it.
    has_intake: bool = True


@slot
def after_sign_in(request: HttpRequest) -> str | None:
    """Return where the person goes right after signing in or up, if a page waits for them
    (an invitation opened before signing in); None for the usual page."""
    return None


@required_slot
def memberships_of(*, user: Any) -> list[MembershipLine]:
    """Return the programs the person is in, with their role and status in each."""
    raise NotImplementedError


@required_slot
def identity_of(*, user: Any) -> Identity:
    """Return the person's name and zone as the account page shows them."""
    raise NotImplementedError


@required_slot
def identity_save(*, user: Any, display_name: str, time_zone: str) -> Identity:
    """Save the person's name and zone everywhere they are kept; raise ValidationFailed with
    every problem (by field) when one is not acceptable."""
    raise NotImplementedError
