"""factory-boy factories for the support app (help requests); built on programs' factories."""

import factory
from factory.django import DjangoModelFactory

from tandem.programs.tests.factories import MembershipFactory
from tandem.support.models import HelpFlag


class HelpFlagFactory(DjangoModelFactory):
    class Meta:
        model = HelpFlag

    membership = factory.SubFactory(MembershipFactory, status="matched")
    program = factory.LazyAttribute(lambda o: o.membership.program)
    kind = "hr"
