"""What the partnership pages ask of the apps above partnerships (see core/slots).

A partnership page introduces the partners to each other: who they are, what each can teach
the other and why they were put together. Why they match is the matching engine's knowledge,
so matching fills :func:`partnership_introduction` in ``MatchingConfig.ready()``.

Meetings belong to the meetings app: when a partnership ends, ``partnership_close`` calls
:func:`partnership_ending` in its transaction (the future meetings are cancelled), and the
ending email carries what :func:`partnership_ended_invitation` returns (the calendar's
cancellation of the standing meeting); the meetings app fills both in ``MeetingsConfig.ready()``.
"""

from dataclasses import dataclass
from typing import Any

from tandem.core.slots import required_slot, slot
from tandem.partnerships.models import Partnership
from tandem.programs.models import Membership


@dataclass
class PartnerCard:
    """What one partner sees about another."""

    membership_id: int
    name: str
    pronouns: str
    email: str
    organisation: str
    department: str
    time_zone: str
    goals_text: str
    themes: list[str]
    # What would make meetings easier for this partner (their intake; partners only).
    meeting_needs: str
    teaches_me: list[str]
    learns_from_me: list[str]


@dataclass
class Introduction:
    """A partnership as seen by one of its partners."""

    partnership: Partnership
    me: Membership
    partners: list[PartnerCard]
    reasons: list[str]


@required_slot
def partnership_introduction(*, partnership: Partnership, user: Any) -> Introduction:
    """Return the partners of ``user`` in ``partnership``: who they are, what each teaches the
    other, and why they were matched. The caller has checked that ``user`` sits in it."""
    raise NotImplementedError


@slot
def partnership_ending(*, partnership: Partnership) -> None:
    """Call off what still runs for a partnership that is ending (nothing by default).

    Called inside the ending's transaction, with the partnership row locked.
    """


@slot
def partnership_ended_invitation(*, partnership: Partnership) -> tuple[str, bytes] | None:
    """Return the iTIP method and calendar file the ending email carries (none by default).

    Built in the current language, for every partner of the ended partnership.
    """
    return None
