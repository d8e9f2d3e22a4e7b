"""The exit survey and the closing choices through the API: the partner's own, partners only."""

import pytest

from tandem.partnerships.models import ExitSurvey
from tandem.partnerships.services.closing import MSG_SURVEY_ONCE
from tandem.partnerships.services.life import partnership_end
from tandem.partnerships.tests.builders import ROLES, outsiders
from tandem.programs.models import Invitation, Program
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/partnerships"
JSON = "application/json"


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def ended(pair):
    partnership, people = pair
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="no_time")
    return partnership, people


def test_survey_once_and_contacts_once_both_chose_to_stay_in_touch(client, ended):
    partnership, people = ended
    url = f"{API}/{partnership.pk}/closing"
    client.force_login(people["Ana"].user)
    answer = {"usefulness": 3, "what_worked": "Calls", "would_take_part_again": False}
    created = client.post(f"{url}/survey", answer, content_type=JSON)
    assert created.status_code == 201 and created.json()["usefulness"] == 3
    again = client.post(f"{url}/survey", answer, content_type=JSON)
    assert (again.status_code, again.json()["detail"]) == (409, MSG_SURVEY_ONCE)
    bad = client.post(f"{url}/survey", {**answer, "usefulness": 6}, content_type=JSON)
    assert bad.status_code in (400, 409)
    choice = {"stay_in_touch": True, "alumni_listed": False}
    assert client.put(f"{url}/choice", choice, content_type=JSON).json() == choice
    mine = client.get(url).json()
    assert mine["survey"]["what_worked"] == "Calls"
    assert mine["partners"] == [{"name": "Ben", "email": ""}] and not mine["in_touch"]
    client.force_login(people["Ben"].user)
    assert client.get(url).json()["survey"] is None  # Ana's answers are hers
    client.put(f"{url}/choice", choice, content_type=JSON)
    assert client.get(url).json()["partners"] == [{"name": "Ana", "email": "ana@example.org"}]


def test_survey_before_the_end_is_a_conflict(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    answer = {"usefulness": 3, "would_take_part_again": True}
    url = f"{API}/{partnership.pk}/closing/survey"
    assert client.post(url, answer, content_type=JSON).status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_reach_the_closing_in_the_api(client, ended, program, role):
    partnership, _ = ended
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    url = f"{API}/{partnership.pk}/closing"
    expected = 401 if user is None else 404
    answer = {"usefulness": 3, "would_take_part_again": True}
    assert client.get(url).status_code == expected
    assert client.post(f"{url}/survey", answer, content_type=JSON).status_code == expected
    choice = {"stay_in_touch": True, "alumni_listed": True}
    assert client.put(f"{url}/choice", choice, content_type=JSON).status_code == expected
    assert client.post(f"{url}/next-cohort").status_code == expected
    assert not ExitSurvey.objects.exists()


def test_joining_the_next_cohort_in_the_api(client, ended):
    partnership, people = ended
    client.force_login(people["Ana"].user)
    url = f"{API}/{partnership.pk}/closing/next-cohort"
    assert client.post(url).status_code == 409  # no next cohort yet
    cohort = ProgramFactory(slug="next-one", status="intake_open")
    Program.objects.filter(pk=cohort.pk).update(previous_cohort=partnership.program)
    joined = client.post(url)
    assert joined.json()["program"] == "next-one"
    assert Invitation.objects.filter(program=cohort, email="ana@example.org").exists()
    assert client.get(f"{API}/{partnership.pk}/closing").json()["next_cohort"] is None  # asked
