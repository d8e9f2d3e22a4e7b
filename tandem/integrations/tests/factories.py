"""factory-boy factories for integrations; built on programs' factories."""

import factory
from factory.django import DjangoModelFactory

from tandem.integrations.models import Delivery, DeliveryAttempt, Endpoint
from tandem.programs.tests.factories import ProgramFactory


class EndpointFactory(DjangoModelFactory):
    class Meta:
        model = Endpoint

    program = factory.SubFactory(ProgramFactory)
    kind = Endpoint.Kind.WEBHOOK
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.org/tandem")
    events = factory.LazyFunction(lambda: ["member.joined"])
    secret = factory.Sequence(lambda n: f"whsec_test_{n:040d}")


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    endpoint = factory.SubFactory(EndpointFactory)
    event_type = "member.joined"
    event_key = factory.Sequence(lambda n: f"member.joined:{n}")
    body = '{"type":"member.joined"}'


class DeliveryAttemptFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryAttempt

    delivery = factory.SubFactory(DeliveryFactory)
    number = 1
    started_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)
    status_code = 200
