"""factory-boy factories for people and programs; other apps build on these."""

from datetime import timedelta

import factory
from factory.django import DjangoModelFactory

from tandem.accounts.models import User
from tandem.core import clock
from tandem.programs.models import (
    Document,
    Invitation,
    Membership,
    Profile,
    Program,
    Resource,
    Tag,
    WaitlistEntry,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Mark the address verified for allauth (pass verified=False to skip)."""
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        self.save()
        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    description = "Peers teaching each other."
    audience = "Everyone in the organisation"
    status = Program.Status.INTAKE_OPEN


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.READY


class CoordinatorFactory(MembershipFactory):
    role = Membership.Role.COORDINATOR
    status = Membership.Status.READY


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("program", "kind", "key")

    program = factory.SubFactory(ProgramFactory)
    kind = Tag.Kind.SKILL
    name = factory.Sequence(lambda n: f"Skill {n}")
    key = factory.LazyAttribute(lambda o: " ".join(o.name.split()).casefold())


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory)
    display_name = factory.LazyAttribute(lambda o: o.membership.user.name or "Member")
    goals_text = "Get better at public speaking."
    stage = Profile.Stage.MID
    organisation = "Acme"
    department = "Engineering"
    time_zone = "Europe/London"
    availability = factory.LazyFunction(lambda: [[2, 18 * 60, 20 * 60]])
    channel = Profile.Channel.VIDEO
    languages = factory.LazyFunction(lambda: ["English"])
    consent_at = factory.LazyFunction(clock.now)
    submitted_at = factory.LazyFunction(clock.now)

    @factory.post_generation
    def offers(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.offers.add(_tag(self, Tag.Kind.SKILL, name))

    @factory.post_generation
    def wants(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.wants.add(_tag(self, Tag.Kind.SKILL, name))

    @factory.post_generation
    def themes(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for name in extracted:
                self.themes.add(_tag(self, Tag.Kind.THEME, name))


def _tag(profile: Profile, kind: str, name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(
        program=profile.membership.program,
        kind=kind,
        key=" ".join(name.split()).casefold(),
        defaults={"name": " ".join(name.split())},
    )
    return tag


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    body = "Read this first."


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Helpline {n}")
    contact = "0800 000 000"
    when_to_use = "When in doubt."


class WaitlistEntryFactory(DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    program = factory.SubFactory(ProgramFactory)
    email = factory.Sequence(lambda n: f"waiting{n}@example.org")


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    program = factory.SubFactory(ProgramFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=30))
