"""factory-boy factories for match runs, their proposals and the coordinator's rules."""

import factory
from factory.django import DjangoModelFactory

from tandem.matching.models import (
    LeftOutMember,
    MatchRule,
    MatchRun,
    Proposal,
    ProposalMember,
    UnmatchedMember,
)
from tandem.programs.tests.factories import MembershipFactory, ProgramFactory


class MatchRunFactory(DjangoModelFactory):
    class Meta:
        model = MatchRun

    program = factory.SubFactory(ProgramFactory)
    reference_date = "2027-01-11"


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    run = factory.SubFactory(MatchRunFactory)
    score = 0.5


class _MemberOfRunFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    run = factory.SubFactory(MatchRunFactory)
    membership = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..run.program")
    )


class ProposalMemberFactory(_MemberOfRunFactory):
    class Meta:
        model = ProposalMember

    proposal = factory.SubFactory(ProposalFactory, run=factory.SelfAttribute("..run"))


class UnmatchedMemberFactory(_MemberOfRunFactory):
    class Meta:
        model = UnmatchedMember

    reason = "No fit"


class LeftOutMemberFactory(_MemberOfRunFactory):
    class Meta:
        model = LeftOutMember

    reason = LeftOutMember.Reason.NO_CONSENT


class MatchRuleFactory(DjangoModelFactory):
    """A rule between two members of the program, ``membership_a`` the lower id."""

    class Meta:
        model = MatchRule

    program = factory.SubFactory(ProgramFactory)
    kind = MatchRule.Kind.FORBID
    membership_a = factory.SubFactory(MembershipFactory, program=factory.SelfAttribute("..program"))
    membership_b = factory.SubFactory(MembershipFactory, program=factory.SelfAttribute("..program"))
