"""Pause, resume, end and asking for a new match through the API; partners only."""

import pytest

from tandem.partnerships.models import Partnership, RematchRequest
from tandem.partnerships.tests.builders import ROLES, outsiders
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/partnerships"


@pytest.fixture
def program():
    return ProgramFactory()


def test_pause_resume_rematch_and_end(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    url = f"{API}/{partnership.pk}"
    assert client.post(
        f"{url}/pause", {"reason": "exams"}, content_type="application/json"
    ).json() == {
        "id": partnership.pk,
        "status": "paused",
    }
    again = client.post(f"{url}/pause", {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"] == "The partnership is already paused."
    assert client.post(f"{url}/resume").json()["status"] == "active"
    assert client.post(f"{url}/rematch").status_code == 201
    assert client.post(f"{url}/rematch").status_code == 409
    bad = client.post(f"{url}/end", {"end_reason": "bored"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["detail"] == "Choose why the partnership ends."
    ended = client.post(
        f"{url}/end",
        {"end_reason": "goals_reached", "feedback": "Thanks!"},
        content_type="application/json",
    )
    assert ended.json()["status"] == "ended"
    assert client.post(f"{url}/pause", {}, content_type="application/json").status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_change_a_partnership_in_the_api(client, pair, program, role):
    partnership, _ = pair
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    # Strangers get the 404 a missing partnership gets; no credentials at all get 401.
    expected = 404 if user is not None else 401
    url = f"{API}/{partnership.pk}"
    assert client.post(f"{url}/pause", {}, content_type="application/json").status_code == expected
    assert client.post(f"{url}/resume").status_code == expected
    assert client.post(f"{url}/rematch").status_code == expected
    end = client.post(f"{url}/end", {"end_reason": "other"}, content_type="application/json")
    assert end.status_code == expected
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    assert not RematchRequest.objects.exists()
