"""Pause, resume and end emails go out through the real worker, once per partner and event."""

import pytest
from django.core.management import call_command

from tandem.partnerships.models import PartnershipEvent
from tandem.partnerships.services.life import (
    partnership_end,
    partnership_pause,
    partnership_resume,
)
from tandem.partnerships.tasks import partnership_event_email_send
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_every_partner_is_told_once_of_each_pause_resume_and_end(settings, mailoutbox):
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.backend.DatabaseBackend"
    partnership, people = partnership_of(ProgramFactory(name="Skiers"), "Ana", "Ben", "Cleo")
    partnership_pause(partnership=partnership, user=people["Ana"].user, reason="PRIVATE-REASON")
    assert mailoutbox == []  # queued, not sent in the request
    paused = PartnershipEvent.objects.get()
    partnership_event_email_send.enqueue(event_id=paused.pk)  # a duplicate enqueue
    run_worker()
    run_worker()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
    ]
    to_ben = next(m for m in mailoutbox if m.to == ["ben@example.org"])
    assert to_ben.subject == "[Tandem] Ana paused your partnership in Skiers"
    assert partnership.get_absolute_url() in to_ben.body
    assert all("PRIVATE-REASON" not in m.body for m in mailoutbox)

    mailoutbox.clear()
    partnership_resume(partnership=partnership, user=people["Ben"].user)
    partnership_end(partnership=partnership, user=people["Cleo"].user, end_reason="no_time")
    run_worker()
    subjects = sorted({m.subject for m in mailoutbox})
    assert subjects == [
        "[Tandem] Ben resumed your partnership in Skiers",
        "[Tandem] Your partnership in Skiers has ended",
    ]
    assert len(mailoutbox) == 6
