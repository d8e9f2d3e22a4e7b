"""Check a group a coordinator puts together by hand against the engine's hard rules."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from .explain import join_words
from .features import encode
from .types import MatchConfig, Member, Rules

__all__ = [
    "PROBLEM_EARLIER_PARTNERS",
    "PROBLEM_EXCLUDED",
    "PROBLEM_FORBIDDEN",
    "PROBLEM_NO_LANGUAGE",
    "PROBLEM_NO_SHARED_HOUR",
    "group_problems",
]

PROBLEM_EXCLUDED = "{a} asked not to be paired with {b}"
PROBLEM_FORBIDDEN = "a rule of the program keeps {a} and {b} apart"
PROBLEM_EARLIER_PARTNERS = "{a} and {b} were partners before in this program"
PROBLEM_NO_LANGUAGE = "{a} and {b} share no language"
PROBLEM_NO_SHARED_HOUR = "{names} share no free {minutes} minutes in the week"


def group_problems(
    members: Sequence[Member], config: MatchConfig, rules: Rules | None = None
) -> tuple[str, ...]:
    """Return, in words, every hard rule of the engine that a given group breaks.

    The same rules a match run enforces: no pair kept apart by an exclusion
    (by either side), a forbid or an earlier partnership (unless
    ``config.allow_repeats``); every pair shares a language; and the whole
    group shares one free window of ``config.min_meeting_minutes``.

    Parameters
    ----------
    members : sequence of Member
        The people of the pair or circle, in the order their names appear.
    config : MatchConfig
        Reference week, meeting length and ``allow_repeats``.
    rules : Rules, optional
        Forbids and history (locks are ignored: a hand-made group is the
        coordinator's decision).

    Returns
    -------
    tuple of str
        One sentence per broken rule, pair rules first (in pair order), the
        shared window last; empty when the group is allowed.

    Notes
    -----
    Time O(g^2) for a group of g plus encoding the g members.

    Examples
    --------
    >>> import datetime as dt
    >>> from tandem.matching.engine import Member, MatchConfig, Rules, Slot
    >>> wed = (Slot(2, 18 * 60, 20 * 60),)
    >>> ana = Member("a", "Ana", "Europe/Madrid", wed)
    >>> ben = Member("b", "Ben", "Europe/Madrid", wed, languages=("French",))
    >>> config = MatchConfig(reference_date=dt.date(2027, 1, 6))
    >>> group_problems([ana, ben], config, Rules(history=(("a", "b"),)))
    ('Ana and Ben were partners before in this program', 'Ana and Ben share no language')
    """
    rules = rules or Rules()
    f = encode(members, config.reference_date, config.min_meeting_minutes)
    forbids = {frozenset(p) for p in rules.forbids}
    history = set() if config.allow_repeats else {frozenset(p) for p in rules.history}
    problems: list[str] = []
    for i, j in combinations(range(len(members)), 2):
        a, b = members[i], members[j]
        pair = frozenset((a.id, b.id))
        if b.id in a.exclude:
            problems.append(PROBLEM_EXCLUDED.format(a=a.name, b=b.name))
        if a.id in b.exclude:
            problems.append(PROBLEM_EXCLUDED.format(a=b.name, b=a.name))
        if pair in forbids:
            problems.append(PROBLEM_FORBIDDEN.format(a=a.name, b=b.name))
        if pair in history:
            problems.append(PROBLEM_EARLIER_PARTNERS.format(a=a.name, b=b.name))
        if not f.lang_sets[i] & f.lang_sets[j]:
            problems.append(PROBLEM_NO_LANGUAGE.format(a=a.name, b=b.name))
    common = -1
    for window in f.window_ints:
        common &= window
    if not common:
        problems.append(
            PROBLEM_NO_SHARED_HOUR.format(
                names=join_words([m.name for m in members]), minutes=config.min_meeting_minutes
            )
        )
    return tuple(problems)
