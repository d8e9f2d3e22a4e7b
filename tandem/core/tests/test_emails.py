"""The one email builder (plain-text parts unescaped) and send-once."""

from typing import cast

import pytest
from django.core import mail
from django.db import IntegrityError

from tandem.core.emails import email_build, send_once
from tandem.programs.models import WaitlistEntry
from tandem.programs.tests.factories import ProgramFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

NAME = 'R&D "Peers" <2027>'


def test_the_subject_and_text_read_as_typed_and_the_html_part_is_escaped():
    program = ProgramFactory(name=NAME)
    entry = WaitlistEntryFactory(program=program, email="ana@example.org")
    message = email_build(
        "waitlist_confirm",
        folder="programs/email",
        to=entry.email,
        context={"entry": entry, "program": program, "confirm_url": "https://x.test/c"},
    )
    assert NAME in message.subject
    assert NAME in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and isinstance(html, str)
    assert "R&amp;D &quot;Peers&quot; &lt;2027&gt;" in html
    assert message.to == ["ana@example.org"]


def test_an_email_without_an_html_template_is_plain_text_with_its_reply_to():
    program = ProgramFactory(name=NAME)
    message = email_build(
        "help_flag",
        folder="support/email",
        to=["a@example.org", "b@example.org"],
        context={"program": program},
        reply_to=["coordinator@example.org"],
    )
    assert message.alternatives == []
    assert message.subject == f"[Tandem] {NAME}: a member asked for more help"
    assert message.reply_to == ["coordinator@example.org"]


def test_send_once_sends_when_the_claim_is_new_and_never_twice():
    sent = []
    assert send_once(claim=lambda: 1, send=lambda: sent.append("x"))
    assert not send_once(claim=lambda: 0, send=lambda: sent.append("y"))

    def taken() -> None:
        raise IntegrityError("unique")

    assert not send_once(claim=taken, send=lambda: sent.append("z"))
    assert sent == ["x"]


def test_a_failed_send_rolls_the_claim_back():
    program = ProgramFactory()

    def claim() -> WaitlistEntry:
        return cast(WaitlistEntry, WaitlistEntryFactory(program=program, email="ana@example.org"))

    def send() -> None:
        raise ConnectionError("SMTP down")

    with pytest.raises(ConnectionError):
        send_once(claim=claim, send=send)
    assert not WaitlistEntry.objects.exists()
    assert mail.outbox == []
