"""The coordinator's roster (page and API) and who may see program-scoped pages."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.accounts import services as account_services
from tandem.core import clock
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def roster_url(program: Program) -> str:
    return reverse("programs:roster", args=[program.slug])


def api_url(program: Program) -> str:
    return f"/api/v1/programs/{program.slug}/members"


@pytest.fixture
def program():
    return ProgramFactory(name="Spanish for skiers", slug="spanish")


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(
        program=program, user=UserFactory(email="coord@example.org", name="Cora Lead")
    )


def _populate(program: Program, n: int) -> None:
    for i in range(n):
        membership = MembershipFactory(
            program=program,
            status=[Membership.Status.READY, Membership.Status.INTAKE, Membership.Status.MATCHED][
                i % 3
            ],
        )
        if i % 2 == 0:
            ProfileFactory(membership=membership)


# The page -------------------------------------------------------------------------------------


def test_roster_lists_everyone_with_name_email_status_intake_joined_and_role(
    client, program, coordinator
):
    with clock.frozen(datetime(2027, 3, 4, 10, 0, tzinfo=UTC)):
        with_profile = MembershipFactory(
            program=program, user=UserFactory(email="ana@example.org", name="Ana Account")
        )
        ProfileFactory(membership=with_profile, display_name="Ana R.")
        MembershipFactory(
            program=program,
            user=UserFactory(email="ben@example.org", name=""),
            status=Membership.Status.INTAKE,
        )
    client.force_login(coordinator.user)
    response = client.get(roster_url(program))
    assert response.status_code == 200
    rows = [
        " ".join(row.split())
        for row in response.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    ]
    assert len(rows) == 3
    # A coordinator has no intake: their account name stands for them, and no intake is due.
    assert rows[0].startswith("<td>Cora Lead</td>")
    assert "coord@example.org" in rows[0] and "Coordinator" in rows[0]
    assert "Coordinates" in rows[0] and "Ready for matching" not in rows[0]
    assert "Not needed" in rows[0] and "Not yet" not in rows[0]
    ana_page = reverse("dashboard:member_detail", args=[program.slug, with_profile.pk])
    assert (
        f'<td><a href="{ana_page}">Ana R.</a></td> '
        '<td><a href="mailto:ana@example.org">ana@example.org</a></td> '
        "<td>Member</td> <td>Ready for matching</td> <td>Complete</td> "
        '<td><time datetime="2027-03-04T10:00:00+00:00">4 Mar 2027</time></td>'
    ) in rows[1]
    # No profile and no account name: the email stands in for the name; the intake is not complete.
    assert rows[2].startswith("<td><a href=") and ">ben@example.org</a></td>" in rows[2]
    assert "<td>Intake to finish</td>" in rows[2]
    assert "Not yet" in rows[2]


def test_incomplete_intake_is_shown_as_not_yet(client, program, coordinator):
    membership = MembershipFactory(program=program)
    ProfileFactory(membership=membership, display_name="Draft Dora", submitted_at=None)
    client.force_login(coordinator.user)
    text = " ".join(client.get(roster_url(program)).text.split())
    assert ">Draft Dora</a></td>" in text
    dora_row = text.split(">Draft Dora</a></td>")[1].split("</tr>")[0]
    assert "Not yet" in dora_row


def test_roster_shows_counts_by_status(client, program, coordinator):
    MembershipFactory.create_batch(2, program=program, status=Membership.Status.MATCHED)
    MembershipFactory(program=program, status=Membership.Status.PAUSED)
    MembershipFactory(program=ProgramFactory(), status=Membership.Status.MATCHED)
    client.force_login(coordinator.user)
    response = client.get(roster_url(program))
    counts = {c.status: c.count for c in response.context["counts"]}
    # The coordinator is not counted: coordinators are not members to match.
    assert counts == {
        "invited": 0,
        "intake": 0,
        "consent_missing": 0,
        "cooling_off": 0,
        "ready": 0,
        "matched": 2,
        "paused": 1,
        "left": 0,
    }
    assert response.context["total"] == 3
    text = " ".join(response.text.split())
    assert 'data-status="matched">Matched <span class="tag">2</span>' in text
    assert 'All <span class="tag">3</span>' in text


def test_roster_filters_by_status(client, program, coordinator):
    MembershipFactory(program=program, user=UserFactory(email="m@example.org"), status="matched")
    MembershipFactory(program=program, user=UserFactory(email="p@example.org"), status="paused")
    client.force_login(coordinator.user)
    response = client.get(roster_url(program), {"status": "paused"})
    assert [r.membership.user.email for r in response.context["rows"]] == ["p@example.org"]
    assert 'aria-current="page" data-status="paused"' in response.text


def test_unknown_status_filter_says_so_and_shows_everyone(client, program, coordinator):
    client.force_login(coordinator.user)
    response = client.get(roster_url(program), {"status": "asleep"})
    assert response.status_code == 400
    assert "Unknown status “asleep”: showing everyone." in response.text
    assert len(response.context["rows"]) == 1


@pytest.mark.parametrize("n", [5, 50])
def test_roster_page_query_count_does_not_grow(client, program, coordinator, n):
    _populate(program, n)
    client.force_login(coordinator.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(roster_url(program))
    assert response.status_code == 200
    assert len(response.context["rows"]) == n + 1
    # session, user, the viewer's zone (their own: none; the program's), membership (access),
    # counts, the list's count and its page; the site menu's programs and seats
    assert len(queries) == 10, [q["sql"] for q in queries]


def test_a_long_roster_pages_and_the_links_keep_the_status_filter(
    client, program, coordinator, monkeypatch
):
    monkeypatch.setattr("tandem.programs.views.roster.ROSTER_PAGE_SIZE", 3)
    for i in range(7):
        MembershipFactory(
            program=program, user=UserFactory(email=f"p{i}@example.org"), status="paused"
        )
    MembershipFactory(program=program, user=UserFactory(email="m@example.org"), status="matched")
    client.force_login(coordinator.user)

    first = client.get(roster_url(program), {"status": "paused"})
    assert [r.membership.user.email for r in first.context["rows"]] == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    assert "Page 1 of 3" in first.text
    assert 'href="?status=paused&amp;page=2" rel="next"' in first.text

    last = client.get(roster_url(program), {"status": "paused", "page": "3"})
    assert [r.membership.user.email for r in last.context["rows"]] == ["p6@example.org"]
    assert 'href="?status=paused&amp;page=2" rel="prev"' in last.text
    assert 'rel="next"' not in last.text
    # A page past the end shows the last one rather than an error.
    assert client.get(roster_url(program), {"page": "99"}).context["page"].number == 3


# Access: pages --------------------------------------------------------------------------------


def test_member_of_the_program_gets_404_for_its_roster(client, program, coordinator):
    member = MembershipFactory(program=program)
    client.force_login(member.user)
    assert client.get(roster_url(program)).status_code == 404


def test_coordinator_of_another_program_gets_404(client, program, coordinator):
    other = CoordinatorFactory(program=ProgramFactory())
    client.force_login(other.user)
    assert client.get(roster_url(program)).status_code == 404


def test_member_of_program_a_gets_404_for_program_b(client):
    program_a, program_b = ProgramFactory(), ProgramFactory()
    member_a = MembershipFactory(program=program_a)
    CoordinatorFactory(program=program_b)
    client.force_login(member_a.user)
    assert client.get(roster_url(program_b)).status_code == 404
    assert client.get(reverse("programs:detail", args=[program_b.slug])).status_code == 404


def test_coordinator_who_left_gets_404(client, program):
    gone = CoordinatorFactory(program=program, status=Membership.Status.LEFT)
    client.force_login(gone.user)
    assert client.get(roster_url(program)).status_code == 404


def test_missing_program_and_hidden_program_answer_alike(client, program):
    someone = UserFactory()
    client.force_login(someone)
    hidden = client.get(roster_url(program))
    missing = client.get(reverse("programs:roster", args=["no-such-program"]))
    assert hidden.status_code == missing.status_code == 404


def test_anonymous_visitor_sees_only_public_program_pages(client, program, coordinator):
    draft = ProgramFactory(status=Program.Status.DRAFT)
    assert client.get(reverse("programs:public", args=[program.slug])).status_code == 200
    assert client.get(reverse("programs:public", args=[draft.slug])).status_code == 404
    # Program-scoped pages answer 404, not a sign-in redirect that would confirm they exist.
    assert client.get(reverse("programs:detail", args=[program.slug])).status_code == 404
    assert client.get(roster_url(program)).status_code == 404
    assert client.get(api_url(program)).status_code == 401
    assert client.get("/api/v1/programs/").status_code == 401


# The API --------------------------------------------------------------------------------------


def test_api_roster_returns_the_same_data_paginated(client, program, coordinator):
    with clock.frozen(datetime(2027, 3, 4, 10, 0, tzinfo=UTC)):
        membership = MembershipFactory(
            program=program, user=UserFactory(email="ana@example.org"), status="matched"
        )
    ProfileFactory(membership=membership, display_name="Ana R.")
    _, raw = account_services.api_token_create(user=coordinator.user, label="script")
    response = client.get(api_url(program), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    ana = body["items"][1]
    assert ana == {
        "id": membership.pk,
        "display_name": "Ana R.",
        "email": "ana@example.org",
        "role": "member",
        "status": "matched",
        "intake_complete": True,
        "joined_at": "2027-03-04T10:00:00Z",
    }
    assert body["items"][0]["email"] == "coord@example.org"
    assert body["items"][0]["status"] is None


def test_api_roster_filters_by_status_and_pages(client, program, coordinator):
    MembershipFactory.create_batch(3, program=program, status=Membership.Status.PAUSED)
    client.force_login(coordinator.user)
    paused = client.get(api_url(program), {"status": "paused"}).json()
    assert paused["count"] == 3
    assert {m["status"] for m in paused["items"]} == {"paused"}
    MembershipFactory.create_batch(50, program=program)
    page2 = client.get(api_url(program), {"page": 2}).json()
    assert page2["count"] == 54
    assert len(page2["items"]) == 4


@pytest.mark.parametrize(
    "who", ["member", "other_coordinator", "other_member", "stranger"], ids=str
)
def test_api_roster_answers_404_to_anyone_but_its_coordinators(client, program, coordinator, who):
    other_program = ProgramFactory()
    user = {
        "member": lambda: MembershipFactory(program=program).user,
        "other_coordinator": lambda: CoordinatorFactory(program=other_program).user,
        "other_member": lambda: MembershipFactory(program=other_program).user,
        "stranger": lambda: UserFactory(),
    }[who]()
    _, raw = account_services.api_token_create(user=user, label="script")
    response = client.get(api_url(program), HTTP_AUTHORIZATION=f"Bearer {raw}")
    missing = client.get(
        "/api/v1/programs/no-such-program/members", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json() == {"detail": "Not found.", "field": None}


@pytest.mark.parametrize("n", [5, 50])
def test_api_roster_query_count_does_not_grow(client, program, coordinator, n):
    _populate(program, n)
    _, raw = account_services.api_token_create(user=coordinator.user, label="script")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            api_url(program), {"page_size": 100}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
    assert response.status_code == 200
    assert len(response.json()["items"]) == n + 1
    # token lookup, token last-used update, membership (access), count, page
    assert len(queries) == 5, [q["sql"] for q in queries]


def test_profile_without_display_name_falls_back_to_account_name_then_email(
    client, program, coordinator
):
    named = MembershipFactory(program=program, user=UserFactory(name="Nina Account"))
    ProfileFactory(membership=named, display_name="")
    nameless = MembershipFactory(
        program=program, user=UserFactory(email="nameless@example.org", name="")
    )
    ProfileFactory(membership=nameless, display_name="")
    client.force_login(coordinator.user)
    items = client.get(api_url(program)).json()["items"]
    assert [item["display_name"] for item in items[1:]] == ["Nina Account", "nameless@example.org"]
