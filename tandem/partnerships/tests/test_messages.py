"""Messages between meetings: posting, limits, htmx, safe rendering, preference, confidentiality."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.errors import ValidationFailed
from tandem.partnerships.models import Message, MessagePreference
from tandem.partnerships.selectors.messages import message_unread_count
from tandem.partnerships.services import messages as sm
from tandem.partnerships.tests.builders import ROLES, outsiders
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers and speakers")


def post(pair, who, body):
    partnership, people = pair
    return sm.message_post(partnership=partnership, user=people[who].user, body=body)


def test_a_message_is_at_most_2000_characters_and_not_empty(pair):
    assert post(pair, "Ana", "x" * 2000).body == "x" * 2000
    with pytest.raises(ValidationFailed) as exc:
        post(pair, "Ana", "x" * 2001)
    assert exc.value.message == sm.MSG_TOO_LONG.format(count="2,001")
    with pytest.raises(ValidationFailed) as exc:
        post(pair, "Ana", "   ")
    assert exc.value.message == sm.MSG_EMPTY
    assert Message.objects.count() == 1


def test_partner_sees_the_thread_and_unread_count_goes_down_after_reading(client, pair):
    partnership, people = pair
    post(pair, "Ana", "See you **Wednesday**")
    ben_seat = partnership.seats.get(membership=people["Ben"])
    assert message_unread_count(seat=ben_seat) == 1
    client.force_login(people["Ben"].user)
    summary = client.get(reverse("partnerships:messages_summary", args=[partnership.pk]))
    assert "1 new message." in summary.text
    page = client.get(reverse("partnerships:messages", args=[partnership.pk]))
    assert "<strong>Wednesday</strong>" in page.text
    assert message_unread_count(seat=ben_seat) == 0


def test_script_in_a_message_is_shown_harmlessly(client, pair):
    partnership, people = pair
    post(
        pair,
        "Ana",
        '<script>alert(1)</script><a href="javascript:alert(2)">x</a> [ok](https://example.org)',
    )
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:messages", args=[partnership.pk]))
    assert "<script>alert(1)" not in page.text
    assert "javascript:" not in page.text
    assert 'href="https://example.org"' in page.text


def test_htmx_post_appends_the_message_and_clears_the_form(client, pair):
    partnership, people = pair
    first = post(pair, "Ana", "Hello Ben")
    client.force_login(people["Ben"].user)
    response = client.post(
        reverse("partnerships:messages", args=[partnership.pk]),
        {"body": "Hi Ana!", "after": str(first.pk)},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Hi Ana!" in response.text.split('id="message-form"')[0]
    assert "Hello Ben" not in response.text  # only what is new since the page's last message
    mine = Message.objects.get(body="Hi Ana!")
    assert f'?after={mine.pk}"' in response.text  # the new poller continues from here
    assert 'hx-swap-oob="true"' in response.text
    assert "Hi Ana!</textarea>" not in response.text


def test_htmx_post_too_long_keeps_the_text_and_explains(client, pair):
    partnership, people = pair
    client.force_login(people["Ben"].user)
    text = "y" * 2001
    response = client.post(
        reverse("partnerships:messages", args=[partnership.pk]),
        {"body": text, "after": "0"},
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps 2xx only; the form carries the error
    assert "A message can be at most 2,000 characters; yours has 2001. Shorten it." in response.text
    assert f"{text}</textarea>" in response.text
    assert Message.objects.count() == 0


def test_polling_returns_only_messages_after_the_last_one(client, pair):
    partnership, people = pair
    old = post(pair, "Ana", "old one")
    post(pair, "Ana", "new one")
    client.force_login(people["Ben"].user)
    response = client.get(
        reverse("partnerships:messages_new", args=[partnership.pk]), {"after": old.pk}, **HTMX
    )
    assert "new one" in response.text and "old one" not in response.text


def test_plain_post_without_htmx_redirects_back_to_the_thread(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    url = reverse("partnerships:messages", args=[partnership.pk])
    response = client.post(url, {"body": "Plain form"})
    assert response.status_code == 302
    assert "Plain form" in client.get(url).text


def test_preference_defaults_to_a_daily_digest_and_can_change(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:messages", args=[partnership.pk]))
    assert 'value="digest" required id="id_notify_1" checked' in page.text
    page = client.post(
        reverse("partnerships:messages_preference", args=[partnership.pk]),
        {"notify": "each"},
        follow=True,
    )
    assert "Saved: An email for each message." in page.text
    assert MessagePreference.objects.get(seat__membership=people["Ana"]).notify == "each"


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_read_or_write_messages(client, pair, program, role):
    partnership, _ = pair
    post(pair, "Ana", "between us")
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    for name in ("messages", "messages_new", "messages_summary"):
        assert client.get(reverse(f"partnerships:{name}", args=[partnership.pk])).status_code == 404
    url = reverse("partnerships:messages", args=[partnership.pk])
    assert client.post(url, {"body": "intruder"}).status_code == 404
    pref = reverse("partnerships:messages_preference", args=[partnership.pk])
    assert client.post(pref, {"notify": "none"}).status_code == 404
    assert Message.objects.count() == 1


def test_thread_queries_do_not_grow_with_messages(client, pair):
    partnership, people = pair
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:messages", args=[partnership.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        return len(ctx.captured_queries), page.text.count('class="message-item')

    for k in range(5):
        post(pair, "Ana" if k % 2 else "Ben", f"message {k}")
    small, shown = count()
    assert shown == 5
    Message.objects.bulk_create(
        Message(partnership=partnership, author=partnership.seats.first(), body=f"m{k}")
        for k in range(45)
    )
    assert count() == (small, 50)


def test_message_times_are_in_the_readers_own_zone_and_name_it(client, pair):
    from datetime import UTC, datetime

    from tandem.core import clock
    from tandem.programs.models import Profile

    partnership, people = pair
    Profile.objects.filter(membership=people["Ben"]).update(time_zone="Asia/Kolkata")
    with clock.frozen(datetime(2027, 3, 3, 12, 0, tzinfo=UTC)):
        first = post(pair, "Ana", "Hello Ben")
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:messages", args=[partnership.pk]))
    assert "3 Mar, 17:30</time>" in page.text
    assert "Times are in your time zone, Asia/Kolkata." in page.text
    with clock.frozen(datetime(2027, 3, 3, 12, 5, tzinfo=UTC)):
        post(pair, "Ana", "Still there?")
    polled = client.get(
        reverse("partnerships:messages_new", args=[partnership.pk]), {"after": first.pk}
    )
    assert "3 Mar, 17:35</time>" in polled.text
