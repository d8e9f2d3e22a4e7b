"""Message emails through the real worker: one per message for "each", one digest a day, and
never the message text."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from tandem.core import clock
from tandem.partnerships.models import DigestSent
from tandem.partnerships.services.messages import message_post, message_preference_set
from tandem.partnerships.tasks import message_notification_send
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


@pytest.fixture
def circle():
    return partnership_of(ProgramFactory(name="Skiers"), "Ana", "Ben", "Cleo")


def seat(partnership, membership):
    return partnership.seats.get(membership=membership)


def test_each_message_emails_partners_who_chose_it_once_without_the_text(circle, mailoutbox):
    partnership, people = circle
    message_preference_set(seat=seat(partnership, people["Ben"]), notify="each")
    message_preference_set(seat=seat(partnership, people["Cleo"]), notify="none")
    message_preference_set(seat=seat(partnership, people["Ana"]), notify="each")
    message = message_post(partnership=partnership, user=people["Ana"].user, body="TOP-SECRET plan")
    assert mailoutbox == []
    message_notification_send.enqueue(message_id=message.pk)  # a duplicate enqueue
    run_worker()
    run_worker()
    assert [m.to for m in mailoutbox] == [["ben@example.org"]]  # not Cleo (none), not Ana (author)
    email = mailoutbox[0]
    assert email.subject == "[Tandem] Ana sent you a message in Skiers"
    assert f"/partnerships/{partnership.pk}/messages/" in email.body
    assert "TOP-SECRET" not in email.body
    assert all("TOP-SECRET" not in str(alt[0]) for alt in email.alternatives)


def test_daily_digest_counts_new_messages_and_goes_out_at_most_once_a_day(circle, mailoutbox):
    partnership, people = circle
    message_preference_set(seat=seat(partnership, people["Cleo"]), notify="none")
    start = datetime(2027, 2, 3, 8, tzinfo=UTC)
    with clock.frozen(start):
        for k in range(3):
            message_post(partnership=partnership, user=people["Ana"].user, body=f"SECRET {k}")
        run_worker()  # the per-message tasks: nobody chose "each"
        assert mailoutbox == []
        clock.advance(timedelta(hours=10))
        call_command("send_message_digests")
        call_command("send_message_digests")  # run twice the same day
        run_worker()
        assert [m.to for m in mailoutbox] == [["ben@example.org"]]  # Ana wrote them, Cleo: none
        digest = mailoutbox[0]
        assert digest.subject == "[Tandem] 3 new messages from your partners"
        assert "Skiers: 3 new messages." in digest.body
        assert "SECRET" not in digest.body
        assert DigestSent.objects.count() == 1

        clock.advance(timedelta(minutes=5))
        message_post(partnership=partnership, user=people["Cleo"].user, body="SECRET 4")
        call_command("send_message_digests")
        run_worker()
        # Ana gets her first digest; Ben already had today's.
        assert [m.to for m in mailoutbox[1:]] == [["ana@example.org"]]

        clock.advance(timedelta(days=1))
        call_command("send_message_digests")
        run_worker()
        # The next day Ben hears of Cleo's message; Ana has nothing new since her digest.
        assert [m.to for m in mailoutbox[2:]] == [["ben@example.org"]]
        assert "Skiers: 1 new message." in mailoutbox[2].body
        assert DigestSent.objects.count() == 3
