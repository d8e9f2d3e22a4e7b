import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching import services
from tandem.matching.tests.helpers import four_members, member
from tandem.partnerships.models import Partnership
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers and speakers")


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def people(program):
    people = four_members(program)
    ana = people["Ana"].profile
    ana.pronouns = "she/her"
    ana.goals_text = "Give a talk in Spanish."
    ana.time_zone = "Europe/Madrid"
    ana.organisation = "Acme"
    ana.save()
    return people


@pytest.fixture
def published(program, coordinator, people):
    run = services.match_run_start(program=program, created_by=coordinator)
    services.match_run_publish(run_id=run.pk, actor=coordinator)
    return Partnership.objects.get(seats__membership=people["Ben"])


def test_partner_sees_the_other_partner_what_each_teaches_and_why(client, people, published):
    client.force_login(people["Ben"].user)
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    text = page.text
    assert "You and Ana" in text
    assert "(she/her)" in text
    assert "Give a talk in Spanish." in text
    assert "Europe/Madrid" in text
    assert "Acme" in text
    assert 'Can teach you</dt><dd><span class="tag">Spanish</span>' in text
    assert 'Wants to learn from you</dt><dd><span class="tag">Skiing</span>' in text
    assert "Why you were matched" in text
    assert "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in text


@pytest.mark.parametrize("who", ["coordinator", "member_same_program", "other_program", "anon"])
def test_only_partners_see_a_partnership(client, people, published, coordinator, who):
    if who == "coordinator":
        client.force_login(coordinator)
    elif who == "member_same_program":
        client.force_login(people["Cleo"].user)
    elif who == "other_program":
        client.force_login(member(ProgramFactory(), "Zed").user)
    assert client.get(published.get_absolute_url()).status_code == 404
    missing = reverse("partnerships:detail", args=[published.pk + 1000])
    assert client.get(missing).status_code == 404


def test_my_partnerships_lists_partners_by_name(client, people, published):
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:list"))
    assert "Skiers and speakers" in page.text
    assert "With Ben" in page.text
    assert "Cleo" not in page.text


def test_my_partnerships_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("partnerships:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_partnerships_query_count_does_not_grow_with_partnerships(client):
    me = UserFactory()

    def add_partnership(k):
        program = ProgramFactory()
        mine = member(program, f"Me{k}")
        mine.user_id = me.pk
        mine.save()
        partner = member(program, f"Partner{k}")
        partnership_create_from_match(program=program, memberships=[mine, partner])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("partnerships:list"))
        assert page.status_code == 200
        return len(ctx.captured_queries), page.text.count("With Partner")

    client.force_login(me)
    add_partnership(0)
    one, shown = queries()
    assert shown == 1
    for k in range(1, 5):
        add_partnership(k)
    assert queries() == (one, 5)
