import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import ApiToken
from tandem.accounts.tests.factories import ApiTokenFactory
from tandem.programs.models import Membership, Profile, Program
from tandem.programs.services import intake as svc
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/profiles"


def put(client, path, body, **extra):
    return client.put(path, json.dumps(body), content_type="application/json", **extra)


def answers(**overrides):
    body = {
        "display_name": "Ana",
        "time_zone": "America/New_York",
        "themes": ["Confidence"],
        "offers": [" Public  Speaking"],
        "wants": ["skiing"],
        "availability": [[0, 1080, 1140], [0, 1140, 1200]],
        "channel": "video",
        "excluded_emails": ["Bo@Example.org"],
        "consent": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def member(client):
    membership = MembershipFactory(status=Membership.Status.INTAKE)
    client.force_login(membership.user)
    return membership


def test_member_replaces_and_reads_their_intake(client, member):
    slug = member.program.slug
    response = put(client, f"{BASE}/{slug}/me", answers())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["offers"] == ["Public Speaking"]
    assert body["availability"] == [[0, 1080, 1200]]
    assert body["excluded_emails"] == ["bo@example.org"]
    assert body["status"] == "ready"
    assert body["read_only_reason"] is None
    assert client.get(f"{BASE}/{slug}/me").json() == body


def test_fields_about_author_program_or_role_are_ignored(client, member):
    other = ProgramFactory()
    body = answers(
        program=other.slug, role="coordinator", membership_id=999, author=1, status="matched"
    )
    assert put(client, f"{BASE}/{member.program.slug}/me", body).status_code == 200
    member.refresh_from_db()
    assert (member.role, member.status) == ("member", "ready")
    assert Profile.objects.get().membership == member


def test_invalid_answers_get_400_with_every_field_to_fix(client, member):
    body = answers(time_zone="Nowhere/Land", channel="in person", themes=list("abcdef"))
    response = put(client, f"{BASE}/{member.program.slug}/me", body)
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["city"] == svc.MSG_CITY_REQUIRED
    assert errors["themes"] == svc.MSG_TOO_MANY_THEMES.format(count=6, limit=5)
    assert "Unknown time zone 'Nowhere/Land'" in errors["time_zone"]
    assert not Profile.objects.exists()


def test_replacing_after_matching_is_a_conflict(client, member):
    ProfileFactory(membership=member)
    Membership.objects.filter(pk=member.pk).update(status=Membership.Status.MATCHED)
    response = put(client, f"{BASE}/{member.program.slug}/me", answers())
    assert response.status_code == 409
    assert response.json()["detail"] == svc.MSG_READ_ONLY_MATCHED


def test_reading_before_filling_says_so(client, member):
    response = client.get(f"{BASE}/{member.program.slug}/me")
    assert response.status_code == 404
    assert response.json()["detail"] == "You have not filled in the intake for this program yet."


def test_member_of_another_program_gets_404(client, member):
    other = ProgramFactory()
    ProfileFactory(membership__program=other)
    assert client.get(f"{BASE}/{other.slug}/me").status_code == 404
    assert put(client, f"{BASE}/{other.slug}/me", answers()).status_code == 404


def test_member_cannot_read_another_members_profile_or_the_list(client, member):
    neighbour = ProfileFactory(membership__program=member.program)
    slug = member.program.slug
    assert client.get(f"{BASE}/{slug}/{neighbour.membership_id}").status_code == 404
    assert client.get(f"{BASE}/{slug}/{neighbour.membership_id + 1000}").status_code == 404
    assert client.get(f"{BASE}/{slug}").status_code == 404


def test_anonymous_gets_401(client):
    profile = ProfileFactory()
    slug = profile.membership.program.slug
    assert client.get(f"{BASE}/{slug}/me").status_code == 401
    assert put(client, f"{BASE}/{slug}/me", answers()).status_code == 401
    assert client.get(f"{BASE}/{slug}/{profile.membership_id}").status_code == 401


def test_coordinator_reads_a_members_profile_with_a_token(client):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program)
    profile = ProfileFactory(membership__program=program, offers=["Spanish"])
    raw, token_hash = ApiToken.generate()
    ApiTokenFactory(user=coordinator.user, label="t", token_hash=token_hash, hint=raw[:8])
    response = client.get(
        f"{BASE}/{program.slug}/{profile.membership_id}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert response.json()["offers"] == ["Spanish"]
    assert response.json()["email"] == profile.membership.user.email


def test_coordinator_of_another_program_gets_404(client):
    profile = ProfileFactory()
    elsewhere = CoordinatorFactory()
    client.force_login(elsewhere.user)
    slug = profile.membership.program.slug
    assert client.get(f"{BASE}/{slug}/{profile.membership_id}").status_code == 404
    assert client.get(f"{BASE}/{elsewhere.program.slug}/{profile.membership_id}").status_code == 404


def _get_counting(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def test_profile_list_query_count_does_not_grow_with_members(client):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    for _ in range(2):
        ProfileFactory(membership__program=program, offers=["A"], wants=["B"], themes=["C"])
    small, small_count = _get_counting(client, f"{BASE}/{program.slug}")
    for _ in range(6):
        ProfileFactory(membership__program=program, offers=["A", "D"], wants=["B"], themes=["C"])
    large, large_count = _get_counting(client, f"{BASE}/{program.slug}")
    assert (len(small.json()), len(large.json())) == (2, 8)
    assert large_count == small_count


def test_profile_detail_query_count_does_not_grow_with_tags(client):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    few = ProfileFactory(membership__program=program, offers=["A"])
    many = ProfileFactory(
        membership__program=program, offers=list("ABCDEFG"), wants=list("HIJK"), themes=list("LMN")
    )
    _, few_count = _get_counting(client, f"{BASE}/{program.slug}/{few.membership_id}")
    _, many_count = _get_counting(client, f"{BASE}/{program.slug}/{many.membership_id}")
    assert many_count == few_count


def test_list_leaves_out_members_who_left_and_coordinators(client):
    program = ProgramFactory(status=Program.Status.INTAKE_OPEN)
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    ProfileFactory(membership__program=program, display_name="Stays")
    ProfileFactory(
        membership__program=program, membership__status=Membership.Status.LEFT, display_name="Gone"
    )
    names = [p["display_name"] for p in client.get(f"{BASE}/{program.slug}").json()]
    assert names == ["Stays"]
