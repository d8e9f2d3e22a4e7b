"""Retention: `manage.py purge_closed_programs` deletes closed programs older than
TANDEM_RETENTION_MONTHS, with everything under them; --dry-run deletes nothing."""

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.management import call_command

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.meetings.models import Meeting, Note
from tandem.partnerships.models import Partnership
from tandem.privacy.retention import months_before, programs_due_for_purge
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import ProgramFactory
from tests.trust.world import build_world

pytestmark = pytest.mark.django_db

TODAY = datetime(2029, 6, 15, 9, 0, tzinfo=UTC)


def purge(*args: str) -> str:
    out = io.StringIO()
    with clock.frozen(TODAY):
        call_command("purge_closed_programs", *args, stdout=out)
    return out.getvalue()


def closed(slug: str, *, recap_on: Any = None, ends_on: Any = None) -> Any:
    program = ProgramFactory(slug=slug, status=Program.Status.CLOSED, recap_on=recap_on)
    Program.objects.filter(pk=program.pk).update(ends_on=ends_on)
    return program


def test_months_before_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert months_before(date(2029, 6, 15), 24) == date(2027, 6, 15)
    assert months_before(date(2029, 3, 31), 1) == date(2029, 2, 28)
    assert months_before(date(2029, 1, 10), 13) == date(2027, 12, 10)


def test_only_closed_programs_past_the_retention_are_due(settings):
    settings.TANDEM_RETENTION_MONTHS = 24
    old = closed("old", recap_on=date(2027, 6, 14))
    closed("recent", recap_on=date(2027, 6, 15))  # exactly 24 months: kept
    ended = closed("ended-long-ago", ends_on=date(2026, 1, 1))
    ProgramFactory(slug="running-old", status=Program.Status.RUNNING, recap_on=date(2020, 1, 1))
    with clock.frozen(datetime(2025, 1, 1, tzinfo=UTC)):
        undated = ProgramFactory(slug="undated", status=Program.Status.CLOSED)
    with clock.frozen(TODAY):
        due = programs_due_for_purge()
    assert [p.slug for p in due] == [old.slug, ended.slug, undated.slug]


def test_purge_deletes_the_program_and_everything_under_it_but_not_accounts(settings):
    settings.TANDEM_RETENTION_MONTHS = 24
    w = build_world()
    Program.objects.filter(pk=w.a.pk).update(
        status=Program.Status.CLOSED, ends_on=date(2027, 1, 1), recap_on=date(2027, 2, 1)
    )
    audit_record(action=AuditEvent.Action.PROGRAM_CHANGED, program=w.a, subject_label="Trust A")
    users = User.objects.count()
    events = AuditEvent.objects.count()

    out = purge()

    assert "Deleted 1 closed program(s) ended before 2027-06-15: trust-a" in out
    assert "meetings.Note: 2" in out
    assert not Program.objects.filter(slug="trust-a").exists()
    assert not Membership.objects.filter(program_id=w.a.pk).exists()
    assert not Partnership.objects.filter(program_id=w.a.pk).exists()
    assert not Meeting.objects.filter(partnership_id=w.partnership.pk).exists()
    assert not Note.objects.exists()
    assert Program.objects.filter(slug="trust-b").exists()
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events
    assert not AuditEvent.objects.filter(program_id=w.a.pk).exists()


def test_dry_run_says_what_would_go_and_deletes_nothing(settings):
    settings.TANDEM_RETENTION_MONTHS = 24
    closed("old", recap_on=date(2026, 1, 1))
    out = purge("--dry-run")
    assert "Would delete 1 closed program(s) ended before 2027-06-15: old" in out
    assert "programs.Program: 1" in out
    assert Program.objects.filter(slug="old").exists()


def test_months_option_and_setting_change_the_cutoff(settings):
    settings.TANDEM_RETENTION_MONTHS = 60
    closed("old", recap_on=date(2026, 1, 1))
    assert "No closed program ended before 2024-06-15." in purge()
    assert Program.objects.filter(slug="old").exists()
    assert "Deleted 1" in purge("--months", "12")
    assert not Program.objects.filter(slug="old").exists()
