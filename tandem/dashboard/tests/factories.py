"""factory-boy factories for the dashboard's own rows."""

import factory
from factory.django import DjangoModelFactory

from tandem.core import clock
from tandem.core.nudges import iso_week
from tandem.dashboard.models import StalledNudge
from tandem.partnerships.tests.factories import PartnershipFactory


class StalledNudgeFactory(DjangoModelFactory):
    class Meta:
        model = StalledNudge

    partnership = factory.SubFactory(PartnershipFactory)
    week = factory.LazyFunction(lambda: iso_week(clock.now()))
