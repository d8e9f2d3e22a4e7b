"""Ground rules: versions, acceptance per version, reset on edit, mid-point review, pages."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.partnerships.models import AgreementAcceptance, AgreementVersion
from tandem.partnerships.selectors.agreement import agreement_overview
from tandem.partnerships.services import agreement as sa
from tandem.partnerships.tests.builders import ROLES, outsiders, partnership_of
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(
        name="Skiers and speakers",
        cadence_weeks=3,
        meeting_minutes=45,
        kickoff_on=date(2027, 1, 11),
        midpoint_on=date(2027, 3, 1),
        ends_on=date(2027, 5, 31),
        confidentiality_rules="What we say stays between us.",
    )


def seats(partnership):
    return {s.membership.profile.display_name: s for s in partnership.seats.all()}


def content(partnership, **changes):
    s = seats(partnership)
    values = {
        "cadence_weeks": 2,
        "meeting_minutes": 60,
        "channel": "video",
        "where": "https://meet.example.org/ana-ben",
        "goals": (
            sa.Goal(seat_id=s["Ana"].pk, text="Give a talk in Spanish", deadline=date(2027, 4, 1)),
            sa.Goal(seat_id=s["Ben"].pk, text="Ski a red run", deadline=date(2027, 2, 15)),
        ),
        "incentive": "Dinner at the Spanish place",
    }
    values.update(changes)
    return sa.AgreementContent(**values)


def propose(pair, who="Ana", base=None, **changes):
    partnership, people = pair
    return sa.agreement_propose(
        partnership=partnership,
        user=people[who].user,
        content=content(partnership, **changes),
        base_number=base,
    )


def accept(pair, who, number):
    partnership, people = pair
    return sa.agreement_accept(
        partnership=partnership, user=people[who].user, number=number, promise=True
    )


def overview_for(pair, who, today=date(2027, 1, 20)):
    partnership, people = pair
    seat = partnership.seats.get(membership=people[who])
    return agreement_overview(partnership=partnership, seat=seat, today=today)


def test_agreed_only_when_every_partner_accepted_the_current_version(pair):
    v1 = propose(pair)
    assert v1.number == 1
    assert v1.confidentiality_rules == "What we say stays between us."
    assert not overview_for(pair, "Ana").is_agreed
    accept(pair, "Ana", 1)
    assert overview_for(pair, "Ana").waiting_for == ["Ben"]
    accept(pair, "Ben", 1)
    v1.refresh_from_db()
    assert v1.agreed_at is not None
    assert overview_for(pair, "Ben").is_agreed


def test_an_edit_makes_a_new_version_and_resets_everyones_acceptance(pair):
    propose(pair)
    accept(pair, "Ana", 1)
    accept(pair, "Ben", 1)
    v2 = propose(pair, who="Ben", base=1, cadence_weeks=4)
    assert v2.number == 2
    assert v2.acceptances.count() == 0
    view = overview_for(pair, "Ana")
    assert view.current.version == v2
    assert not view.is_agreed
    assert view.waiting_for == ["Ana", "Ben"]
    assert [h.version.number for h in view.history] == [2, 1]
    assert view.history[0].changes == ["how often"]
    assert view.history[0].author_name == "Ben"
    assert view.history[1].version.agreed_at is not None  # the old version stays agreed history


def test_history_names_changed_goals_per_partner(pair):
    partnership, _ = pair
    s = seats(partnership)
    propose(pair)
    goals = (
        sa.Goal(seat_id=s["Ana"].pk, text="Give a talk in Spanish", deadline=date(2027, 4, 1)),
        sa.Goal(seat_id=s["Ben"].pk, text="Ski a black run", deadline=date(2027, 3, 1)),
    )
    propose(pair, who="Ben", base=1, goals=goals, incentive="A ski day together")
    assert overview_for(pair, "Ana").history[0].changes == ["the incentive", "Ben's goals"]


def test_accepting_a_version_that_is_no_longer_current_is_refused(pair):
    propose(pair)
    propose(pair, who="Ben", base=1, meeting_minutes=90)
    with pytest.raises(Conflict) as exc:
        accept(pair, "Ana", 1)
    assert exc.value.message == sa.MSG_STALE_ACCEPT.format(number=2)
    assert AgreementAcceptance.objects.count() == 0


def test_an_edit_of_an_old_version_is_refused_and_saves_nothing(pair):
    propose(pair)
    propose(pair, who="Ben", base=1, meeting_minutes=90)
    with pytest.raises(Conflict) as exc:
        propose(pair, who="Ana", base=1, incentive="Tapas")
    assert exc.value.message == sa.MSG_STALE_EDIT.format(number=2)
    assert AgreementVersion.objects.count() == 2


def test_saving_without_a_change_is_refused(pair):
    propose(pair)
    with pytest.raises(ValidationFailed) as exc:
        propose(pair, who="Ben", base=1)
    assert exc.value.message == sa.MSG_NOTHING_CHANGED


def test_accepting_needs_the_confidentiality_promise(pair):
    partnership, people = pair
    propose(pair)
    with pytest.raises(ValidationFailed) as exc:
        sa.agreement_accept(
            partnership=partnership, user=people["Ben"].user, number=1, promise=False
        )
    assert exc.value.message == sa.MSG_PROMISE_REQUIRED


def test_goals_belong_only_to_partners_of_this_partnership(pair, program):
    stranger_partnership, _ = partnership_of(program, "Cleo", "Dan")
    stranger_seat = stranger_partnership.seats.first()
    with pytest.raises(ValidationFailed) as exc:
        propose(
            pair, goals=(sa.Goal(seat_id=stranger_seat.pk, text="x", deadline=date(2027, 2, 1)),)
        )
    assert exc.value.message == sa.MSG_GOAL_PARTNER


def test_midpoint_asks_partners_to_review_until_each_says_still_good(pair):
    propose(pair)
    with clock.frozen(datetime(2027, 1, 20, 9, tzinfo=UTC)):
        accept(pair, "Ana", 1)
        accept(pair, "Ben", 1)
    before = overview_for(pair, "Ana", today=date(2027, 2, 28))
    assert before.is_agreed and not before.review_due and not before.needs_review
    on_midpoint = overview_for(pair, "Ana", today=date(2027, 3, 1))
    assert on_midpoint.is_agreed and on_midpoint.needs_review
    with clock.frozen(datetime(2027, 3, 2, 9, tzinfo=UTC)):
        accept(pair, "Ana", 1)  # "still good"
    assert AgreementAcceptance.objects.count() == 2  # no new row: the acceptance is confirmed
    view = overview_for(pair, "Ben", today=date(2027, 3, 2))
    assert view.needs_review and not view.i_reviewed
    assert overview_for(pair, "Ana", today=date(2027, 3, 2)).i_reviewed
    with clock.frozen(datetime(2027, 3, 3, 9, tzinfo=UTC)):
        accept(pair, "Ben", 1)
    assert not overview_for(pair, "Ben", today=date(2027, 3, 3)).needs_review


def test_an_edit_after_the_midpoint_counts_as_the_review_once_everyone_accepts(pair):
    propose(pair)
    with clock.frozen(datetime(2027, 3, 5, 9, tzinfo=UTC)):
        propose(pair, who="Ben", base=1, cadence_weeks=1)
        accept(pair, "Ana", 2)
        assert overview_for(pair, "Ana", today=date(2027, 3, 5)).needs_review
        accept(pair, "Ben", 2)
    assert not overview_for(pair, "Ana", today=date(2027, 3, 5)).needs_review


# -- pages -----------------------------------------------------------------------------------


def test_first_proposal_form_starts_from_the_program_cadence_and_length(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:agreement_edit", args=[partnership.pk]))
    assert page.status_code == 200
    assert 'name="cadence_weeks" value="3"' in page.text
    assert 'name="meeting_minutes" value="45"' in page.text
    assert "Ana's goals" in page.text and "Ben's goals" in page.text


def test_partner_proposes_through_the_page_and_the_other_sees_it(client, pair):
    partnership, people = pair
    s = seats(partnership)
    client.force_login(people["Ana"].user)
    response = client.post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]),
        {
            "base_number": "",
            "cadence_weeks": "2",
            "meeting_minutes": "60",
            "channel": "phone",
            "where": "+34 600 000 000",
            f"goal-{s['Ana'].pk}-0-text": "Order dinner in Spanish",
            f"goal-{s['Ana'].pk}-0-deadline": "2027-03-01",
            "incentive": "Paella",
        },
    )
    assert response.status_code == 302
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:agreement", args=[partnership.pk]))
    assert "Version 1, not agreed yet." in page.text
    assert "Waiting for Ana, Ben." in page.text
    assert "Order dinner in Spanish" in page.text
    assert "What we say stays between us." in page.text
    assert "Accept version 1" in page.text


def test_a_goal_without_deadline_is_explained_and_everything_typed_is_kept(client, pair):
    partnership, people = pair
    s = seats(partnership)
    client.force_login(people["Ana"].user)
    response = client.post(
        reverse("partnerships:agreement_edit", args=[partnership.pk]),
        {
            "cadence_weeks": "2",
            "meeting_minutes": "60",
            "channel": "video",
            "where": "https://meet.example.org/x",
            f"goal-{s['Ben'].pk}-0-text": "Ski a red run",
            "incentive": "Paella",
        },
    )
    assert response.status_code == 400
    assert sa.MSG_GOAL_DEADLINE in response.text
    assert 'value="Ski a red run"' in response.text
    assert "https://meet.example.org/x" in response.text
    assert AgreementVersion.objects.count() == 0


def test_saving_over_a_newer_version_keeps_the_typed_text_and_shows_the_conflict(client, pair):
    partnership, people = pair
    propose(pair)
    propose(pair, who="Ben", base=1, meeting_minutes=90)
    client.force_login(people["Ana"].user)
    data = {
        "base_number": "1",
        "cadence_weeks": "5",
        "meeting_minutes": "30",
        "channel": "video",
        "incentive": "Churros",
    }
    url = reverse("partnerships:agreement_edit", args=[partnership.pk])
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Someone saved new ground rules (version 2)" in response.text
    assert "Churros" in response.text
    assert 'name="base_number" value="2"' in response.text
    assert client.post(url, {**data, "base_number": "2"}).status_code == 302  # a deliberate save
    assert AgreementVersion.objects.get(number=3).incentive == "Churros"


def test_accept_without_ticking_the_promise_says_what_to_do(client, pair):
    partnership, people = pair
    propose(pair)
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:agreement_accept", args=[partnership.pk])
    response = client.post(url, {"number": "1"})
    assert response.status_code == 400
    assert sa.MSG_PROMISE_REQUIRED in response.text
    response = client.post(url, {"number": "1", "promise": "on"}, follow=True)
    assert "You accepted version 1." in response.text


def test_the_page_asks_for_the_midpoint_review(client, pair):
    partnership, people = pair
    propose(pair)
    accept(pair, "Ana", 1)
    accept(pair, "Ben", 1)
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:agreement", args=[partnership.pk])
    with clock.frozen(datetime(2027, 2, 27, 9, tzinfo=UTC)):
        assert "Mid-point review" not in client.get(url).text
    with clock.frozen(datetime(2027, 3, 1, 9, tzinfo=UTC)):
        page = client.get(url)
        assert "Mid-point review" in page.text
        assert "Still good" in page.text
        summary = client.get(reverse("partnerships:agreement_summary", args=[partnership.pk]))
        assert "Mid-point review" in summary.text


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_see_the_ground_rules(client, pair, program, role):
    partnership, _ = pair
    propose(pair)
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    for name in ("agreement", "agreement_summary", "agreement_edit"):
        assert client.get(reverse(f"partnerships:{name}", args=[partnership.pk])).status_code == 404
    accept_url = reverse("partnerships:agreement_accept", args=[partnership.pk])
    assert client.post(accept_url, {"number": "1", "promise": "on"}).status_code == 404
    assert AgreementAcceptance.objects.count() == 0


def test_ground_rules_page_queries_do_not_grow_with_versions(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    url = reverse("partnerships:agreement", args=[partnership.pk])

    def add_versions(upto):
        current = AgreementVersion.objects.count()
        for n in range(current, upto):
            propose(pair, who="Ben" if n % 2 else "Ana", base=n or None, cadence_weeks=n % 12 + 1)
            accept(pair, "Ana", n + 1)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_versions(2)
    small = count()
    add_versions(9)
    assert count() == small


def test_a_goal_deadline_in_the_past_is_refused_like_on_goals_but_a_kept_one_stays(pair):
    from tandem.core.deadlines import DUE_IN_PAST
    from tandem.goals import services as goal_services

    assert goal_services.DUE_IN_PAST == DUE_IN_PAST
    partnership, _people = pair
    s = seats(partnership)
    past = sa.Goal(seat_id=s["Ben"].pk, text="Ski a red run", deadline=date(2027, 2, 15))
    with clock.frozen(datetime(2027, 2, 16, 9, tzinfo=UTC)):
        with pytest.raises(ValidationFailed) as exc:
            propose(pair, goals=(past,))
        assert (exc.value.message, exc.value.field) == (DUE_IN_PAST, "goals")
    with clock.frozen(datetime(2027, 1, 20, 9, tzinfo=UTC)):
        v1 = propose(pair, goals=(past,))
    with clock.frozen(datetime(2027, 2, 16, 9, tzinfo=UTC)):
        v2 = propose(pair, base=v1.number, goals=(past,), incentive="Paella")
    assert v2.number == 2
    assert not AgreementVersion.objects.filter(number=3).exists()


def test_ground_rules_history_times_are_in_the_readers_zone_and_name_it(client, pair):
    from tandem.programs.models import Profile

    partnership, people = pair
    Profile.objects.filter(membership=people["Ben"]).update(time_zone="America/New_York")
    with clock.frozen(datetime(2027, 1, 20, 12, 0, tzinfo=UTC)):
        propose(pair)
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:agreement", args=[partnership.pk]))
    assert "When (America/New_York)</th>" in page.text
    assert "<td>20 Jan 2027, 07:00</td>" in page.text
    assert "20 Jan 2027, 07:00 (America/New_York)</header>" in page.text
