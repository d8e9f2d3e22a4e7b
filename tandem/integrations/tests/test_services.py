"""Endpoints: every problem named at once, audited without secrets; events become deliveries
where the domain services do the thing, after the commit, once per endpoint."""

import json
from datetime import timedelta

import pytest

from tandem.core import clock
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.integrations import services
from tandem.integrations.models import Delivery, Endpoint
from tandem.integrations.tests.factories import EndpointFactory
from tandem.meetings import services as meetings
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.services.invitations import invitation_accept
from tandem.programs.services.waitlist import waitlist_confirm, waitlist_open_doors, waitlist_signup
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    InvitationFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_WEBHOOK_EVENTS = [
    "member.joined",
    "partnership.created",
    "partnership.ended",
    "meeting.held",
    "meeting.missed",
    "help_request.raised",
]


def problems(**kwargs):
    values = {"kind": "webhook", "url": "https://crm.example.org/in", "events": ["member.joined"]}
    values.update(kwargs)
    program = values.pop("program", None) or ProgramFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.endpoint_create(program=program, actor=None, **values)
    return dict(caught.value.problems())


def test_a_bad_address_and_no_event_are_both_named_at_once():
    assert problems(url="ftp://crm.example.org", events=[]) == {
        "url": "Use an https:// address: Tandem sends events over encrypted connections only.",
        "events": "Choose at least one event: otherwise Tandem would never post anything.",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the address Tandem should post to; it starts with https://."),
        ("crm.example.org/in", "Enter the address Tandem should post to; it starts with https://."),
        (
            "http://crm.example.org/in",
            "Use an https:// address: Tandem sends events over encrypted connections only.",
        ),
        (
            "https://user:pw@crm.example.org/in",
            "Leave the user name and password out of the address; Tandem signs what it sends.",
        ),
        (
            "https://10.0.0.5/in",
            "Use a public address: Tandem does not post to private or local networks.",
        ),
        (
            "https://169.254.169.254/latest",
            "Use a public address: Tandem does not post to private or local networks.",
        ),
        ("https://x.org/" + "a" * 500, "Keep the address to 500 characters or fewer."),
    ],
)
def test_an_address_tandem_may_not_post_to_is_refused_with_what_to_fix(url, message):
    assert problems(url=url)["url"] == message


def test_loopback_http_is_refused_outside_development(settings):
    settings.TANDEM_WEBHOOK_ALLOW_LOOPBACK = False
    assert problems(url="http://127.0.0.1:9000/in")["url"].startswith("Use an https://")
    assert problems(url="https://127.0.0.1/in")["url"].startswith("Use a public address")


def test_an_event_of_another_kind_is_refused_and_named():
    assert problems(events=["announcement.sent"]) == {
        "events": "Choose events from the list; “announcement.sent” is not one of them."
    }
    assert problems(
        kind="slack", url="https://hooks.slack.com/services/T/B/x", events=["member.joined"]
    ) == {"events": "Choose events from the list; “member.joined” is not one of them."}


def test_a_slack_address_must_be_slacks_and_a_program_has_one_channel():
    assert problems(kind="slack", url="https://example.org/x", events=["program.closed"]) == {
        "url": "Paste the Incoming Webhook address Slack gave you; it starts with "
        "https://hooks.slack.com/."
    }
    program = ProgramFactory()
    services.endpoint_create(
        program=program,
        actor=None,
        kind="slack",
        url="https://hooks.slack.com/services/T0/B0/secretpart",
        events=["program.closed"],
    )
    assert problems(
        program=program,
        kind="teams",
        url="https://acme.webhook.office.com/x",
        events=["program.closed"],
    ) == {
        "url": "The program has a Slack or Teams channel already: remove it first to use another."
    }


def test_adding_rotating_and_removing_are_audited_without_the_secret_or_a_chat_address():
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program).user
    created = services.endpoint_create(
        program=program,
        actor=coordinator,
        kind="webhook",
        url="https://crm.example.org/in?token=abc",
        events=["member.joined", "member.joined"],
    )
    assert created.secret.startswith("whsec_") and len(created.secret) > 40
    assert created.endpoint.events == ["member.joined"]
    rotated = services.endpoint_secret_rotate(endpoint=created.endpoint, actor=coordinator)
    assert rotated != created.secret
    slack = services.endpoint_create(
        program=program,
        actor=coordinator,
        kind="slack",
        url="https://hooks.slack.com/services/T0/B0/CHANNELKEY",
        events=["program.closed"],
    )
    services.endpoint_remove(endpoint=created.endpoint, actor=coordinator)
    events = list(AuditEvent.objects.filter(program=program).order_by("id"))
    assert [e.action for e in events] == [
        "integration_added",
        "integration_secret_rotated",
        "integration_added",
        "integration_removed",
    ]
    assert events[0].after == {
        "endpoint": created.endpoint.pk,
        "kind": "webhook",
        "host": "crm.example.org",
        "events": "member.joined",
    }
    assert events[0].subject_label == "Webhook crm.example.org"
    logged = json.dumps([[e.subject_label, e.before, e.after] for e in events])
    for secret in (created.secret, rotated, "CHANNELKEY", "token=abc"):
        assert secret not in logged
    assert Endpoint.objects.filter(program=program).get() == slack.endpoint


