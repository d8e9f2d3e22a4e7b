"""Closing a program: every partner is emailed once, through the worker, with the closing page
and the offer of the next cohort."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Program
from tandem.programs.services.program import program_update
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_closing_the_program_emails_every_partner_once_with_the_closing_page(mailoutbox):
    program = ProgramFactory(name="Skiers", slug="skiers", status="running")
    coordinator = CoordinatorFactory(program=program).user
    partnership_of(program, "Ana", "Ben")
    second, _ = partnership_of(program, "Cleo", "Dan")
    cohort = ProgramFactory(name="Skiers 2027", slug="skiers-2027", status="waitlist")
    Program.objects.filter(pk=cohort.pk).update(previous_cohort=program)
    program_update(program=program, actor=coordinator, status="closed")
    run_worker()
    run_worker()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ana@example.org",
        "ben@example.org",
        "cleo@example.org",
        "dan@example.org",
    ]
    to_cleo = next(m for m in mailoutbox if m.to == ["cleo@example.org"])
    assert to_cleo.subject == "[Tandem] Your partnership in Skiers has ended"
    assert reverse("partnerships:closing", args=[second.pk]) in to_cleo.body
    assert "The program is over" in to_cleo.body
    assert "The next cohort, Skiers 2027, takes people now" in to_cleo.body
