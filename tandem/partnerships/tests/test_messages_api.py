"""Partnerships API: my partnerships, messages and the preference; partners only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.partnerships.models import Message
from tandem.partnerships.services.messages import message_post
from tandem.partnerships.tests.builders import ROLES, outsiders, partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/partnerships"


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers", slug="skiers")


def test_my_partnerships_lists_partners_by_name(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    body = client.get(f"{API}/").json()
    assert [(p["id"], p["program"], p["status"]) for p in body] == [
        (partnership.pk, "skiers", "active")
    ]
    assert [p["name"] for p in body[0]["partners"]] == ["Ana", "Ben"]


def test_posting_ignores_author_and_partnership_set_by_the_client(client, pair, program):
    partnership, people = pair
    other, _ = partnership_of(program, "Cleo", "Dan")
    client.force_login(people["Ben"].user)
    response = client.post(
        f"{API}/{partnership.pk}/messages",
        {"body": "Hola", "author": people["Ana"].pk, "partnership": other.pk, "author_partner": 1},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["author"] == "Ben" and response.json()["mine"] is True
    message = Message.objects.get()
    assert message.partnership == partnership
    assert message.author.membership == people["Ben"]


def test_too_long_message_is_refused_with_the_reason(client, pair):
    partnership, people = pair
    client.force_login(people["Ben"].user)
    response = client.post(
        f"{API}/{partnership.pk}/messages", {"body": "z" * 2001}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "A message can be at most 2,000 characters; yours has 2,001. Shorten it."
    )


def test_list_returns_new_messages_after_an_id(client, pair):
    partnership, people = pair
    first = message_post(partnership=partnership, user=people["Ana"].user, body="one")
    message_post(partnership=partnership, user=people["Ana"].user, body="two")
    client.force_login(people["Ben"].user)
    assert [m["body"] for m in client.get(f"{API}/{partnership.pk}/messages").json()] == [
        "one",
        "two",
    ]
    after = client.get(f"{API}/{partnership.pk}/messages", {"after": first.pk}).json()
    assert [m["body"] for m in after] == ["two"]


def test_preference_get_and_set(client, pair):
    partnership, people = pair
    client.force_login(people["Ben"].user)
    url = f"{API}/{partnership.pk}/message-preference"
    assert client.get(url).json() == {"notify": "digest"}
    assert client.put(url, {"notify": "each"}, content_type="application/json").json() == {
        "notify": "each"
    }
    bad = client.put(url, {"notify": "hourly"}, content_type="application/json")
    assert bad.status_code == 400
    assert client.get(url).json() == {"notify": "each"}


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_reach_messages_in_the_api(client, pair, program, role):
    partnership, _ = pair
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    # Strangers get the 404 a missing partnership gets; no credentials at all get 401.
    expected = 404 if user is not None else 401
    assert client.get(f"{API}/{partnership.pk}/messages").status_code == expected
    post = client.post(
        f"{API}/{partnership.pk}/messages", {"body": "x"}, content_type="application/json"
    )
    assert post.status_code == expected
    assert client.get(f"{API}/{partnership.pk}/message-preference").status_code == expected
    if user is not None:
        assert client.get(f"{API}/").json() == []
    assert Message.objects.count() == 0


def test_message_list_query_count_is_the_same_for_5_and_50(client, pair):
    partnership, people = pair
    client.force_login(people["Ben"].user)
    seats = list(partnership.seats.all())

    def add(n):
        Message.objects.bulk_create(
            Message(partnership=partnership, author=seats[k % 2], body=f"m{k}") for k in range(n)
        )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/{partnership.pk}/messages").json()
        return len(ctx.captured_queries), len(body)

    add(5)
    small = count()
    assert small[1] == 5
    add(45)
    assert count() == (small[0], 50)


def test_my_partnerships_query_count_does_not_grow(client):
    me = UserFactory()

    def add():
        program = ProgramFactory()
        _, people = partnership_of(program, f"A{program.pk}", f"B{program.pk}")
        Membership.objects.filter(pk=people[f"A{program.pk}"].pk).update(user=me)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/").json()
        return len(ctx.captured_queries), len(body)

    client.force_login(me)
    add()
    small = count()
    assert small[1] == 1
    for _ in range(4):
        add()
    assert count() == (small[0], 5)
