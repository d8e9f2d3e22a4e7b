"""The goals and dashboard API: same permissions as the pages, constant queries on lists."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core import clock
from tandem.dashboard.tests.builders import member_of, program_populate
from tandem.goals import services
from tandem.goals.models import Goal
from tandem.goals.tests.factories import QuestionFactory, SurveyFactory
from tandem.meetings.services import meeting_mark
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.partnerships.models import PartnershipMember
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(frozen_clock):
    return partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")])


def test_goal_journey_through_the_api(client, pair):
    partnership, (ana, ben) = pair
    client.force_login(ana.membership.user)
    created = client.post(
        f"/api/v1/goals/partnerships/{partnership.pk}",
        {"title": "Give a talk", "due_on": str(clock.today() + timedelta(days=20))},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    goal_id = created.json()["id"]
    step = client.post(
        f"/api/v1/goals/{goal_id}/steps", {"title": "Write slides"}, content_type="application/json"
    ).json()
    assert client.post(f"/api/v1/goals/{goal_id}/steps/{step['id']}/done").status_code == 200
    progress = client.post(
        f"/api/v1/goals/{goal_id}/progress",
        {"text": "Rehearsed once", "percent": 120},
        content_type="application/json",
    )
    assert progress.status_code == 400
    assert progress.json()["detail"] == services.PERCENT_RANGE

    client.force_login(ben.membership.user)
    assert client.post(f"/api/v1/goals/{goal_id}/nudge").status_code == 201
    again = client.post(f"/api/v1/goals/{goal_id}/nudge")
    assert again.status_code == 409
    assert "one nudge a week per goal" in again.json()["detail"]
    comment = client.post(
        f"/api/v1/goals/{goal_id}/comments", {"body": "Go!"}, content_type="application/json"
    )
    assert comment.status_code == 201
    assert comment.json()["author"] == "Ben"

    client.force_login(ana.membership.user)
    done = client.post(f"/api/v1/goals/{goal_id}/complete").json()
    assert done["percent"] == 100
    assert done["completed_at"] is not None
    assert done["incentive_earned"] == ""


def test_goal_api_answers_404_to_others(client, pair):
    partnership, (ana, ben) = pair
    private = services.goal_create(seat=ana, title="Mine alone", visibility=Goal.Visibility.PRIVATE)
    coordinator = CoordinatorFactory(program=partnership.program).user
    client.force_login(ben.membership.user)
    assert client.get(f"/api/v1/goals/{private.pk}").status_code == 404
    assert [
        g["title"] for g in client.get(f"/api/v1/goals/partnerships/{partnership.pk}").json()
    ] == []
    client.force_login(coordinator)
    assert client.get(f"/api/v1/goals/partnerships/{partnership.pk}").status_code == 404
    assert client.get(f"/api/v1/goals/{private.pk}").status_code == 404
    assert client.get(f"/api/v1/dashboard/{partnership.program.slug}/me").status_code == 404
    client.force_login(ana.membership.user)
    assert client.get(f"/api/v1/dashboard/{partnership.program.slug}").status_code == 404
    assert (
        client.get(f"/api/v1/goals/programs/{partnership.program.slug}/survey-results").status_code
        == 404
    )


def test_pulse_and_survey_through_the_api(client, pair):
    partnership, (ana, ben) = pair
    program = partnership.program
    program.kickoff_on = clock.today()
    program.save()
    question = services.question_add(
        program=program, survey_kind="kickoff", text="Ready?", kind="scale"
    )
    text = services.question_add(program=program, survey_kind="kickoff", text="Tell", kind="text")
    at = clock.now() - timedelta(hours=1)
    meeting = MeetingFactory(
        partnership=partnership,
        original_start=at,
        starts_at=at,
        duration_minutes=60,
        time_zone="UTC",
    )
    meeting_mark(meeting=meeting, seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk])
    client.force_login(ana.membership.user)

    home = client.get(f"/api/v1/dashboard/{program.slug}/me").json()
    assert home["partners"] == ["Ben"]
    assert home["pulses_waiting"] == [meeting.pk]
    assert home["surveys_waiting"] == ["kickoff"]
    assert (
        client.get(f"/api/v1/goals/programs/{program.slug}/pulses").json()[0]["meeting_id"]
        == meeting.pk
    )
    rated = client.post(
        "/api/v1/goals/pulses",
        {"meeting_id": meeting.pk, "score": 5},
        content_type="application/json",
    )
    assert rated.status_code == 201
    assert (
        client.get(f"/api/v1/goals/programs/{program.slug}/surveys/kickoff").json()["questions"][0][
            "text"
        ]
        == "Ready?"
    )
    answered = client.post(
        f"/api/v1/goals/programs/{program.slug}/surveys/kickoff/answers",
        {
            "answers": [
                {"question_id": question.pk, "value": 4},
                {"question_id": text.pk, "value": "private words"},
            ]
        },
        content_type="application/json",
    )
    assert answered.status_code == 201, answered.content

    client.force_login(CoordinatorFactory(program=program).user)
    results = client.get(f"/api/v1/goals/programs/{program.slug}/survey-results").json()
    assert results[0]["questions"][0]["mean"] == 4.0
    assert results[0]["questions"][1]["shared_texts"] == []
    assert "private words" not in str(results)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_list_endpoints_cost_the_same_queries_for_100_and_1000_members(client, frozen_clock):
    counts = []
    for size in (100, 1000):
        program = ProgramFactory(status="running", kickoff_on=clock.today())
        coordinator = CoordinatorFactory(program=program).user
        partnerships = program_populate(program, members=size, prefix=f"s{size}-")
        survey = SurveyFactory(program=program, kind="kickoff")
        QuestionFactory(survey=survey, text="Ready?", kind="scale")
        QuestionFactory(survey=survey, text="Tell", kind="text")
        member = member_of(program)
        seat = PartnershipMember.objects.get(membership=member)
        for i in range(3):
            services.goal_create(seat=seat, title=f"Extra {i}")
        assert seat.partnership in partnerships
        client.force_login(member.user)
        member_urls = [
            f"/api/v1/goals/partnerships/{seat.partnership_id}",
            f"/api/v1/goals/programs/{program.slug}/pulses",
            f"/api/v1/dashboard/{program.slug}/me",
        ]
        row = [_queries(client, url) for url in member_urls]
        client.force_login(coordinator)
        coordinator_urls = [
            f"/api/v1/dashboard/{program.slug}",
            f"/api/v1/dashboard/{program.slug}/stalled",
            f"/api/v1/goals/programs/{program.slug}/survey-results",
        ]
        row += [_queries(client, url) for url in coordinator_urls]
        counts.append(row)
    assert counts[0] == counts[1]


def test_member_of_another_program_gets_404_on_program_endpoints(client, frozen_clock):
    program = ProgramFactory(status="running")
    client.force_login(MembershipFactory(program=ProgramFactory()).user)
    assert client.get(f"/api/v1/dashboard/{program.slug}/me").status_code == 404
    assert client.get(f"/api/v1/goals/programs/{program.slug}/pulses").status_code == 404
