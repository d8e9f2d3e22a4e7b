"""A stalled-partnership nudge reaches each partner once, however often its task runs."""

import pytest
from django.core import mail

from tandem.core import clock
from tandem.core.nudges import iso_week
from tandem.dashboard.tasks import stalled_nudge_email_send
from tandem.dashboard.tests.factories import StalledNudgeFactory
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_a_nudge_task_run_twice_emails_each_partner_once():
    program = ProgramFactory(status="running", name="R&D Peers")
    partnership, people = partnership_of(program, "Ana", "Ben")
    nudge = StalledNudgeFactory(partnership=partnership, week=iso_week(clock.now()))
    assert stalled_nudge_email_send.call(nudge_id=nudge.pk) == 2
    assert stalled_nudge_email_send.call(nudge_id=nudge.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people.values())
    assert "R&D Peers" in mail.outbox[0].body
    nudge.refresh_from_db()
    assert nudge.emailed_at is not None
