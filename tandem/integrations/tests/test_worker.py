"""Deliveries through the real worker to a real receiver on 127.0.0.1.

The receiver checks every signature, fails the first tries (500), answers once more slowly
than Tandem waits, and dedupes on Tandem-Delivery; the worker is ``manage.py db_worker``.
Between two runs of the worker, ``later()`` lets the backoff's wait pass.
"""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.events import EventType
from tandem.integrations import deliveries
from tandem.integrations.models import Delivery, Endpoint
from tandem.integrations.services import endpoint_create
from tandem.integrations.tasks import delivery_attempt_task, delivery_enqueue
from tandem.partnerships.services.life import partnership_end
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tandem.support.services import help_flag_raise

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK_EVENTS = [
    EventType.PARTNERSHIP_CREATED,
    EventType.PARTNERSHIP_ENDED,
    EventType.HELP_REQUEST_RAISED,
]
PRIVATE = "PRIVATE-DETAILS the partners wrote"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def later() -> None:
    """Let the wait before every queued retry pass (the worker runs what is due)."""
    DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).update(
        run_after=timezone.now()
    )


def webhook(program, coordinator, receiver, path="/hooks/a", events=WEBHOOK_EVENTS):
    created = endpoint_create(
        program=program,
        actor=coordinator,
        kind=Endpoint.Kind.WEBHOOK,
        url=receiver.url(path),
        events=[str(e) for e in events],
        label="Our CRM",
    )
    receiver.secrets[path] = created.secret
    return created.endpoint


def test_each_event_reaches_the_receiver_once_after_failures_and_a_slow_answer(settings, receiver):
    settings.TANDEM_WEBHOOK_TIMEOUT_SECONDS = 1.0
    settings.TANDEM_WEBHOOK_RETRY_SECONDS = 30
    program = ProgramFactory(name="Skiers", slug="skiers", status="running")
    coordinator = CoordinatorFactory(program=program).user
    endpoint = webhook(program, coordinator, receiver)
    receiver.plan = ["fail", "fail", "slow"]

    partnership, people = partnership_of(program, "Ana", "Ben")
    delivery = Delivery.objects.get()
    assert receiver.hits == []  # queued for the worker, not sent in the request

    run_worker()  # attempt 1: 500
    delivery.refresh_from_db()
    first = delivery.tries.get()
    assert (first.status_code, delivery.status, delivery.attempts) == (500, "pending", 1)
    assert first.answer == "boom: try later"
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - first.started_at >= timedelta(seconds=30)
    assert delivery.next_attempt_at - first.started_at < timedelta(seconds=35)
    run_worker()  # the retry waits: nothing is due yet
    assert len(receiver.hits) == 1

    later()
    run_worker()  # attempt 2: 500 again, then four times as long a wait
    delivery.refresh_from_db()
    second = delivery.tries.get(number=2)
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - second.started_at >= timedelta(seconds=120)
    later()
    run_worker()  # attempt 3: the receiver answers after Tandem stopped waiting
    third = delivery.tries.get(number=3)
    assert third.status_code is None
    assert third.error == "No answer within 1 second."
    assert third.duration_ms >= 1000
    later()
    run_worker()  # attempt 4: 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [t.status_code for t in delivery.tries.all()] == [500, 500, None, 200]

    # The receiver saw one delivery id four times, every time validly signed.
    assert len(receiver.hits) == 4
    assert {h.headers["Tandem-Delivery"] for h in receiver.hits} == {str(delivery.uuid)}
    assert all(h.signed_ok for h in receiver.hits)
    assert all(h.headers["Tandem-Event"] == "partnership.created" for h in receiver.hits)
    [event] = receiver.processed()  # the slow one and the last one dedupe to one
    assert event == {
        "id": str(delivery.uuid),
        "type": "partnership.created",
        "program": "skiers",
        "occurred_at": event["occurred_at"],
        "data": {
            "partnership_id": partnership.pk,
            "membership_ids": sorted(m.pk for m in people.values()),
        },
    }

    # A duplicate task of an attempt already made, and a second worker run, send nothing.
    delivery_attempt_task.enqueue(delivery_id=delivery.pk, attempt=4)
    delivery_enqueue(delivery.pk, 1, None)
    run_worker()
    assert len(receiver.hits) == 4

    # Ending it and a help request: once each, and nothing a member wrote, no name.
    partnership_end(
        partnership=partnership, user=people["Ana"].user, end_reason="no_time", details=PRIVATE
    )
    help_flag_raise(membership=people["Ben"], kind="hr")
    run_worker()
    kinds = sorted(e["type"] for e in receiver.processed())
    assert kinds == ["help_request.raised", "partnership.created", "partnership.ended"]
    bodies = b" ".join(h.body for h in receiver.hits)
    for secret_text in (PRIVATE.encode(), b"Ana", b"Ben", b"no_time", b"@example.org"):
        assert secret_text not in bodies
    help_event = next(e for e in receiver.processed() if e["type"] == "help_request.raised")
    assert set(help_event["data"]) == {"help_request_id", "kind"}
    assert help_event["data"]["kind"] == "hr"

    # The coordinator's page shows every attempt with its answer.
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("integrations:list", kwargs={"slug": "skiers"})).content.decode()
    row = page.split(f'id="delivery-{delivery.pk}"')[1].split("</tr>")[0]
    assert row.count("data-attempt=") == 4
    assert row.count("<strong>500</strong>") == 2
    assert "No answer within 1 second." in row
    assert "<strong>200</strong>" in row
    assert "boom: try later" in row
    assert endpoint.secret not in page


