"""Notes stay with their author (private) or the partnership (shared): everyone else gets 404."""

import json
from datetime import UTC, date, datetime, time
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.api import AUTH_REQUIRED
from tandem.accounts.services import api_token_create
from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import Meeting, NoteRevision
from tandem.meetings.tests.factories import partnership_make
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        partnership, seats = partnership_make()
        series = services.series_propose(
            partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13),
            start_time=time(18), time_zone="Europe/Madrid",
        )  # fmt: skip
        services.series_accept(series=series, seat=seats[1])
        meeting = Meeting.objects.order_by("starts_at").first()
        private = services.note_create(
            meeting=meeting, seat=seats[0], body="**Private** worry", visibility="private"
        )
        shared = services.note_create(
            meeting=meeting, seat=seats[0], body="Shared *plan*", visibility="shared"
        )
    program = partnership.program
    return {
        "meeting": meeting,
        "private": private,
        "shared": shared,
        "author": seats[0].membership.user,
        "partner": seats[1].membership.user,
        "coordinator": CoordinatorFactory(program=program).user,
        "same_program": MembershipFactory(program=program).user,
        "other_program": MembershipFactory().user,
    }


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["coordinator", "same_program", "other_program"])
def test_outsiders_get_404_for_meeting_page_notes_and_api(world, role):
    client = _client(world.get(role))
    meeting = world["meeting"]
    urls = [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:ics", args=[meeting.pk]),
        reverse("meetings:note_edit", args=[world["shared"].pk]),
        reverse("meetings:note_edit", args=[world["private"].pk]),
        reverse("meetings:schedule", args=[meeting.partnership_id]),
        f"/api/v1/meetings/{meeting.pk}",
        f"/api/v1/meetings/{meeting.pk}/notes",
        f"/api/v1/meetings/notes/{world['shared'].pk}",
        f"/api/v1/meetings/notes/{world['private'].pk}",
        f"/api/v1/meetings/series?partnership_id={meeting.partnership_id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Shared" not in response.text and "worry" not in response.text
    # Writes answer the same.
    assert client.post(
        f"/api/v1/meetings/{meeting.pk}/notes",
        data=json.dumps({"body": "x", "visibility": "shared"}),
        content_type="application/json",
    ).status_code == 404  # fmt: skip
    assert client.patch(
        f"/api/v1/meetings/notes/{world['shared'].pk}",
        data=json.dumps({"body": "x", "visibility": "shared"}),
        content_type="application/json",
    ).status_code == 404  # fmt: skip
    assert client.post(reverse("meetings:note_create", args=[meeting.pk]),
                       {"body": "x", "visibility": "shared"}).status_code == 404  # fmt: skip


def test_signed_out_visitors_get_401_from_the_api_and_a_sign_in_page_for_pages(world):
    client = Client()
    meeting = world["meeting"]
    api_calls = [
        ("get", f"/api/v1/meetings/{meeting.pk}"),
        ("get", "/api/v1/meetings/"),
        ("get", f"/api/v1/meetings/{meeting.pk}/notes"),
        ("get", f"/api/v1/meetings/notes/{world['shared'].pk}"),
        ("get", f"/api/v1/meetings/series?partnership_id={meeting.partnership_id}"),
        ("get", "/api/v1/meetings/999999"),  # a missing one answers the same
        ("post", f"/api/v1/meetings/{meeting.pk}/cancel"),
        ("post", f"/api/v1/meetings/{meeting.pk}/notes"),
        ("post", "/api/v1/meetings/calendar-feed/rotate"),
        ("delete", "/api/v1/meetings/calendar-feed"),
    ]
    for method, url in api_calls:
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(
                url, data=json.dumps({"body": "x"}), content_type="application/json"
            )
        assert response.status_code == 401, url
        assert response.json() == {"detail": AUTH_REQUIRED, "field": None}
    pages = [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:detail", args=[999999]),
        reverse("meetings:ics", args=[meeting.pk]),
        reverse("meetings:note_edit", args=[world["shared"].pk]),
        reverse("meetings:schedule", args=[meeting.partnership_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    # Writes from a signed-out form change nothing and reveal nothing.
    assert client.post(reverse("meetings:note_create", args=[meeting.pk]),
                       {"body": "x", "visibility": "shared"}).status_code == 404  # fmt: skip
    assert client.post(reverse("meetings:cancel", args=[meeting.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_personal_token_of_a_partner_reaches_meetings_and_an_outsiders_gets_404(world):
    _, member_raw = api_token_create(user=world["partner"], label="calendar script")
    _, outsider_raw = api_token_create(user=world["same_program"], label="script")
    url = f"/api/v1/meetings/{world['meeting'].pk}"
    client = Client()
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {member_raw}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {outsider_raw}").status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer tdm_not-a-token").status_code == 401


def test_author_sees_both_notes_sanitised_and_uncached(world):
    client = _client(world["author"])
    page = client.get(reverse("meetings:detail", args=[world["meeting"].pk]))
    assert page.status_code == 200
    assert "<strong>Private</strong> worry" in page.text
    assert "Shared <em>plan</em>" in page.text
    assert "no-store" in page["Cache-Control"]
    api = client.get(f"/api/v1/meetings/{world['meeting'].pk}/notes")
    assert [n["body"] for n in api.json()] == ["**Private** worry", "Shared *plan*"]
    assert "no-store" in api["Cache-Control"]


def test_partner_sees_only_the_shared_note_and_cannot_edit_it(world):
    client = _client(world["partner"])
    page = client.get(reverse("meetings:detail", args=[world["meeting"].pk]))
    assert "Shared <em>plan</em>" in page.text
    assert "worry" not in page.text
    api = client.get(f"/api/v1/meetings/{world['meeting'].pk}/notes")
    assert [n["body"] for n in api.json()] == ["Shared *plan*"]
    assert client.get(f"/api/v1/meetings/notes/{world['private'].pk}").status_code == 404
    assert client.get(f"/api/v1/meetings/notes/{world['shared'].pk}").status_code == 200
    assert client.get(reverse("meetings:note_edit", args=[world["shared"].pk])).status_code == 404
    assert client.patch(
        f"/api/v1/meetings/notes/{world['shared'].pk}",
        data=json.dumps({"body": "hijack", "visibility": "shared"}),
        content_type="application/json",
    ).status_code == 404  # fmt: skip


def test_script_in_a_note_is_removed(world):
    client = _client(world["author"])
    client.post(
        reverse("meetings:note_create", args=[world["meeting"].pk]),
        {
            "body": "Hi <script>alert(1)</script><img src=x onerror=alert(2)>",
            "visibility": "shared",
        },
    )
    page = _client(world["partner"]).get(reverse("meetings:detail", args=[world["meeting"].pk]))
    assert "Hi" in page.text
    assert "alert(" not in page.text


def test_editing_a_note_keeps_its_history_for_the_author_only(world):
    client = _client(world["author"])
    url = reverse("meetings:note_edit", args=[world["private"].pk])
    with clock.frozen(datetime(2027, 1, 13, 19, tzinfo=UTC)):
        response = client.post(url, {"body": "Worry, second take", "visibility": "private"})
    assert response.status_code == 302
    assert list(
        NoteRevision.objects.filter(note=world["private"]).values_list("body", flat=True)
    ) == ["Worry, second take", "**Private** worry"]  # fmt: skip
    history = client.get(url)
    assert "second take" in history.text and "worry" in history.text
    assert "no-store" in history["Cache-Control"]


def test_empty_note_keeps_the_choice_and_says_what_to_fix(world):
    client = _client(world["author"])
    response = client.post(
        reverse("meetings:note_create", args=[world["meeting"].pk]),
        {"body": "   ", "visibility": "shared"},
    )
    assert response.status_code == 400
    assert "This is needed: fill it in." in response.text
    assert 'name="visibility" value="shared" required id="id_visibility_1" checked' in response.text


def test_calendar_files_never_carry_notes(world):
    client = _client(world["author"])
    ics = client.get(reverse("meetings:ics", args=[world["meeting"].pk]))
    assert ics.status_code == 200
    assert b"Shared" not in ics.content and b"worry" not in ics.content


def test_api_partner_flow_propose_accept_start_hand_over_and_mark(client):
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        partnership, seats = partnership_make()
        ana, ben = (_client(s.membership.user) for s in seats)
        created = ana.post(
            "/api/v1/meetings/series",
            data=json.dumps({"partnership_id": partnership.pk, "starts_on": "2027-01-13",
                             "start_time": "18:00", "time_zone": "Europe/Madrid"}),
            content_type="application/json",
        )  # fmt: skip
        assert created.status_code == 201
        assert created.json()["rrule"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=WE"
        accepted = ben.post(f"/api/v1/meetings/series/{created.json()['id']}/accept")
        assert accepted.json()["status"] == "active"
        mine = ben.get("/api/v1/meetings/").json()
        assert len(mine) == 3
        meeting_id = mine[0]["id"]
    with clock.frozen(datetime(2027, 1, 13, 17, tzinfo=UTC)):
        turns = ana.post(f"/api/v1/meetings/{meeting_id}/turns/start").json()
        handed = ana.post(
            f"/api/v1/meetings/{meeting_id}/turns/hand-over",
            data=json.dumps({"turn_id": turns["current_turn_id"]}),
            content_type="application/json",
        ).json()  # fmt: skip
        assert handed["current_turn_id"] == turns["turns"][1]["id"]
        marked = ben.post(
            f"/api/v1/meetings/{meeting_id}/mark",
            data=json.dumps({"status": "held", "present": [seats[0].pk]}),
            content_type="application/json",
        )  # fmt: skip
        assert marked.status_code == 400
        assert marked.json()["detail"] == services.HELD_NEEDS_TWO


def test_meeting_page_queries_stay_the_same_as_notes_grow(world):
    client = _client(world["author"])
    url = reverse("meetings:detail", args=[world["meeting"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    seat = world["private"].author
    for number in range(5):
        services.note_create(
            meeting=world["meeting"], seat=seat, body=f"note {number}", visibility="shared"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "note 4" in page.text
    assert len(many) == len(few)
