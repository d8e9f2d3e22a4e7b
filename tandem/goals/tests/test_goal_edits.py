"""Editing goals (owner only; private hides it at once) and editing and removing steps."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.core.errors import NotFound, ValidationFailed
from tandem.goals import selectors, services
from tandem.goals.models import Goal, Step
from tandem.meetings.tests.factories import partnership_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(frozen_clock):
    return partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")])


def _goal(seat, **fields):
    return services.goal_create(
        seat=seat, title=fields.pop("title", "Run a 10k"), due_on=date(2027, 3, 1), **fields
    )


def test_owner_edits_title_why_due_date_and_visibility_on_the_edit_page(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    client.force_login(ana.membership.user)
    edit = reverse("goals:edit", args=[goal.pk])
    assert 'value="Run a 10k"' in client.get(edit).content.decode()

    response = client.post(
        edit,
        {
            "title": "Run a half marathon",
            "why": "Stamina",
            "due_on": "2027-05-02",
            "visibility": "shared",
        },
        follow=True,
    )

    goal.refresh_from_db()
    assert (goal.title, goal.why, goal.due_on) == (
        "Run a half marathon",
        "Stamina",
        date(2027, 5, 2),
    )
    page = response.content.decode()
    assert "Goal saved." in page
    assert "due 2 May 2027" in page


def test_edit_form_with_an_error_keeps_what_was_typed_and_says_what_to_fix(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    client.force_login(ana.membership.user)

    response = client.post(
        reverse("goals:edit", args=[goal.pk]),
        {
            "title": "Swim a mile",
            "why": "Open water",
            "due_on": "2027-01-04",
            "visibility": "private",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert str(services.DUE_IN_PAST) in page
    assert 'value="Swim a mile"' in page
    assert "Open water" in page
    assert '<option value="private" selected>' in page
    goal.refresh_from_db()
    assert goal.title == "Run a 10k"


def test_a_due_date_that_has_passed_can_stay_when_other_fields_change(pair, frozen_clock):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    Goal.objects.filter(pk=goal.pk).update(due_on=date(2027, 1, 1))
    goal.refresh_from_db()

    services.goal_update(
        goal=goal,
        user=ana.membership.user,
        title="Run a 10k in under an hour",
        due_on=date(2027, 1, 1),
    )

    goal.refresh_from_db()
    assert goal.title == "Run a 10k in under an hour"
    assert goal.due_on == date(2027, 1, 1)


def test_partner_cannot_edit_a_shared_goal_or_its_steps(client, pair):
    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    step = services.step_add(goal=goal, user=ana.membership.user, title="Run 5k")
    client.force_login(ben.membership.user)

    assert client.get(reverse("goals:detail", args=[goal.pk])).status_code == 200
    assert "Edit goal" not in client.get(reverse("goals:detail", args=[goal.pk])).content.decode()
    assert client.get(reverse("goals:edit", args=[goal.pk])).status_code == 404
    assert (
        client.post(reverse("goals:edit", args=[goal.pk]), {"title": "Mine now"}).status_code == 404
    )
    assert client.get(reverse("goals:step_edit", args=[goal.pk, step.pk])).status_code == 404
    assert client.post(reverse("goals:step_delete", args=[goal.pk, step.pk])).status_code == 404
    with pytest.raises(ValidationFailed, match=str(services.NOT_YOUR_GOAL)):
        services.goal_update(goal=goal, user=ben.membership.user, title="Mine now")
    with pytest.raises(ValidationFailed, match=str(services.NOT_YOUR_GOAL)):
        services.step_delete(goal=goal, user=ben.membership.user, step_id=step.pk)
    goal.refresh_from_db()
    assert goal.title == "Run a 10k"
    assert Step.objects.filter(pk=step.pk).exists()


def test_making_a_shared_goal_private_hides_it_from_partners_at_once(client, pair):
    partnership, (ana, ben) = pair
    goal = _goal(ana, title="Speak at the all-hands")
    services.comment_add(goal=goal, user=ben.membership.user, body="Go for it")
    client.force_login(ana.membership.user)

    response = client.post(
        reverse("goals:edit", args=[goal.pk]),
        {"title": "Speak at the all-hands", "why": "", "due_on": "", "visibility": "private"},
        follow=True,
    )
    assert "It is private now: your partners no longer see it." in response.content.decode()

    client.force_login(ben.membership.user)
    listing = client.get(reverse("goals:partnership", args=[partnership.pk])).content.decode()
    assert "Speak at the all-hands" not in listing
    assert client.get(reverse("goals:detail", args=[goal.pk])).status_code == 404
    assert client.get(f"/api/v1/goals/{goal.pk}").status_code == 404
    assert client.get(f"/api/v1/goals/{goal.pk}/comments").status_code == 404
    assert client.post(reverse("goals:nudge", args=[goal.pk])).status_code == 404
    assert client.post(reverse("goals:comment", args=[goal.pk]), {"body": "Hi"}).status_code == 404


def test_owner_edits_a_step_and_removes_one_and_the_percent_follows(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    user = ana.membership.user
    first = services.step_add(goal=goal, user=user, title="Run 5k")
    second = services.step_add(goal=goal, user=user, title="Run 8k")
    services.step_complete(goal=goal, user=user, step_id=first.pk)
    client.force_login(user)

    response = client.post(
        reverse("goals:step_edit", args=[goal.pk, second.pk]),
        {"title": "Run 8k without stopping", "due_on": "2027-02-01"},
        follow=True,
    )
    assert "Step saved." in response.content.decode()
    second.refresh_from_db()
    assert (second.title, second.due_on) == ("Run 8k without stopping", date(2027, 2, 1))

    response = client.post(reverse("goals:step_delete", args=[goal.pk, second.pk]), follow=True)

    page = response.content.decode()
    assert "Step removed." in page
    assert "Run 8k without stopping" not in page
    assert "100% done" in page
    goal.refresh_from_db()
    assert goal.percent == 100
    assert list(goal.steps.values_list("title", flat=True)) == ["Run 5k"]


def test_step_edit_with_an_empty_title_keeps_the_date_typed(client, pair):
    _partnership, (ana, _ben) = pair
    goal = _goal(ana)
    step = services.step_add(goal=goal, user=ana.membership.user, title="Run 5k")
    client.force_login(ana.membership.user)

    response = client.post(
        reverse("goals:step_edit", args=[goal.pk, step.pk]), {"title": " ", "due_on": "2027-02-03"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="2027-02-03"' in page
    step.refresh_from_db()
    assert step.title == "Run 5k"


def test_step_of_another_goal_is_not_found(pair):
    _partnership, (ana, _ben) = pair
    user = ana.membership.user
    goal, other = _goal(ana), _goal(ana, title="Other")
    step = services.step_add(goal=other, user=user, title="Elsewhere")
    with pytest.raises(NotFound):
        services.step_update(goal=goal, user=user, step_id=step.pk, title="Moved")
    with pytest.raises(NotFound):
        selectors.access_step_as_owner(user=user, goal_pk=goal.pk, step_pk=step.pk)


def test_goal_and_step_edits_through_the_api(client, pair):
    _partnership, (ana, ben) = pair
    goal = _goal(ana)
    step = services.step_add(
        goal=goal,
        user=ana.membership.user,
        title="Run 5k",
        due_on=clock.today() + timedelta(days=3),
    )
    client.force_login(ben.membership.user)
    assert (
        client.patch(
            f"/api/v1/goals/{goal.pk}", {"title": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/goals/{goal.pk}/steps/{step.pk}").status_code == 404

    client.force_login(ana.membership.user)
    response = client.patch(
        f"/api/v1/goals/{goal.pk}",
        {"visibility": "private", "due_on": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["visibility"], body["due_on"]) == ("Run a 10k", "private", None)
    past = client.patch(
        f"/api/v1/goals/{goal.pk}", {"due_on": "2026-12-31"}, content_type="application/json"
    )
    assert past.status_code == 400
    assert past.json()["detail"] == services.DUE_IN_PAST

    renamed = client.patch(
        f"/api/v1/goals/{goal.pk}/steps/{step.pk}",
        {"title": "Run 6k"},
        content_type="application/json",
    )
    assert renamed.status_code == 200
    assert (renamed.json()["title"], renamed.json()["due_on"]) == ("Run 6k", "2027-01-14")
    assert client.delete(f"/api/v1/goals/{goal.pk}/steps/{step.pk}").status_code == 204
    assert not Step.objects.filter(pk=step.pk).exists()
    client.force_login(ben.membership.user)
    assert client.get(f"/api/v1/goals/{goal.pk}").status_code == 404
