"""What the matching app holds about a person: proposals and rules naming them, runs they ran.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from django.db.models import Q

from tandem.core.personal_data import Declaration, Erase, Holding
from tandem.matching.models import (
    LeftOutMember,
    MatchRule,
    MatchRun,
    Proposal,
    ProposalMember,
    UnmatchedMember,
)

DECLARATION = Declaration(
    app="matching",
    holdings=(
        # Runs a coordinator started or published: kept, attributed to the pseudonym.
        Holding(
            MatchRun,
            rows=lambda p: MatchRun.objects.filter(Q(created_by=p.user) | Q(published_by=p.user)),
            erase=Erase.KEEP,
        ),
        # A published proposal is the origin of a partnership others are still in.
        Holding.by(Proposal, "seats__membership_id", "membership_ids", erase=Erase.KEEP),
        Holding.by(ProposalMember, "membership_id", "membership_ids", erase=Erase.KEEP),
        Holding.by(UnmatchedMember, "membership_id", "membership_ids"),
        # Who a run left out and why (not ready, consent missing...): the person's own.
        Holding.by(LeftOutMember, "membership_id", "membership_ids"),
        Holding(
            MatchRule,
            rows=lambda p: MatchRule.objects.filter(
                Q(membership_a_id__in=p.membership_ids)
                | Q(membership_b_id__in=p.membership_ids)
                | Q(created_by=p.user)
            ),
            # A rule about the person goes; a rule a coordinator made about others stays.
            own=lambda p: (
                Q(membership_a_id__in=p.membership_ids) | Q(membership_b_id__in=p.membership_ids)
            ),
        ),
    ),
)
