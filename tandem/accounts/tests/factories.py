"""factory-boy factories for accounts: verified addresses and API tokens."""

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from tandem.accounts.models import ApiToken
from tandem.programs.tests.factories import UserFactory


class EmailAddressFactory(DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory, verified=False)
    email = factory.SelfAttribute("user.email")


class ApiTokenFactory(DjangoModelFactory):
    """An API token; pass ``token_hash`` and ``hint`` from ``ApiToken.generate()`` to use it."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    label = factory.Sequence(lambda n: f"token {n}")
    token_hash = factory.LazyFunction(lambda: ApiToken.generate()[1])
    hint = "tandem_"
