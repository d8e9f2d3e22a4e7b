"""Ground rules through the API: propose, edit, accept, 409 on a stale version, partners only."""

import pytest

from tandem.partnerships.models import AgreementAcceptance, AgreementVersion
from tandem.partnerships.tests.builders import ROLES, outsiders
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/partnerships"


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers")


def body(partnership, **changes):
    ana = partnership.seats.get(membership__profile__display_name="Ana")
    data = {
        "base_version": None,
        "cadence_weeks": 2,
        "meeting_minutes": 60,
        "channel": "video",
        "where": "https://meet.example.org/x",
        "goals": [{"partner": ana.pk, "text": "Talk in Spanish", "deadline": "2027-04-01"}],
        "incentive": "Paella",
    }
    return {**data, **changes}


def test_propose_edit_and_accept_until_agreed(client, pair):
    partnership, people = pair
    url = f"{API}/{partnership.pk}/agreement"
    client.force_login(people["Ana"].user)
    created = client.post(url, body(partnership), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["current"]["number"] == 1
    assert created.json()["current"]["goals"][0]["text"] == "Talk in Spanish"

    client.force_login(people["Ben"].user)
    edited = client.post(
        url, body(partnership, base_version=1, meeting_minutes=90), content_type="application/json"
    )
    assert edited.json()["history"][0]["changes"] == ["how long"]
    stale = client.post(
        url, body(partnership, base_version=1, incentive="x"), content_type="application/json"
    )
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]

    old = client.post(
        f"{url}/accept", {"version": 1, "confidentiality": True}, content_type="application/json"
    )
    assert old.status_code == 409
    no_promise = client.post(
        f"{url}/accept", {"version": 2, "confidentiality": False}, content_type="application/json"
    )
    assert no_promise.status_code == 400
    assert (
        no_promise.json()["detail"]
        == "Tick the confidentiality promise to accept the ground rules."
    )
    for who in ("Ben", "Ana"):
        client.force_login(people[who].user)
        response = client.post(
            f"{url}/accept",
            {"version": 2, "confidentiality": True},
            content_type="application/json",
        )
        assert response.status_code == 200
    assert response.json()["agreed"] is True
    assert client.get(url).json()["acceptances"][0]["accepted_at"] is not None


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_reach_the_ground_rules_in_the_api(client, pair, program, role):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    client.post(
        f"{API}/{partnership.pk}/agreement", body(partnership), content_type="application/json"
    )
    client.logout()
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    # Strangers get the 404 a missing partnership gets; no credentials at all get 401.
    expected = 404 if user is not None else 401
    url = f"{API}/{partnership.pk}/agreement"
    assert client.get(url).status_code == expected
    edit = client.post(
        url, body(partnership, base_version=1, cadence_weeks=5), content_type="application/json"
    )
    assert edit.status_code == expected
    accept = client.post(
        f"{url}/accept", {"version": 1, "confidentiality": True}, content_type="application/json"
    )
    assert accept.status_code == expected
    assert AgreementVersion.objects.count() == 1
    assert AgreementAcceptance.objects.count() == 0
