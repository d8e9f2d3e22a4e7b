"""Check-in surveys: questions the coordinator writes, asked once on the program's dates,
answers in aggregate, and free text only where the member allowed it."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core import clock
from tandem.goals import services
from tandem.goals.models import Question, Survey, SurveyInvitation
from tandem.goals.tests.factories import SurveyFactory
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(frozen_clock):
    # frozen_clock is Monday 11 January 2027.
    return ProgramFactory(
        status="running",
        kickoff_on=date(2027, 1, 11),
        midpoint_on=date(2027, 3, 1),
        ends_on=date(2027, 5, 1),
        recap_on=date(2027, 5, 10),
    )


def _questions(program, kind=Survey.Kind.KICKOFF):
    scale = services.question_add(
        program=program, survey_kind=kind, text="How ready do you feel?", kind="scale"
    )
    choice = services.question_add(
        program=program,
        survey_kind=kind,
        text="How do you meet?",
        kind="choice",
        choices=["Video", "In person"],
    )
    text = services.question_add(
        program=program, survey_kind=kind, text="Anything else?", kind="text"
    )
    return scale, choice, text


def test_coordinator_adds_questions_and_errors_keep_the_typing(client, program):
    client.force_login(CoordinatorFactory(program=program).user)
    url = reverse("goals:survey_manage", args=[program.slug])
    ok = client.post(
        url,
        {"survey_kind": "midpoint", "midpoint-text": "Still on track?", "midpoint-kind": "scale"},
    )
    assert ok.status_code == 302
    bad = client.post(
        url,
        {
            "survey_kind": "recap",
            "recap-text": "Favourite part?",
            "recap-kind": "choice",
            "recap-choices": "Only one",
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert str(services.CHOICES_REQUIRED) in page
    assert 'value="Favourite part?"' in page
    assert Question.objects.get().text == "Still on track?"


def test_survey_pages_are_404_for_non_coordinators(client, program):
    client.force_login(MembershipFactory(program=program).user)
    assert client.get(reverse("goals:survey_manage", args=[program.slug])).status_code == 404


def test_members_are_asked_once_on_the_survey_date(
    program, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    _questions(program)
    _questions(program, Survey.Kind.MIDPOINT)
    members = [MembershipFactory(program=program, status="matched") for _ in range(3)]
    CoordinatorFactory(program=program)
    MembershipFactory(program=program, status="left")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_surveys")
    assert len(mailoutbox) == 3
    assert {m.to[0] for m in mailoutbox} == {m.user.email for m in members}
    assert "kick-off survey" in mailoutbox[0].subject
    assert f"/goals/p/{program.slug}/surveys/kickoff/" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_surveys")
        services.survey_invitations_due()
    assert len(mailoutbox) == 3
    assert SurveyInvitation.objects.count() == 3

    # Before the mid-point nothing more; on the mid-point date, the mid-point survey.
    clock.advance(timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invitations_due()
    assert len(mailoutbox) == 3
    clock.advance(timedelta(days=19))  # 1 March 2027
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invitations_due()
        services.survey_invitations_due()
    assert len(mailoutbox) == 6
    assert all("mid-point" in m.subject.lower() for m in mailoutbox[3:])


def test_no_invitation_before_the_date_or_without_questions(program, mailoutbox, immediate_tasks):
    MembershipFactory(program=program, status="matched")
    SurveyFactory(program=program, kind=Survey.Kind.KICKOFF)  # no questions
    _questions(program, Survey.Kind.RECAP)
    assert services.survey_invitations_due() == []


def test_member_answers_once_and_home_stops_asking(client, program):
    scale, choice, text = _questions(program)
    member = MembershipFactory(program=program, status="matched")
    client.force_login(member.user)
    home = reverse("dashboard:member_home", args=[program.slug])
    assert "Answer the kick-off survey" in client.get(home).content.decode()
    url = reverse("goals:survey_answer", args=[program.slug, "kickoff"])

    missing = client.post(url, {f"q{choice.pk}": "Video", f"q{text.pk}": "Great start"})
    assert missing.status_code == 400
    assert "Great start" in missing.content.decode()

    done = client.post(
        url, {f"q{scale.pk}": "4", f"q{choice.pk}": "Video", f"q{text.pk}": "Great start"}
    )
    assert done.status_code == 302
    assert "Answer the kick-off survey" not in client.get(home).content.decode()
    again = client.post(
        url, {f"q{scale.pk}": "5", f"q{choice.pk}": "Video", f"q{text.pk}": "Again"}
    )
    assert again.status_code == 409
    assert str(services.SURVEY_ALREADY_ANSWERED) in again.content.decode()


def test_coordinator_sees_aggregates_and_only_the_free_text_members_allowed(client, program):
    scale, choice, text = _questions(program)
    answers = [
        (5, "Video", "Please share this", True),
        (3, "Video", "Keep this to myself", False),
        (4, "In person", "", False),
    ]
    for score, picked, written, share in answers:
        member = MembershipFactory(program=program, status="matched")
        survey = Survey.objects.get(program=program, kind="kickoff")
        services.survey_answer(
            survey=survey,
            membership=member,
            answers={
                scale.pk: {"value": score},
                choice.pk: {"value": picked},
                text.pk: {"value": written, "share_text": share},
            },
        )
    client.force_login(CoordinatorFactory(program=program).user)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert "3 responses" in page
    assert "3 answers · mean 4.0" in page
    # The counts are the charts' text for screen readers (and browsers without canvas).
    assert "1: 0; 2: 0; 3: 1; 4: 1; 5: 1</canvas>" in page
    assert "Video: 2; In person: 1</canvas>" in page
    assert "Please share this" in page
    assert "Keep this to myself" not in page
    assert "2 answers" in page  # two written answers, one shared


def test_answer_form_share_box_is_off_by_default(client, program):
    _scale, _choice, text = _questions(program)
    client.force_login(MembershipFactory(program=program, status="matched").user)
    page = client.get(reverse("goals:survey_answer", args=[program.slug, "kickoff"])).content
    assert f'name="share{text.pk}"'.encode() in page
    assert b"checked" not in page.split(f'name="share{text.pk}"'.encode())[1].split(b">")[0]
