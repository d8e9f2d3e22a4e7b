"""factory-boy factories for announcements, their deliveries, opt-outs and intake reminders."""

import factory
from factory.django import DjangoModelFactory

from tandem.announcements.models import (
    Announcement,
    AnnouncementDelivery,
    AnnouncementOptOut,
    IntakeReminder,
)
from tandem.core import clock
from tandem.core.nudges import iso_week
from tandem.programs.tests.factories import MembershipFactory, ProgramFactory


class AnnouncementFactory(DjangoModelFactory):
    class Meta:
        model = Announcement

    program = factory.SubFactory(ProgramFactory)
    subject = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Hello everyone."


class AnnouncementDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = AnnouncementDelivery

    announcement = factory.SubFactory(AnnouncementFactory)
    membership = factory.SubFactory(
        MembershipFactory, program=factory.SelfAttribute("..announcement.program")
    )


class AnnouncementOptOutFactory(DjangoModelFactory):
    class Meta:
        model = AnnouncementOptOut

    membership = factory.SubFactory(MembershipFactory)


class IntakeReminderFactory(DjangoModelFactory):
    class Meta:
        model = IntakeReminder

    membership = factory.SubFactory(MembershipFactory)
    week = factory.LazyFunction(lambda: iso_week(clock.now()))
