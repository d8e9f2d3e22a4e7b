"""Outcomes a program can show: outcome measures asked at kick-off and recap, compared before
and after; partnerships that kept going and early endings by reason; cohorts compared; and an
evaluation export that withholds every group under five."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from tandem.cohorts.services import program_copy
from tandem.core.errors import Conflict
from tandem.core.models import AuditEvent
from tandem.dashboard.selectors_outcomes import outcomes_by_cohort
from tandem.dashboard.tests.builders import program_populate
from tandem.goals import services
from tandem.goals.models import Measure, Question, Survey
from tandem.partnerships.models import Partnership, PartnershipEvent
from tandem.partnerships.services.coordinator import partnership_end_by_coordinator
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

Reason = PartnershipEvent.EndReason


@pytest.fixture
def program(frozen_clock):
    return ProgramFactory(
        status="running",
        kickoff_on=date(2027, 1, 11),
        ends_on=date(2027, 5, 1),
        recap_on=date(2027, 5, 10),
    )


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


def _answer(program, kind, scores):
    """Each (member, score) answers the program's ``kind`` survey: the measure's score."""
    survey = Survey.objects.get(program=program, kind=kind)
    questions = list(survey.questions.all())
    for member, score in scores:
        services.survey_answer(
            survey=survey,
            membership=member,
            answers={q.pk: {"value": score} for q in questions},
        )


def _end(partnership, *, by, reason):
    """Its coordinator ends ``partnership`` for ``reason``, as the partnerships page does."""
    partnership_end_by_coordinator(
        program=partnership.program,
        partnership_id=partnership.pk,
        actor=by,
        end_reason=reason,
        reason="Recorded for the test",
    )


def _members(program):
    return list(
        Membership.objects.filter(program=program, role=Membership.Role.MEMBER).order_by("pk")
    )


def test_a_measure_is_one_scale_question_at_kickoff_and_recap_kept_together(program, coordinator):
    measure = services.measure_add(
        program=program, text="How confident am I about my goal?", actor=coordinator
    )
    questions = Question.objects.filter(measure=measure)
    assert sorted(q.survey.kind for q in questions) == ["kickoff", "recap"]
    assert {q.kind for q in questions} == {"scale"}

    # Editing either question rewords both; it cannot become another kind.
    kickoff = questions.get(survey__kind="kickoff")
    services.question_update(question=kickoff, text="How sure am I?", kind="scale")
    assert set(Question.objects.filter(measure=measure).values_list("text", flat=True)) == {
        "How sure am I?"
    }
    with pytest.raises(Conflict) as refused:
        services.question_update(question=kickoff, text="How sure am I?", kind="text")
    assert refused.value.message == services.MEASURE_IS_SCALE

    # Once someone answered, it stays; removing the other question is refused too.
    _answer(program, "kickoff", [(MembershipFactory(program=program), 4)])
    recap = Question.objects.get(measure=measure, survey__kind="recap")
    with pytest.raises(Conflict) as kept:
        services.question_delete(question=recap)
    assert kept.value.message == services.MEASURE_HAS_ANSWERS
    assert Question.objects.filter(measure=measure).count() == 2
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.PROGRAM_CHANGED, program=program).count()
        == 2
    )  # added, reworded


def test_removing_an_unanswered_measure_removes_both_questions(program):
    measure = services.measure_add(program=program, text="Sense of belonging")
    services.question_delete(question=measure.questions.get(survey__kind="recap"))
    assert not Measure.objects.exists()
    assert not Question.objects.exists()


def test_coordinator_adds_a_measure_on_the_surveys_page(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("goals:survey_manage", args=[program.slug])
    empty = client.post(url, {"survey_kind": "measure", "measure-text": "  "})
    assert empty.status_code == 400
    assert not Measure.objects.exists()
    done = client.post(url, {"survey_kind": "measure", "measure-text": "Sense of belonging"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Sense of belonging" in page
    assert page.count("outcome measure: edited or removed at kick-off and recap together") == 2


def test_before_and_after_with_the_change_of_those_who_answered_both(program, coordinator):
    program_populate(program, members=12)
    members = _members(program)
    services.measure_add(program=program, text="Confidence")
    services.measure_add(program=program, text="Belonging")
    # Six answer at kick-off, six at recap; five of them both times.
    _answer(program, "kickoff", list(zip(members[:6], [2, 2, 3, 3, 2, 1], strict=True)))
    _answer(program, "recap", list(zip(members[1:7], [4, 4, 4, 5, 3, 5], strict=True)))

    confidence, belonging = outcomes_by_cohort(program=program, user=coordinator)[-1].measures
    assert (confidence.before_n, confidence.before_mean) == (6, 2.17)
    assert (confidence.after_n, confidence.after_mean) == (6, 4.17)
    # Members 1..5 answered both: (4-2) + (4-3) + (4-3) + (5-2) + (3-1) = 9, over 5.
    assert (confidence.paired_n, confidence.change) == (5, 1.8)
    assert belonging.text == "Belonging" and belonging.change == 1.8


def test_a_mean_from_fewer_than_five_answers_is_withheld(client, program, coordinator):
    program_populate(program, members=6)
    members = _members(program)
    services.measure_add(program=program, text="Confidence")
    _answer(program, "kickoff", [(m, 5) for m in members[:5]])
    _answer(program, "recap", [(m, 1) for m in members[:4]])

    measure = outcomes_by_cohort(program=program, user=coordinator)[-1].measures[0]
    assert (measure.before_n, measure.before_mean) == (5, 5.0)
    assert (measure.after_n, measure.after_mean) == (4, None)
    assert (measure.paired_n, measure.change) == (4, None)

    client.force_login(coordinator)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    table = page.split('id="outcome-measures"')[1].split("</table>")[0]
    assert "5.0" in table and "5 answers" in table
    assert "1.0" not in table and "4 answers" in table and "4 people" in table

    api = client.get(f"/api/v1/dashboard/{program.slug}/outcomes").json()
    assert api["min_group"] == 5
    assert api["cohorts"][-1]["measures"] == [
        {
            "text": "Confidence",
            "before_answers": 5,
            "before_mean": 5.0,
            "after_answers": 4,
            "after_mean": None,
            "answered_both": 4,
            "change": None,
        }
    ]


def test_partnerships_that_kept_going_and_early_endings_by_reason(client, program, coordinator):
    partnerships = program_populate(program, members=12)
    reasons = [Reason.NOT_A_FIT, Reason.NO_TIME, Reason.NO_TIME, Reason.PROGRAM_OVER]
    for partnership, reason in zip(partnerships[:4], reasons, strict=True):
        _end(partnership, by=coordinator, reason=reason)
    now = outcomes_by_cohort(program=program, user=coordinator)[-1]
    assert (now.partnerships, now.ended_early, now.kept_going, now.retention) == (6, 3, 3, 50)
    assert now.early_endings == {"no_time": 2, "not_a_fit": 1}
    assert now.members == 12 and now.meetings_held == 6

    client.force_login(coordinator)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert "50% of partnerships did not end early (3 of 6)." in page
    assert "We don&#x27;t have time to meet 2" in page


def test_cohorts_compared_for_the_coordinator_of_both(client, program, coordinator):
    program_populate(program, members=10)
    services.measure_add(program=program, text="Confidence")
    _answer(program, "kickoff", [(m, 2) for m in _members(program)])
    _answer(program, "recap", [(m, 4) for m in _members(program)])
    Partnership.objects.filter(program=program).update(status="ended", ended_at=program.created_at)

    later = program_copy(source=program, coordinator=coordinator, name="Spring cohort")
    assert Question.objects.filter(survey__program=later, measure__text="Confidence").count() == 2
    program_populate(later, members=6, prefix="later")
    _answer(later, "kickoff", [(m, 3) for m in _members(later)])
    _answer(later, "recap", [(m, 4) for m in _members(later)])

    cohorts = outcomes_by_cohort(program=later, user=coordinator)
    assert [c.program for c in cohorts] == [program, later]
    assert [c.compared[0].change for c in cohorts] == [2.0, 1.0]

    client.force_login(coordinator)
    page = client.get(reverse("dashboard:program", args=[later.slug])).content.decode()
    table = page.split('id="cohorts-compared"')[1].split("</table>")[0]
    assert program.name in table and "Spring cohort" in table
    assert "+2.0" in table and "+1.0" in table

    # A coordinator of the new cohort only does not see the earlier one's figures.
    newcomer = CoordinatorFactory(program=later).user
    assert [c.program for c in outcomes_by_cohort(program=later, user=newcomer)] == [later]
    client.force_login(newcomer)
    page = client.get(reverse("dashboard:program", args=[later.slug])).content.decode()
    assert 'id="cohorts-compared"' not in page


def _rows(response):
    text = b"".join(getattr(response, "streaming_content", [response.content])).decode()
    return list(csv.reader(io.StringIO(text)))


def test_evaluation_export_withholds_every_group_under_five(client, program, coordinator):
    partnerships = program_populate(program, members=12)
    members = _members(program)
    services.measure_add(program=program, text="Confidence")
    _answer(program, "kickoff", [(m, 2) for m in members[:8]])
    _answer(program, "recap", [(m, 4) for m in members[:3]])
    _end(partnerships[0], by=coordinator, reason=Reason.NOT_A_FIT)
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:evaluation_export", args=[program.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="{program.slug}-evaluation.csv"')
    rows = _rows(response)
    assert rows[0] == ["cohort", "section", "figure", "value", "based on"]
    figures = {row[2]: row[3:] for row in rows[1:]}
    assert figures["Members matched"] == ["12", ""]
    assert figures["Partnerships"] == ["6", ""]
    assert figures["Did not end early (%)"] == ["83", "6"]
    assert figures["Ended early"] == ["fewer than 5", ""]
    assert figures["Ended early: We are not a good fit"] == ["fewer than 5", ""]
    assert figures["Confidence: mean at kick-off"] == ["2.0", "8"]
    assert figures["Confidence: mean at recap"] == ["", "fewer than 5"]
    assert figures["Confidence: change, for those who answered both"] == ["", "fewer than 5"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, program=program, after__export="evaluation"
    ).exists()
    log = client.get(reverse("audit:log", args=[program.slug])).content.decode()
    assert "Data exported" in log and program.slug in log


def test_outcomes_and_their_export_are_for_coordinators_only(client, program):
    member = MembershipFactory(program=program)
    client.force_login(member.user)
    assert (
        client.get(reverse("dashboard:evaluation_export", args=[program.slug])).status_code == 404
    )
    assert client.get(reverse("dashboard:program", args=[program.slug])).status_code == 404
    assert client.get(f"/api/v1/dashboard/{program.slug}/outcomes").status_code == 404


OUTCOMES_IN = {
    "es": (
        "Resultados del programa",
        "El 83% de las parejas de mentoría no terminó antes de tiempo (5 de 6).",
        ["cohorte", "sección", "cifra", "valor", "número de respuestas"],
        "menos de 5",
    ),
    "fr": (
        "Résultats du programme",
        "83 % des binômes ne se sont pas terminés avant terme (5 sur 6).",
        ["cohorte", "section", "chiffre", "valeur", "nombre de réponses"],
        "moins de 5",
    ),
}


@pytest.mark.parametrize("language", list(OUTCOMES_IN))
def test_outcomes_and_the_evaluation_in_the_coordinators_language(client, program, language):
    heading, retention, header, withheld = OUTCOMES_IN[language]
    partnerships = program_populate(program, members=12)
    user = CoordinatorFactory(program=program).user
    user.language = language
    user.save(update_fields=["language"])
    _end(partnerships[0], by=user, reason=Reason.NO_TIME)
    client.force_login(user)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert heading in page and retention in page
    rows = _rows(client.get(reverse("dashboard:evaluation_export", args=[program.slug])))
    assert rows[0] == header
    assert [withheld, ""] in [row[3:] for row in rows]
