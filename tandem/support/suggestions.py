"""The check-in messages Tandem suggests, and which one a partnership's page starts from.

A program keeps its own check-in messages (``CheckInTemplate``); these suggestions are offered
besides them, always, and a coordinator may save one as the program's own to reword it. The
partnership's page starts from the suggestion that fits its warning signs (no first meeting
yet, missed meetings, an uneven give and take), else from the general one.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Suggestion:
    key: str
    name: StrOrPromise
    body: StrOrPromise


GENERAL = Suggestion(
    "general",
    _("How is it going?"),
    _(
        "How is your partnership going? I check in with every partnership now and then.\n\n"
        "Are you meeting as often as you planned, and do you both get to take your turn? "
        "Is there anything that would make it easier, or anything you would like help with?\n\n"
        "Reply to this email: it comes straight to me, and stays between us."
    ),
)
FIRST_MEETING = Suggestion(
    "first-meeting",
    _("Before the first meeting"),
    _(
        "I noticed you have not had your first meeting yet. That is common: finding a time is "
        "often the hardest part.\n\n"
        "Your partnership page suggests times that suit you both; accepting one is enough to "
        "get started. A first meeting can be short: get to know each other, agree your ground "
        "rules, and decide who takes the first turn.\n\n"
        "Is something in the way? Reply to this email: it comes straight to me."
    ),
)
AFTER_FIRST_MEETING = Suggestion(
    "after-first-meeting",
    _("After the first meeting"),
    _(
        "You have held your first meeting: well done. How did it go?\n\n"
        "Did you agree how often you will meet and who takes which turn? If anything felt "
        "awkward, that is normal at the start, and it is worth a word now rather than later.\n\n"
        "Reply to this email: it comes straight to me, and stays between us."
    ),
)
MISSED_MEETINGS = Suggestion(
    "missed-meetings",
    _("After missed meetings"),
    _(
        "Your last meetings did not take place. Life gets busy, and a rhythm that suited you at "
        "the start may not suit you now.\n\n"
        "Would another time, a shorter meeting or a different rhythm help? You can change your "
        "ground rules together, or pause the partnership for a while.\n\n"
        "Reply to this email and tell me what would help: it comes straight to me."
    ),
)
BALANCE = Suggestion(
    "balance",
    _("Taking turns"),
    _(
        "In a peer partnership you both give and both gain: each meeting, one of you takes the "
        "mentor's turn and the other the mentee's, and next time you swap.\n\n"
        "Lately the turns have leaned to one side. Is that what you both want? If not, try "
        "starting your next meeting with the partner who has had fewer turns.\n\n"
        "Reply to this email if you would like to talk it over: it comes straight to me."
    ),
)

SUGGESTIONS: tuple[Suggestion, ...] = (
    GENERAL,
    FIRST_MEETING,
    AFTER_FIRST_MEETING,
    MISSED_MEETINGS,
    BALANCE,
)
BY_KEY = {s.key: s for s in SUGGESTIONS}
