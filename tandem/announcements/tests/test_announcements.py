"""Announcements: segments, preview, one email per recipient through the real worker,
opt-out by one-click unsubscribe, the audit log and the list of past announcements."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.announcements import services
from tandem.announcements.models import Announcement, AnnouncementDelivery, AnnouncementOptOut
from tandem.announcements.tasks import announcement_email_send, announcement_enqueue
from tandem.announcements.tests.factories import AnnouncementOptOutFactory
from tandem.core.errors import Conflict
from tandem.core.models import AuditEvent
from tandem.partnerships.services.life import partnership_pause
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.fixture
def world(mailoutbox):
    program = ProgramFactory(name="Spanish for skiers", slug="spanish")
    coordinator = CoordinatorFactory(program=program, user=UserFactory(email="cora@example.org"))
    partnership_of(program, "Ana", "Ben")
    paused, people = partnership_of(program, "Cleo", "Dan")
    partnership_pause(partnership=paused, user=people["Cleo"].user)
    ida = MembershipFactory(
        program=program, user=UserFactory(email="ida@example.org"), status="intake"
    )
    MembershipFactory(program=program, user=UserFactory(email="leo@example.org"), status="left")
    MembershipFactory(user=UserFactory(email="other@example.org"))  # another program
    run_worker()  # the pause emails
    mailoutbox.clear()
    return {"program": program, "coordinator": coordinator, "ida": ida}


def _send(world, **segment):
    return services.announcement_send(
        program=world["program"],
        author=world["coordinator"].user,
        subject="Kick-off on Monday",
        body="Bring **coffee** <script>alert(1)</script>",
        enqueue=announcement_enqueue,
        **segment,
    )


def _to(mailoutbox) -> list[str]:
    return sorted(m.to[0] for m in mailoutbox)


def test_everyone_gets_the_announcement_exactly_once_through_the_worker(world, mailoutbox):
    announcement = _send(world)
    assert mailoutbox == []  # queued, not sent inline
    # A duplicate enqueue of one delivery sends nothing more.
    announcement_email_send.enqueue(delivery_id=announcement.deliveries.first().pk)
    run_worker()
    run_worker()

    assert _to(mailoutbox) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
        "dan@example.org",
        "ida@example.org",
    ]
    email = mailoutbox[0]
    assert email.subject == "Spanish for skiers: Kick-off on Monday"
    html = email.alternatives[0][0]
    assert "<strong>coffee</strong>" in html
    assert "<script>" not in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in email.body and unsubscribe in html
    assert AnnouncementDelivery.objects.filter(sent_at__isnull=False).count() == 5
    event = AuditEvent.objects.get(action=AuditEvent.Action.ANNOUNCEMENT_SENT)
    assert event.after["recipients"] == 5
    assert event.actor == world["coordinator"].user


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ({"partnership_state": "matched"}, ["ana@example.org", "ben@example.org"]),
        ({"partnership_state": "paused"}, ["cleo@example.org", "dan@example.org"]),
        ({"partnership_state": "unmatched"}, ["ida@example.org"]),
        ({"member_status": "intake"}, ["ida@example.org"]),
        (
            {"member_status": "matched", "partnership_state": "paused"},
            ["cleo@example.org", "dan@example.org"],
        ),
    ],
)
def test_a_segment_reaches_only_its_members(world, mailoutbox, segment, expected):
    _send(world, **segment)
    run_worker()
    assert _to(mailoutbox) == expected


def test_a_status_segment_uses_the_status_the_roster_shows(world, mailoutbox):
    # Stored "ready" with a submitted intake but no consent is "consent missing" on the roster.
    from tandem.programs.tests.factories import ProfileFactory

    ProfileFactory(
        membership__program=world["program"],
        membership__user=UserFactory(email="noa@example.org"),
        consent_at=None,
    )
    _send(world, member_status="consent_missing")
    run_worker()
    assert _to(mailoutbox) == ["noa@example.org"]
    mailoutbox.clear()
    with pytest.raises(Conflict) as refused:
        _send(world, member_status="ready")  # nobody is truly ready: refused, says why
    assert refused.value.message == services.MSG_NOBODY


def test_one_click_unsubscribe_skips_and_counts_the_member_next_time(client, world, mailoutbox):
    _send(world, partnership_state="matched")
    run_worker()
    ana_email = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    url = ana_email.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("testserver")[-1] if "testserver" in url else "/" + url.split("/", 3)[3]

    page = client.get(path)
    assert page.status_code == 200
    assert AnnouncementOptOut.objects.count() == 0  # a link scanner's GET changes nothing
    # Mail programs post the one-click unsubscribe without a CSRF token.
    client.handler.enforce_csrf_checks = True
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert AnnouncementOptOut.objects.get().membership.user.email == "ana@example.org"

    mailoutbox.clear()
    announcement = _send(world, partnership_state="matched")
    run_worker()
    assert _to(mailoutbox) == ["ben@example.org"]
    assert (announcement.recipient_count, announcement.opted_out_count) == (1, 1)


def test_a_wrong_unsubscribe_token_is_not_found(client, world):
    response = client.get(reverse("announcements:unsubscribe", args=["made-up-token"]))
    assert response.status_code == 404


def test_preview_shows_the_count_and_sends_nothing(client, world, mailoutbox):
    client.force_login(world["coordinator"].user)
    AnnouncementOptOutFactory(membership=world["ida"])
    response = client.post(
        reverse("announcements:new", args=["spanish"]),
        {"subject": "Hello", "body": "*Hi*", "partnership_state": "unmatched", "preview": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "0 people will get this email." in page
    assert "1 opted out and will be skipped." in page
    assert "<em>Hi</em>" in page
    assert not Announcement.objects.exists()


def test_send_from_the_page_lists_the_announcement_with_its_counts(client, world, mailoutbox):
    client.force_login(world["coordinator"].user)
    response = client.post(
        reverse("announcements:new", args=["spanish"]),
        {"subject": "Hello", "body": "Hi", "partnership_state": "matched", "send": ""},
    )
    assert response.status_code == 302
    run_worker()
    page = client.get(reverse("announcements:list", args=["spanish"])).content.decode()
    assert "Announcement sent to 2 people." in page
    assert "Hello" in page and "In an active partnership" in page
    assert '<td data-count="recipients">2</td>' in page
    assert '<td data-count="delivered">2</td>' in page


def test_every_problem_is_shown_at_once_and_nothing_is_sent(client, world):
    client.force_login(world["coordinator"].user)
    response = client.post(
        reverse("announcements:new", args=["spanish"]),
        {"subject": " ", "body": "", "send": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert str(services.MSG_SUBJECT_REQUIRED) in page
    assert str(services.MSG_BODY_REQUIRED) in page
    assert not Announcement.objects.exists()


def test_a_segment_that_reaches_nobody_is_refused_with_why(client, world):
    client.force_login(world["coordinator"].user)
    response = client.post(
        reverse("announcements:new", args=["spanish"]),
        {"subject": "Hi", "body": "Hi", "member_status": "paused", "send": ""},
    )
    assert response.status_code == 409
    assert str(services.MSG_NOBODY) in response.content.decode()


def test_pages_are_not_found_for_members(client, world):
    member = Membership.objects.get(user__email="ida@example.org")
    client.force_login(member.user)
    for name in ("announcements:list", "announcements:new"):
        assert client.get(reverse(name, args=["spanish"])).status_code == 404


def test_list_queries_stay_the_same_as_announcements_grow(client, world):
    client.force_login(world["coordinator"].user)
    url = reverse("announcements:list", args=["spanish"])
    _send(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    few = count()
    for _ in range(5):
        _send(world)
    assert count() == few