def test_a_delivery_gives_up_after_five_failed_attempts(settings, receiver):
    settings.TANDEM_WEBHOOK_RETRY_SECONDS = 30
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program).user
    webhook(program, coordinator, receiver)
    receiver.plan = ["fail"] * 10
    partnership_of(program, "Ana", "Ben")
    for _ in range(7):
        run_worker()
        later()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 5
    assert delivery.next_attempt_at is None
    assert len(receiver.hits) == 5
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_worker_that_stopped_mid_attempt_is_resumed_and_the_event_arrives_once(receiver):
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program).user
    webhook(program, coordinator, receiver)
    partnership_of(program, "Ana", "Ben")
    delivery = Delivery.objects.get()
    # A worker claimed attempt 1 and its task, then stopped before posting: the lease runs out.
    assert deliveries._claim(
        delivery_id=delivery.pk, attempt=1, now=timezone.now() - timedelta(hours=1)
    )
    DBTaskResult.objects.update(status="RUNNING", worker_ids=["gone"])
    run_worker()
    assert receiver.hits == []

    call_command("resume_webhook_deliveries", verbosity=0)
    call_command("resume_webhook_deliveries", verbosity=0)  # twice changes nothing
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.hits) == 1
    assert receiver.hits[0].signed_ok
    tries = list(delivery.tries.values_list("number", "status_code", "error"))
    assert tries == [
        (1, None, "The worker stopped during this attempt; it was tried again."),
        (2, 200, ""),
    ]


def test_a_ping_and_a_rotated_secret_sign_with_the_new_secret(receiver):
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program).user
    endpoint = webhook(program, coordinator, receiver)
    old = receiver.secrets["/hooks/a"]
    client = Client()
    client.force_login(coordinator)
    answer = client.post(
        reverse("integrations:secret_rotate", kwargs={"slug": program.slug, "pk": endpoint.pk})
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in answer.content.decode()  # shown this once
    receiver.secrets["/hooks/a"] = endpoint.secret
    client.post(reverse("integrations:ping", kwargs={"slug": program.slug, "pk": endpoint.pk}))
    run_worker()
    [hit] = receiver.hits
    assert hit.signed_ok
    assert hit.json["type"] == "ping"
    assert hit.json["data"] == {"endpoint_id": endpoint.pk}
    page = client.get(reverse("integrations:list", kwargs={"slug": program.slug})).content
    assert endpoint.secret.encode() not in page
    assert old.encode() not in page


def test_slack_and_teams_get_a_message_without_names_through_the_worker(receiver):
    program = ProgramFactory(name="Skiers", slug="skiers", status="running")
    coordinator = CoordinatorFactory(program=program).user
    endpoint_create(
        program=program,
        actor=coordinator,
        kind=Endpoint.Kind.SLACK,
        url=receiver.url("/slack"),
        events=[EventType.MATCHES_PUBLISHED, EventType.PROGRAM_CLOSED],
    )
    other = ProgramFactory(name="Climbers", slug="climbers", status="running")
    endpoint_create(
        program=other,
        actor=CoordinatorFactory(program=other).user,
        kind=Endpoint.Kind.TEAMS,
        url=receiver.url("/teams"),
        events=[EventType.MATCHES_PUBLISHED],
    )
    from tandem.matching.services import match_run_publish
    from tandem.matching.tests.helpers import member, run_with_proposals

    ana, ben, cleo, dan = (member(program, n) for n in ("Ana", "Ben", "Cleo", "Dan"))
    run = run_with_proposals(program, [ana, ben, cleo, dan])
    match_run_publish(run_id=run.pk, actor=coordinator)
    from tandem.programs.services.program import program_update

    program_update(program=program, actor=coordinator, status="closed")
    run_worker()
    slack = [h.json for h in receiver.hits if h.path == "/slack"]
    assert [m["text"].splitlines()[0] for m in slack] == [
        "Skiers: matches are published; 2 new partnerships have begun.",
        "Skiers has ended. Thank you to everyone who took part.",
    ]
    assert all(m["text"].endswith("/p/skiers/home/") for m in slack)
    assert not [h for h in receiver.hits if h.path == "/teams"]  # another program's news
    assert "Tandem-Signature" not in receiver.hits[0].headers
    for name in ("Ana", "Ben", "Cleo", "Dan"):
        assert name not in json.dumps(slack)


def test_an_endpoint_removed_while_its_attempt_is_under_way_records_nothing(receiver):
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program).user
    endpoint = webhook(program, coordinator, receiver)
    partnership_of(program, "Ana", "Ben")
    delivery = Delivery.objects.get()
    assert deliveries._claim(delivery_id=delivery.pk, attempt=1, now=timezone.now())
    Endpoint.objects.filter(pk=endpoint.pk).delete()  # removed meanwhile
    answer = deliveries.sending.Answer(500, answer="boom")
    result = deliveries._record(
        delivery=delivery,
        attempt=1,
        started_at=timezone.now(),
        answer=answer,
        enqueue=delivery_enqueue,
    )
    assert result == "removed"
    assert not Delivery.objects.exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # attempt 1's; no retry
    run_worker()  # and that task now finds nothing to send
    assert receiver.hits == []