def _endpoint(program, events=ALL_WEBHOOK_EVENTS):
    return EndpointFactory(program=program, events=events)


def _bodies(endpoint=None):
    deliveries = Delivery.objects.order_by("id")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return [json.loads(d.body) for d in deliveries]


def test_nothing_is_delivered_before_the_commit_or_after_a_rollback(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory(status="running")
    _endpoint(program)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partnership_of(program, "Ana", "Ben")
    assert Delivery.objects.count() == 0  # not yet committed
    for callback in callbacks:
        callback()
    assert [b["type"] for b in _bodies()] == ["partnership.created"]


def test_each_event_type_is_delivered_where_the_service_does_it(django_capture_on_commit_callbacks):
    program = ProgramFactory(status="running", slug="skiers")
    endpoint = _endpoint(program)
    quiet = _endpoint(program, events=["member.joined"])
    other = _endpoint(ProgramFactory(status="running"))
    user = UserFactory(email="zoe@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = invitation_accept(
            token=InvitationFactory(program=program, email=user.email).token, user=user
        )
        partnership, _people = partnership_of(program, "Ana", "Ben")
        seats = list(partnership.seats.order_by("pk"))
        held = MeetingFactory(
            partnership=partnership, original_start=clock.now() - timedelta(hours=2)
        )
        missed = MeetingFactory(
            partnership=partnership, original_start=clock.now() - timedelta(hours=1)
        )
        meetings.meeting_mark(
            meeting=held, seat=seats[0], status="held", present_seat_ids=[s.pk for s in seats]
        )
        meetings.meeting_mark(meeting=missed, seat=seats[0], status="missed", present_seat_ids=[])
        # Marked again: the same event is not delivered twice.
        meetings.meeting_mark(
            meeting=missed, seat=seats[0], status="held", present_seat_ids=[s.pk for s in seats]
        )
        meetings.meeting_mark(meeting=missed, seat=seats[0], status="missed", present_seat_ids=[])
    bodies = _bodies(endpoint)
    assert [b["type"] for b in bodies] == [
        "member.joined",
        "partnership.created",
        "meeting.held",
        "meeting.missed",
        "meeting.held",
    ]
    assert bodies[0]["data"] == {"membership_id": membership.pk}
    assert bodies[2]["data"] == {
        "meeting_id": held.pk,
        "partnership_id": partnership.pk,
        "starts_at": held.starts_at.isoformat(),
    }
    assert all(b["program"] == "skiers" for b in bodies)
    assert all(
        b["id"] == str(d.uuid)
        for b, d in zip(
            bodies, Delivery.objects.filter(endpoint=endpoint).order_by("id"), strict=True
        )
    )
    assert [b["type"] for b in _bodies(quiet)] == ["member.joined"]
    assert _bodies(other) == []
    assert "zoe" not in json.dumps(bodies)


def test_doors_opening_and_announcements_go_to_the_chat_channel_only(
    django_capture_on_commit_callbacks,
):
    program = ProgramFactory(status="waitlist", name="Skiers", slug="skiers")
    coordinator = CoordinatorFactory(program=program).user
    chat = EndpointFactory(
        program=program,
        kind="slack",
        secret="",
        url="https://hooks.slack.com/services/x",
        events=["program.doors_opened", "announcement.sent"],
    )
    webhook = _endpoint(program)
    waitlist_confirm(entry=waitlist_signup(program=program, email="ada@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        waitlist_open_doors(program=program, actor=coordinator)
    from tandem.announcements.services import announcement_send

    partnership_of(program, "Ana", "Ben")
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(
            program=program,
            author=coordinator,
            subject="Kick-off Friday",
            body="See you",
            enqueue=lambda pk: None,
        )
    texts = [b["text"].splitlines()[0] for b in _bodies(chat)]
    assert texts == [
        "Skiers: the doors are open; 1 person from the waitlist was invited.",
        "Skiers: an announcement went to 2 members: “Kick-off Friday”.",
    ]
    assert _bodies(webhook) == []
    assert "ada" not in json.dumps(_bodies(chat))


def test_a_failing_listener_never_undoes_or_breaks_the_members_action(
    monkeypatch, django_capture_on_commit_callbacks
):
    from tandem.integrations import deliveries

    def broken(**kwargs):
        raise RuntimeError("integrations are down")

    monkeypatch.setattr(deliveries, "deliveries_create", broken)
    program = ProgramFactory(status="running")
    _endpoint(program)
    with django_capture_on_commit_callbacks(execute=True):
        partnership, _people = partnership_of(program, "Ana", "Ben")
    assert partnership.pk is not None
