import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.programs.models import Invitation, Program, WaitlistEntry
from tandem.programs.services.waitlist import (
    WAITLIST_EMAIL_INVALID,
    WAITLIST_SIGNUP_ANSWER,
    WAITLIST_SIGNUPS_PER_MINUTE,
    WAITLIST_TOO_MANY_SIGNUPS,
    waitlist_confirm,
    waitlist_signup,
)
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program():
    return ProgramFactory(status=Program.Status.WAITLIST)


def signup(client, slug, email):
    return client.post(
        f"/api/v1/waitlist/{slug}", {"email": email}, content_type="application/json"
    )


def test_anonymous_signup_needs_no_csrf_token_and_answers_neutrally(program):
    client = Client(enforce_csrf_checks=True)
    new = signup(client, program.slug, "ada@example.org")
    again = signup(client, program.slug, "ada@example.org")
    assert new.status_code == again.status_code == 202
    assert new.json() == again.json() == {"detail": WAITLIST_SIGNUP_ANSWER}
    assert WaitlistEntry.objects.get(program=program).status == WaitlistEntry.Status.PENDING


def test_signup_with_a_bad_address_says_what_to_fix(client, program):
    response = signup(client, program.slug, "not-an-address")
    assert response.status_code == 400
    assert response.json() == {"detail": WAITLIST_EMAIL_INVALID, "field": "email"}


def test_signup_for_a_draft_program_is_404(client):
    draft = ProgramFactory(status=Program.Status.DRAFT)
    assert signup(client, draft.slug, "ada@example.org").status_code == 404


def test_signup_is_rate_limited_per_ip_address(client, program):
    for n in range(WAITLIST_SIGNUPS_PER_MINUTE):
        assert signup(client, program.slug, f"p{n}@example.org").status_code == 202
    response = signup(client, program.slug, "late@example.org")
    assert response.status_code == 429
    assert response.json()["detail"] == WAITLIST_TOO_MANY_SIGNUPS
    other_ip = Client(REMOTE_ADDR="203.0.113.9")
    assert signup(other_ip, program.slug, "late@example.org").status_code == 202


def test_coordinator_lists_entries_page_by_page(client, program):
    coordinator = CoordinatorFactory(program=program).user
    for n in range(3):
        waitlist_signup(program=program, email=f"p{n}@example.org")
    client.force_login(coordinator)
    response = client.get(f"/api/v1/waitlist/{program.slug}/entries?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["email"] for item in body["items"]] == ["p0@example.org", "p1@example.org"]
    assert body["items"][0]["status"] == "pending"
    second = client.get(f"/api/v1/waitlist/{program.slug}/entries?page_size=2&page=2").json()
    assert [item["email"] for item in second["items"]] == ["p2@example.org"]


@pytest.mark.parametrize("who", ["member", "other_coordinator"])
def test_others_get_404_from_the_entries_and_open_doors_endpoints(client, program, who):
    waitlist_confirm(entry=waitlist_signup(program=program, email="ada@example.org"))
    user = MembershipFactory(program=program).user if who == "member" else CoordinatorFactory().user
    client.force_login(user)
    assert client.get(f"/api/v1/waitlist/{program.slug}/entries").status_code == 404
    assert client.post(f"/api/v1/waitlist/{program.slug}/open-doors").status_code == 404
    assert not Invitation.objects.exists()


def test_anonymous_gets_401_from_the_entries_endpoint(client, program):
    assert client.get(f"/api/v1/waitlist/{program.slug}/entries").status_code == 401


def test_coordinator_opens_the_doors_through_the_api(client, program):
    coordinator = CoordinatorFactory(program=program).user
    waitlist_confirm(entry=waitlist_signup(program=program, email="ada@example.org"))
    waitlist_signup(program=program, email="pending@example.org")
    client.force_login(coordinator)
    response = client.post(f"/api/v1/waitlist/{program.slug}/open-doors")
    assert response.status_code == 200
    assert response.json() == {"invited": 1, "program_status": "intake_open"}
    assert list(Invitation.objects.values_list("email", flat=True)) == ["ada@example.org"]


def test_entries_endpoint_query_count_does_not_grow_with_entries(client, program):
    coordinator = CoordinatorFactory(program=program).user
    client.force_login(coordinator)
    url = f"/api/v1/waitlist/{program.slug}/entries"
    waitlist_signup(program=program, email="first@example.org")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["items"]) == 1
    for n in range(30):
        waitlist_signup(program=program, email=f"p{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["items"]) == 31
    assert len(many) == len(few)
