"""factory-boy factories for partnerships, their seats, ground rules and requests."""

import factory
from factory.django import DjangoModelFactory

from tandem.core import clock
from tandem.partnerships.models import (
    Agreement,
    AgreementVersion,
    DigestSent,
    Partnership,
    PartnershipEvent,
    PartnershipMember,
    RematchRequest,
)
from tandem.programs.tests.factories import MembershipFactory, ProgramFactory, UserFactory


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    program = factory.SubFactory(ProgramFactory)


class PartnershipMemberFactory(DjangoModelFactory):
    """A seat: a member of the partnership's program sitting in the partnership."""

    class Meta:
        model = PartnershipMember

    partnership = factory.SubFactory(PartnershipFactory)
    membership = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..partnership.program")
    )


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = factory.SubFactory(PartnershipFactory)


class AgreementVersionFactory(DjangoModelFactory):
    class Meta:
        model = AgreementVersion

    agreement = factory.SubFactory(AgreementFactory)
    number = 1
    cadence_weeks = 2
    meeting_minutes = 60


class PartnershipEventFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipEvent

    partnership = factory.SubFactory(PartnershipFactory)
    kind = PartnershipEvent.Kind.PAUSED


class RematchRequestFactory(DjangoModelFactory):
    """An open request by ``seat``, in the seat's partnership and program."""

    class Meta:
        model = RematchRequest

    seat = factory.SubFactory(PartnershipMemberFactory)
    partnership = factory.SelfAttribute("seat.partnership")
    program = factory.SelfAttribute("partnership.program")


class DigestSentFactory(DjangoModelFactory):
    class Meta:
        model = DigestSent

    user = factory.SubFactory(UserFactory)
    day = factory.LazyFunction(clock.today)
