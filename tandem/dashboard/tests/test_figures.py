"""Dashboard figures against a seeded program whose answers are known, and stalled nudges."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.dashboard import selectors, services
from tandem.dashboard.models import StalledNudge
from tandem.goals.models import Goal
from tandem.goals.tests.factories import (
    AnswerFactory,
    GoalFactory,
    PulseFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)
from tandem.meetings.tests.factories import (
    CommitmentFactory,
    MeetingFactory,
    NoteFactory,
    TurnFactory,
    partnership_make,
)
from tandem.partnerships.models import AgreementVersion, Partnership
from tandem.partnerships.tests.factories import (
    AgreementFactory,
    AgreementVersionFactory,
    PartnershipFactory,
)
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
)
from tandem.support.tests.factories import HelpFlagFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def _meeting(partnership, at, status, turns=()):
    meeting = MeetingFactory(
        partnership=partnership,
        original_start=at,
        starts_at=at,
        duration_minutes=60,
        time_zone="UTC",
        status=status,
    )
    start = at
    for position, (seat, minutes) in enumerate(turns):
        TurnFactory(
            meeting=meeting,
            seat=seat,
            position=position,
            planned_seconds=1800,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
        )
        start += timedelta(minutes=minutes)
    return meeting


@pytest.fixture
def seeded(frozen_clock):
    """Three pairs and three unmatched members in a program that meets every two weeks.

    - Ana & Ben held a meeting a week ago (30/30 minutes: even), missed one two weeks ago,
      cancelled one, and have one booked next week.
    - Cleo & Dan last met six weeks ago (40/20: one-sided): stalled.
    - Eve & Finn agreed to meet every four weeks and last met four weeks ago (34/26: leaning).
    """
    program = ProgramFactory(status="running", cadence_weeks=2, name="Health check")
    coordinator = CoordinatorFactory(program=program).user
    ab, (ana, ben) = partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")], program=program)
    cd, (cleo, dan) = partnership_make(people=[("Cleo", "UTC"), ("Dan", "UTC")], program=program)
    ef, (eve, finn) = partnership_make(people=[("Eve", "UTC"), ("Finn", "UTC")], program=program)
    Partnership.objects.filter(pk__in=[ab.pk, cd.pk, ef.pk]).update(
        started_at=NOW - timedelta(weeks=12)
    )
    PartnershipFactory(
        program=program, status="ended", started_at=NOW - timedelta(weeks=20), ended_at=NOW
    )
    # Ready for matching: intake submitted with consent (the factory's profile).
    ProfileFactory(membership=MembershipFactory(program=program, status="ready"))
    ProfileFactory(membership=MembershipFactory(program=program, status="ready"))
    MembershipFactory(program=program, status="intake")
    agreement = AgreementFactory(partnership=ef)
    AgreementVersionFactory(
        agreement=agreement, number=1, cadence_weeks=4, meeting_minutes=60, agreed_at=NOW
    )

    held_ab = _meeting(ab, NOW - timedelta(weeks=1), "held", [(ana, 30), (ben, 30)])
    _meeting(ab, NOW - timedelta(weeks=2), "missed")
    _meeting(ab, NOW - timedelta(days=3), "cancelled")
    _meeting(ab, NOW + timedelta(weeks=1), "scheduled")
    held_cd = _meeting(cd, NOW - timedelta(weeks=6), "held", [(cleo, 40), (dan, 20)])
    held_ef = _meeting(ef, NOW - timedelta(weeks=4), "held", [(eve, 34), (finn, 26)])

    for seat, done in ((ana, True), (ben, False), (cleo, True), (eve, False)):
        GoalFactory(
            partnership=seat.partnership,
            owner=seat.membership,
            title="g",
            completed_at=NOW if done else None,
        )
    PulseFactory(meeting=held_ab, membership=ana.membership, score=5)
    PulseFactory(meeting=held_ab, membership=ben.membership, score=4)
    PulseFactory(meeting=held_ef, membership=eve.membership, score=4)
    assert held_cd.pk

    survey = SurveyFactory(program=program, kind="kickoff")
    question = QuestionFactory(survey=survey, text="How ready are you?", kind="scale")
    for seat, score in ((ana, 5), (cleo, 3)):
        response = SurveyResponseFactory(survey=survey, membership=seat.membership)
        AnswerFactory(response=response, question=question, scale=score)
    HelpFlagFactory(program=program, membership=dan.membership, kind="hr")
    return program, coordinator, {"ab": ab, "cd": cd, "ef": ef}


def test_figures_of_the_seeded_program(seeded):
    program, _coordinator, pairs = seeded

    figures = selectors.program_figures(program=program)

    assert figures.members_total == 9
    assert figures.members_by_status["Matched"] == 6
    assert figures.members_by_status["Ready for matching"] == 2
    assert figures.members_by_status["Intake to finish"] == 1
    assert figures.partnerships_by_status == {"Active": 3, "Paused": 0, "Ended": 1}
    assert [row.partnership.pk for row in figures.stalled] == [pairs["cd"].pk]
    assert figures.stalled[0].partner_names == ["Cleo", "Dan"]
    assert figures.stalled[0].cadence_weeks == 2
    assert (figures.meetings_planned, figures.meetings_held, figures.meetings_missed) == (4, 3, 1)
    assert figures.meetings_upcoming == 1
    assert figures.balance_bands == {
        "Not timed yet": 0,
        "Even (up to 55/45)": 1,
        "Leaning (up to 65/35)": 1,
        "One-sided": 1,
    }
    assert (figures.goals_set, figures.goals_completed) == (4, 2)
    assert figures.pulse.answered == 3
    assert figures.pulse.mean == 4.33
    assert figures.pulse.counts == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    [kickoff] = figures.surveys
    assert kickoff.responses == 2
    assert kickoff.questions[0].mean == 4.0
    assert kickoff.questions[0].counts == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert figures.help_flags_total == 1


def test_agreed_cadence_decides_when_a_partnership_stalls(seeded):
    program, _coordinator, pairs = seeded
    later = NOW + timedelta(weeks=4, days=1)  # Eve & Finn: 8 weeks + 1 day since their meeting
    stalled = selectors.partnership_list_stalled(program=program, now=later)
    assert {row.partnership.pk for row in stalled} == {
        pairs["ab"].pk,
        pairs["cd"].pk,
        pairs["ef"].pk,
    }
    assert [r.cadence_weeks for r in stalled if r.partnership.pk == pairs["ef"].pk] == [4]
    earlier = NOW + timedelta(weeks=3)
    assert pairs["ef"].pk not in {
        r.partnership.pk for r in selectors.partnership_list_stalled(program=program, now=earlier)
    }


def test_dashboard_page_api_and_export_show_the_same_figures(client, seeded):
    program, coordinator, _pairs = seeded
    client.force_login(coordinator)

    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert '<p class="figure-value" id="figure-members">9</p>' in page
    assert '<p class="figure-value" id="figure-meetings">3 / 4</p>' in page
    assert '<p class="figure-value" id="figure-goals">2 / 4</p>' in page
    assert '<p class="figure-value" id="figure-stalled">1</p>' in page
    assert 'id="dashboard-charts"' in page

    api = client.get(f"/api/v1/dashboard/{program.slug}").json()
    assert api["members_total"] == 9
    assert api["stalled"] == 1
    assert api["pulse_mean"] == 4.33
    assert api["balance_bands"]["One-sided"] == 1

    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/dashboard/{program.slug}/export.csv").content.decode())
        )
    )
    assert ["Meetings", "Held", "3"] in rows
    assert ["Meetings", "Planned so far", "4"] in rows
    assert ["Goals", "Completed", "2"] in rows
    assert ["Partnerships", "Stalled", "1"] in rows
    assert ["Kick-off survey", "How ready are you?: mean (1-5)", "4.0"] in rows


def test_dashboard_never_shows_notes_messages_agreements_or_meeting_content(client, seeded):

    program, coordinator, pairs = seeded
    meeting = pairs["ab"].meetings.filter(status="held").first()
    seat = pairs["ab"].seats.first()
    NoteFactory(meeting=meeting, author=seat, body="SECRET-NOTE", visibility="shared")
    CommitmentFactory(meeting=meeting, seat=seat, text="SECRET-COMMITMENT")
    version = AgreementVersion.objects.get(agreement__partnership=pairs["ef"])
    version.incentive = "SECRET-INCENTIVE"
    version.where = "SECRET-PLACE"
    version.save()
    Goal.objects.filter(partnership__program=program).update(title="SECRET-GOAL", why="SECRET-WHY")
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    export = client.get(reverse("dashboard:export", args=[program.slug])).content.decode()
    api = client.get(f"/api/v1/dashboard/{program.slug}").content.decode()
    for text in (page, export, api):
        assert "SECRET" not in text


def test_stalled_partnerships_are_nudged_in_one_click_at_most_once_a_week(
    client, seeded, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    program, coordinator, pairs = seeded
    client.force_login(coordinator)
    url = reverse("dashboard:nudge_stalled", args=[program.slug])

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).content.decode()
    assert "Nudged 1 stalled partnership: the partners get an email." in page
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        s.membership.user.email for s in pairs["cd"].seats.all()
    )
    assert "time to meet again?" in mailoutbox[0].subject

    clock.advance(timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, follow=True).content.decode()
    assert services.ALL_NUDGED in page
    assert len(mailoutbox) == 2

    clock.advance(timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.stalled_nudge_send(program=program, user=coordinator)
    assert (result.sent, result.skipped) == (1, 0)
    assert StalledNudge.objects.count() == 2
    assert len(mailoutbox) == 4
