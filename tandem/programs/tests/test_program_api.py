from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import ApiToken
from tandem.accounts.tests.factories import ApiTokenFactory
from tandem.programs.models import Membership, Program
from tandem.programs.services.documents import document_create
from tandem.programs.services.program import BOTH_GAIN_UNKNOWN
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs"


@pytest.fixture
def program():
    return ProgramFactory(slug="spanish", name="Spanish for skiers", status=Program.Status.DRAFT)


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def member(program):
    return MembershipFactory(program=program).user


def token_for(user) -> str:
    raw, digest = ApiToken.generate()
    ApiTokenFactory(user=user, label="test", token_hash=digest, hint=raw[:8])
    return raw


def test_create_with_a_token_makes_the_caller_coordinator(client):
    user = UserFactory()
    response = client.post(
        f"{BASE}/",
        {"name": "Book club", "audience": "Readers", "id": 12345},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(user)}"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["role"], body["status"]) == ("book-club", "coordinator", "draft")
    program = Program.objects.get(slug="book-club")
    assert program.pk != 12345
    assert Membership.objects.get(program=program).user == user


def test_create_without_authentication_is_refused(client):
    response = client.post(f"{BASE}/", {"name": "X"}, content_type="application/json")
    assert response.status_code == 401
    assert not Program.objects.exists()


def test_get_is_for_members_and_coordinators_only(client, program, coordinator, member):
    assert client.get(f"{BASE}/spanish").status_code == 401
    client.force_login(CoordinatorFactory().user)
    assert client.get(f"{BASE}/spanish").status_code == 404
    client.force_login(member)
    response = client.get(f"{BASE}/spanish")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["role"]) == ("Spanish for skiers", "member")


def test_patch_changes_only_the_fields_sent_and_ignores_the_id(client, program, coordinator):
    client.force_login(coordinator)
    response = client.patch(
        f"{BASE}/spanish",
        {"id": 999, "cadence_weeks": 4, "kickoff_on": "2027-02-01", "status": "waitlist"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["cadence_weeks"], body["kickoff_on"], body["status"]) == (
        4,
        "2027-02-01",
        "waitlist",
    )
    program.refresh_from_db()
    assert (program.pk, program.name, program.kickoff_on) == (
        program.pk,
        "Spanish for skiers",
        date(2027, 2, 1),
    )
    assert not Program.objects.filter(pk=999).exists()


def test_patch_uses_the_same_rules_and_messages_as_the_page(client, program, coordinator):
    client.force_login(coordinator)
    response = client.patch(
        f"{BASE}/spanish",
        {"kickoff_on": "2027-03-01", "ends_on": "2027-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The end must be on or after the kick-off (1 March 2027)."
    assert response.json()["field"] == "ends_on"


def test_closed_program_cannot_be_reopened_through_the_api(client, coordinator, program):
    program.status = Program.Status.CLOSED
    program.save()
    client.force_login(coordinator)
    response = client.patch(
        f"{BASE}/spanish", {"status": "running"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "This program is closed, and a closed program cannot be reopened."
    )


def test_member_cannot_patch(client, program, member):
    client.force_login(member)
    response = client.patch(
        f"{BASE}/spanish", {"name": "Mine now"}, content_type="application/json"
    )
    assert response.status_code == 404
    program.refresh_from_db()
    assert program.name == "Spanish for skiers"


def test_resources_and_documents_are_listed_for_members_only(client, program, member):
    ResourceFactory(program=program, name="EAP", contact="0800", when_to_use="Money")
    document_create(program=program, title="Welcome", body="# Hi")
    document_create(
        program=program,
        title="Sheet",
        kind="worksheet",
        file=SimpleUploadedFile("s.pdf", b"%PDF-1"),
    )
    client.force_login(member)
    resources = client.get(f"{BASE}/spanish/resources").json()
    assert [r["name"] for r in resources] == ["EAP"]
    documents = client.get(f"{BASE}/spanish/documents").json()
    assert [(d["title"], d["body"]) for d in documents] == [("Welcome", "# Hi"), ("Sheet", "")]
    assert documents[0]["file_url"] is None
    assert documents[1]["file_url"].endswith(f"/p/spanish/documents/{documents[1]['id']}/file/")

    client.force_login(CoordinatorFactory().user)
    assert client.get(f"{BASE}/spanish/resources").status_code == 404
    assert client.get(f"{BASE}/spanish/documents").status_code == 404


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_query_counts_do_not_grow(client, program, member):
    client.force_login(member)
    urls = [f"{BASE}/", f"{BASE}/spanish/resources", f"{BASE}/spanish/documents"]
    ResourceFactory(program=program, name="R", contact="c", when_to_use="w")
    document_create(program=program, title="D", body="x")
    few = [_count(client, url) for url in urls]
    for i in range(5):
        MembershipFactory(user=member)
        ResourceFactory(program=program, name=f"R{i}", contact="c", when_to_use="w")
        document_create(program=program, title=f"D{i}", body="x")
    assert [_count(client, url) for url in urls] == few


def test_both_gain_is_read_and_changed_through_the_api(client, program, coordinator):
    client.force_login(coordinator)
    assert client.get(f"{BASE}/spanish").json()["both_gain"] == "skill_swap"
    response = client.patch(
        f"{BASE}/spanish", {"both_gain": "shared_goals"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["both_gain"] == "shared_goals"
    program.refresh_from_db()
    assert program.both_gain == "shared_goals"
    refused = client.patch(
        f"{BASE}/spanish", {"both_gain": "kindness"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == BOTH_GAIN_UNKNOWN
    assert refused.json()["field"] == "both_gain"
