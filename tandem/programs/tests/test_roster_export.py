"""The roster as CSV: coordinators only, formula cells neutralised, streamed, audited."""

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.programs.models import Membership
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _download(client, program) -> tuple[Any, list[list[str]]]:
    response = client.get(reverse("programs:roster_export", args=[program.slug]))
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(text)))


def test_coordinator_downloads_everyone_with_formula_cells_quoted(client):
    program = ProgramFactory(slug="spanish")
    coordinator = CoordinatorFactory(program=program, user=UserFactory(email="cora@example.org"))
    ProfileFactory(
        membership__program=program,
        membership__user=UserFactory(email="eve@example.org"),
        display_name='=HYPERLINK("http://evil")',
    )
    MembershipFactory(
        program=program,
        user=UserFactory(email="ian@example.org", name="Ian"),
        status=Membership.Status.INTAKE,
    )
    client.force_login(coordinator.user)

    response, rows = _download(client, program)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="spanish-people.csv"'
    assert rows[0] == ["name", "email", "role", "status", "intake", "joined"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["eve@example.org"][0] == '\'=HYPERLINK("http://evil")'
    assert by_email["eve@example.org"][4] == "complete"
    assert by_email["ian@example.org"][:5] == [
        "Ian",
        "ian@example.org",
        "Member",
        "Intake to finish",
        "not yet",
    ]
    assert by_email["cora@example.org"][4] == "not needed"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, program=program)
    assert event.after == {"export": "roster"}


def test_roster_export_queries_stay_the_same_as_the_roster_grows(client):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _download(client, program)
        return len(queries)

    for _ in range(3):
        ProfileFactory(membership__program=program)
    few = count()
    for _ in range(30):
        ProfileFactory(membership__program=program)
    assert count() == few


def test_roster_export_is_not_found_for_a_member_of_the_program(client):
    program = ProgramFactory()
    member = MembershipFactory(program=program)
    client.force_login(member.user)
    response = client.get(reverse("programs:roster_export", args=[program.slug]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_roster_page_links_to_both_exports(client):
    program = ProgramFactory()
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    page = client.get(reverse("programs:roster", args=[program.slug])).content.decode()
    assert reverse("programs:roster_export", args=[program.slug]) in page
    assert reverse("partnerships:export", args=[program.slug]) in page
