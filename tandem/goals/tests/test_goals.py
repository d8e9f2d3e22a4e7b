"""Goals: who sees them, steps and progress, comments, weekly nudges, completion."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.nudges import iso_week
from tandem.goals import services, tasks
from tandem.goals.models import Goal, IncentiveEarned, Nudge
from tandem.goals.tests.factories import NudgeFactory
from tandem.meetings.tests.factories import partnership_make
from tandem.partnerships.models import AgreementVersion
from tandem.partnerships.tests.factories import AgreementFactory, AgreementVersionFactory
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(frozen_clock):
    partnership, seats = partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")])
    return partnership, seats


def _goal(seat, **fields):
    return services.goal_create(
        seat=seat,
        title=fields.pop("title", "Run a 10k"),
        due_on=clock.today() + timedelta(days=30),
        **fields,
    )


def test_partner_sees_shared_goal_but_not_private_one(client, pair):
    partnership, (ana, ben) = pair
    shared = _goal(ana, title="Speak at the all-hands")
    private = _goal(ana, title="Ask for a raise", visibility=Goal.Visibility.PRIVATE)
    client.force_login(ben.membership.user)

    page = client.get(reverse("goals:partnership", args=[partnership.pk])).content.decode()

    assert "Speak at the all-hands" in page
    assert "Ask for a raise" not in page
    assert client.get(reverse("goals:detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("goals:detail", args=[private.pk])).status_code == 404


def test_outsider_and_coordinator_get_404_for_goals(client, pair):
    partnership, (ana, _ben) = pair
    goal = _goal(ana)
    for user in (
        CoordinatorFactory(program=partnership.program).user,
        MembershipFactory(program=partnership.program).user,
    ):
        client.force_login(user)
        assert client.get(reverse("goals:detail", args=[goal.pk])).status_code == 404
        assert client.get(reverse("goals:partnership", args=[partnership.pk])).status_code == 404
        assert client.post(reverse("goals:nudge", args=[goal.pk])).status_code == 404


def test_goal_form_with_error_keeps_what_was_typed(client, pair):
    partnership, (ana, _ben) = pair
    client.force_login(ana.membership.user)
    response = client.post(
        reverse("goals:partnership", args=[partnership.pk]),
        {
            "title": "Learn to juggle",
            "why": "Because it is fun",
            "due_on": "2020-01-01",
            "visibility": "shared",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert str(services.DUE_IN_PAST) in page
    assert 'value="Learn to juggle"' in page
    assert "Because it is fun" in page


def test_steps_done_move_the_percent_and_show_as_progress(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    client.force_login(ana.membership.user)
    client.post(reverse("goals:step_add", args=[goal.pk]), {"title": "Run 5k"})
    client.post(reverse("goals:step_add", args=[goal.pk]), {"title": "Run 8k"})
    first = goal.steps.get(title="Run 5k")

    client.post(reverse("goals:step_done", args=[goal.pk, first.pk]))

    goal.refresh_from_db()
    assert goal.percent == 50
    page = client.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "Done: Run 5k" in page
    assert "50% done" in page


def test_partner_cannot_change_someone_elses_goal(pair):
    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    with pytest.raises(ValidationFailed, match=str(services.NOT_YOUR_GOAL)):
        services.progress_add(goal=goal, user=ben.membership.user, text="Done", percent=90)


def test_partner_comments_on_shared_goal(client, pair):
    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    client.force_login(ben.membership.user)
    client.post(reverse("goals:comment", args=[goal.pk]), {"body": "You can do it!"})
    client.force_login(ana.membership.user)
    page = client.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert "You can do it!" in page
    assert "Ben" in page


def test_nudge_goes_once_a_week_with_a_clear_message_when_too_soon(
    client, pair, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    _partnership, (ana, ben) = pair
    goal = _goal(ana, title="Finish the course")
    client.force_login(ben.membership.user)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("goals:nudge", args=[goal.pk]), follow=True)
    assert "Nudge sent: Ana gets an email asking how it is going." in first.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ana.membership.user.email]
    assert "Finish the course" in mailoutbox[0].body

    clock.advance(timedelta(days=3))
    again = client.post(reverse("goals:nudge", args=[goal.pk]))
    assert again.status_code == 409
    expected = services.NUDGE_TOO_SOON.format(
        name="Ana", day="Monday 11 January", next_day="Monday 18 January"
    )
    assert expected in again.content.decode()
    assert len(mailoutbox) == 1

    clock.advance(timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_nudge(goal=goal, user=ben.membership.user)
    assert Nudge.objects.filter(goal=goal).count() == 2
    assert len(mailoutbox) == 2


def test_the_database_refuses_a_second_nudge_in_the_same_week(pair):
    from django.db import IntegrityError, transaction

    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    services.goal_nudge(goal=goal, user=ben.membership.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        NudgeFactory(goal=goal, sender=ben.membership, week=iso_week(clock.now()))


def test_owner_cannot_nudge_own_goal_and_private_goals_cannot_be_nudged(pair):
    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    with pytest.raises(ValidationFailed, match=str(services.NUDGE_OWN_GOAL)):
        services.goal_nudge(goal=goal, user=ana.membership.user)
    private = _goal(ana, visibility=Goal.Visibility.PRIVATE)
    with pytest.raises(ValidationFailed, match=str(services.GOAL_PRIVATE)):
        services.goal_nudge(goal=private, user=ben.membership.user)


def _agree_incentive(partnership, text):
    agreement = AgreementFactory(partnership=partnership)
    AgreementVersionFactory(
        agreement=agreement,
        number=1,
        cadence_weeks=2,
        meeting_minutes=60,
        incentive=text,
        agreed_at=clock.now(),
    )


def test_completing_a_goal_celebrates_on_the_page_and_earns_the_agreed_incentive(client, pair):
    partnership, (ana, ben) = pair
    _agree_incentive(partnership, "Dinner at the tapas bar, on the other one")
    goal = _goal(ana, title="Order dinner in Spanish")
    client.force_login(ana.membership.user)

    page = client.post(reverse("goals:complete", args=[goal.pk]), follow=True).content.decode()

    assert "Goal complete. Congratulations!" in page
    assert 'class="celebration"' in page
    assert "Goal reached!" in page
    assert "Incentive earned:</strong> Dinner at the tapas bar, on the other one" in page
    earned = IncentiveEarned.objects.get(goal=goal)
    assert earned.partnership == partnership
    assert earned.incentive == "Dinner at the tapas bar, on the other one"
    client.force_login(ben.membership.user)
    assert "Goal reached!" in client.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    with pytest.raises(Conflict, match=str(services.GOAL_ALREADY_COMPLETE)):
        services.goal_complete(goal=goal, user=ana.membership.user)


@pytest.mark.django_db(transaction=True)
def test_goal_completion_email_reaches_the_partner_through_the_worker(mailoutbox):
    with clock.frozen(clock.now()):
        _partnership, (ana, ben) = partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")])
        goal = _goal(ana, title="Order dinner in Spanish")
        services.goal_complete(goal=goal, user=ana.membership.user)
    assert mailoutbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ben.membership.user.email]
    assert mailoutbox[0].subject == "[Tandem] Ana completed a goal"
    assert 'Ana completed the goal "Order dinner in Spanish"' in mailoutbox[0].body


def test_completing_a_private_goal_tells_partners_without_its_title(
    pair, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana, title="Secret plan", visibility=Goal.Visibility.PRIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_complete(goal=goal, user=ana.membership.user)
    assert len(mailoutbox) == 1
    assert "Secret plan" not in mailoutbox[0].body
    assert "Ana completed one of their goals" in mailoutbox[0].body
    assert IncentiveEarned.objects.get(goal=goal).incentive == ""


def test_a_completed_goal_email_task_run_twice_tells_each_partner_once(pair, mailoutbox):
    _partnership, (ana, ben) = pair
    goal = _goal(ana, title="R&D talk")
    services.goal_complete(goal=goal, user=ana.membership.user)  # tasks are dummies here
    assert tasks.goal_completed_email_send.call(goal_id=goal.pk) == 1
    assert tasks.goal_completed_email_send.call(goal_id=goal.pk) == 0
    assert [m.to for m in mailoutbox] == [[ben.membership.user.email]]
    assert '"R&D talk"' in mailoutbox[0].body  # plain text: not "R&amp;D"
    goal.refresh_from_db()
    assert goal.partners_told_at is not None


def test_a_nudge_email_task_run_twice_emails_the_owner_once(pair, mailoutbox):
    _partnership, (ana, ben) = pair
    goal = _goal(ana, title="Finish the course")
    nudge = services.goal_nudge(goal=goal, user=ben.membership.user)
    assert tasks.goal_nudge_email_send.call(nudge_id=nudge.pk) is True
    assert tasks.goal_nudge_email_send.call(nudge_id=nudge.pk) is False
    assert [m.to for m in mailoutbox] == [[ana.membership.user.email]]
    nudge.refresh_from_db()
    assert nudge.emailed_at is not None


def test_goals_agreed_in_the_ground_rules_are_listed_on_the_goals_page(client, pair):
    partnership, (ana, ben) = pair
    agreement = AgreementFactory(partnership=partnership)
    deadline = (clock.today() + timedelta(days=60)).isoformat()
    goals = [{"seat": ben.pk, "text": "Ski a red run", "deadline": deadline}]
    AgreementVersionFactory(
        agreement=agreement, number=1, cadence_weeks=2, meeting_minutes=60, goals=goals
    )
    client.force_login(ana.membership.user)
    url = reverse("goals:partnership", args=[partnership.pk])
    assert "Ski a red run" not in client.get(url).text  # proposed, not agreed yet
    AgreementVersion.objects.filter(agreement=agreement).update(agreed_at=clock.now())
    page = client.get(url).text
    assert "Goals in our ground rules" in page
    assert "<h3>Ben</h3>" in page
    assert "Ski a red run" in page


def test_completing_a_step_never_lowers_the_percent_the_owner_gave(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    user = ana.membership.user
    steps = [services.step_add(goal=goal, user=user, title=f"Week {n}") for n in range(4)]
    services.progress_add(goal=goal, user=user, text="Halfway there", percent=60)
    client.force_login(user)
    client.post(reverse("goals:step_done", args=[goal.pk, steps[0].pk]))
    goal.refresh_from_db()
    assert goal.percent == 60
    for step in steps[1:3]:
        client.post(reverse("goals:step_done", args=[goal.pk, step.pk]))
    goal.refresh_from_db()
    assert goal.percent == 75
