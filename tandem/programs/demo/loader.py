"""Load the demo program: a coordinator, "Peer Mentoring Circle 2027" and ~40 imported members.

Run by ``manage.py load_demo`` (``make run``). Loading twice adds nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from tandem.accounts.models import User
from tandem.interchange.members_csv import parse_members_csv
from tandem.programs.models import Document, Program, Resource
from tandem.programs.services.documents import document_create, resource_create
from tandem.programs.services.member_import import member_import_apply, member_import_preview
from tandem.programs.services.program import program_create, program_update

MEMBERS_CSV = Path(__file__).with_name("members.csv")
PROGRAM_SLUG = "peer-mentoring-circle-2027"
PROGRAM_NAME = "Peer Mentoring Circle 2027"
# The public demo passwords go only on addresses at this domain, which no real person has.
DEMO_DOMAIN = "demo.tandem.test"
COORDINATOR_EMAIL = "coordinator@demo.tandem.test"
COORDINATOR_PASSWORD = "demo-coordinator"  # noqa: S105 (public demo login)
# The sign-ins the command prints; every other demo member signs in with the same password.
MEMBER_EMAILS = ("ana@demo.tandem.test", "ben@demo.tandem.test", "chen@demo.tandem.test")
MEMBER_PASSWORD = "demo-member"  # noqa: S105 (public demo login)

PROGRAM_SETTINGS: dict[str, Any] = {
    "status": Program.Status.INTAKE_OPEN,
    "kickoff_on": date(2027, 2, 3),
    "midpoint_on": date(2027, 4, 14),
    "ends_on": date(2027, 6, 23),
    "recap_on": date(2027, 6, 30),
    "cadence_weeks": 2,
    "meeting_minutes": 60,
    "format": Program.Format.PAIRS,
}
DESCRIPTION = (
    "Twenty weeks of peer mentoring across four organisations. You are paired with a peer at "
    "a similar stage whose skills complement yours: you teach what they want to learn and they "
    "teach you. Partners meet every two weeks for an hour, taking turns as mentor and mentee."
)
AUDIENCE = "Staff of Northwind Health, Acme Logistics, Riverside University and Solstice Energy"
GUIDEBOOK_TITLE = "How a Tandem partnership works"
GUIDEBOOK = """\
## Before the first meeting

- Agree your **ground rules**: how often you meet (every two weeks), for how long (an hour),
  which channel, and that what you say stays between you.
- Each of you writes down **two or three goals** with a date, and an incentive for reaching them.

## Every meeting

Split the hour in two halves. In the first half one partner talks about their **goals,
challenges, concerns and accomplishments** and the other listens, asks and shares what they know;
then swap. Close by booking the next three meetings.

## Accountability

Start each meeting by asking about what your partner said they would do last time.

## When it is more than peer support

Peers are not therapists. If a conversation touches something beyond what a peer can help with,
point to the program's resources and tell your coordinator if you are worried.

Key dates: kick-off 3 February, mid-point check-in 14 April, last meetings by 23 June, recap
30 June 2027.
"""
RESOURCES: tuple[dict[str, str], ...] = (
    {
        "name": "Find a Helpline (crisis lines worldwide)",
        "kind": Resource.Kind.CRISIS,
        "contact": "https://findahelpline.com",
        "when_to_use": "Someone is in distress or talks about harming themselves: call now.",
    },
    {
        "name": "Employee Assistance Programme",
        "kind": Resource.Kind.EAP,
        "contact": "https://eap.example.org · 0800 555 0100",
        "when_to_use": (
            "Free, confidential counselling for stress, money, family or health worries "
            "that weigh on work."
        ),
    },
    {
        "name": "Careers service",
        "kind": Resource.Kind.CAREER,
        "contact": "careers@demo.tandem.test",
        "when_to_use": "Questions about a career move or training budgets that a peer cannot answer.",
    },
)


@dataclass(frozen=True)
class DemoLoadResult:
    """What loading the demo added (all zero and False when it was loaded already)."""

    program: Program
    coordinator_created: bool
    program_created: bool
    members_created: int
    members_updated: int
    logins_set: int

    @property
    def added_anything(self) -> bool:
        return (
            self.coordinator_created
            or self.program_created
            or bool(self.members_created or self.members_updated or self.logins_set)
        )


@functools.cache
def _password_hash(password: str) -> str:
    """Return the password hashed once per process: ~40 members would otherwise take seconds."""
    return make_password(password)


def _verified_login(*, email: str, name: str, password: str) -> tuple[User, bool]:
    """Return the user with a usable password and a verified address, creating what is missing.

    A password the person already has is kept.
    """
    user = User.objects.filter(email__iexact=email).first()
    changed = False
    if user is None:
        user = User.objects.create_user(email=email, name=name)
        changed = True
    if not user.has_usable_password():
        user.password = _password_hash(password)
        user.save(update_fields=["password"])
        changed = True
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        changed = True
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
        changed = True
    return user, changed


def demo_member_emails() -> tuple[str, ...]:
    """Return the addresses of the demo file's members that get the demo member password."""
    rows = parse_members_csv(MEMBERS_CSV.read_bytes()).rows
    return tuple(row.email for row in rows if row.email.lower().endswith(f"@{DEMO_DOMAIN}"))


@transaction.atomic
def demo_load() -> DemoLoadResult:
    """Create the demo coordinator, program and members; do nothing that is already there."""
    coordinator, coordinator_created = _verified_login(
        email=COORDINATOR_EMAIL, name="Dana Reyes", password=COORDINATOR_PASSWORD
    )
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    program_created = program is None
    if program is None:
        program = program_create(
            creator=coordinator,
            name=PROGRAM_NAME,
            slug=PROGRAM_SLUG,
            description=DESCRIPTION,
            audience=AUDIENCE,
        )
        program = program_update(program=program, actor=coordinator, **PROGRAM_SETTINGS)
        document_create(
            program=program, title=GUIDEBOOK_TITLE, kind=Document.Kind.GUIDEBOOK, body=GUIDEBOOK
        )
        for resource in RESOURCES:
            resource_create(program=program, **resource)

    data = MEMBERS_CSV.read_bytes()
    created = updated = 0
    if not member_import_preview(program=program, data=data).nothing_to_change:
        result = member_import_apply(program=program, actor=coordinator, data=data)
        created, updated = result.created, result.updated

    logins_set = 0
    for email in demo_member_emails():
        _, changed = _verified_login(email=email, name="", password=MEMBER_PASSWORD)
        logins_set += changed
    return DemoLoadResult(
        program=program,
        coordinator_created=coordinator_created,
        program_created=program_created,
        members_created=created,
        members_updated=updated,
        logins_set=logins_set,
    )
