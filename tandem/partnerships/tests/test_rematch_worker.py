"""A request for a new match emails the program's coordinators through the worker, once."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.partnerships.models import RematchRequest
from tandem.partnerships.services.life import rematch_request_create
from tandem.partnerships.tasks import rematch_request_email_send
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_each_coordinator_is_emailed_once_per_request(mailoutbox):
    program = ProgramFactory(name="Skiers", slug="skiers")
    CoordinatorFactory(program=program, user=UserFactory(email="cora@example.org"))
    CoordinatorFactory(program=program, user=UserFactory(email="carl@example.org"))
    CoordinatorFactory(
        program=program, user=UserFactory(email="gone@example.org"), status=Membership.Status.LEFT
    )
    CoordinatorFactory(user=UserFactory(email="elsewhere@example.org"))
    partnership, people = partnership_of(program, "Ana", "Ben")

    request = rematch_request_create(partnership=partnership, user=people["Ana"].user)
    assert mailoutbox == []  # queued, not sent in the request
    rematch_request_email_send.enqueue(request_id=request.pk)  # a duplicate enqueue
    run_worker()
    run_worker()

    assert sorted(m.to[0] for m in mailoutbox) == ["carl@example.org", "cora@example.org"]
    email = mailoutbox[0]
    assert email.subject == "Skiers: Ana asks for a new match"
    assert reverse("partnerships:rematch_queue", args=["skiers"]) in email.body
    request.refresh_from_db()
    assert request.notified_at is not None
    assert RematchRequest.objects.count() == 1
