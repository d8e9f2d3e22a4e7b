"""The partnerships as CSV: coordinators only, names and dates (never content), streamed."""

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.partnerships.services.life import partnership_end, partnership_pause
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(slug="spanish")


def _download(client, program) -> tuple[Any, list[list[str]]]:
    response = client.get(reverse("partnerships:export", args=[program.slug]))
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(text)))


def test_coordinator_downloads_one_row_per_partnership(client, program):
    ended, people = partnership_of(program, "Ana", "Ben")
    partnership_end(
        partnership=ended,
        user=people["Ana"].user,
        end_reason="not_a_fit",
        details="Private words for Ben",
        feedback="Private feedback",
    )
    paused, people2 = partnership_of(program, "Cleo", "Dan", "-Eve")
    partnership_pause(partnership=paused, user=people2["Cleo"].user, reason="Holidays in Peru")
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)

    response, rows = _download(client, program)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="spanish-partnerships.csv"'
    assert rows[0][0:3] == ["partnership", "status", "started"]
    body = {row[0]: row for row in rows[1:]}
    assert body[str(ended.pk)][1] == "Ended"
    assert body[str(ended.pk)][5] == "We are not a good fit"
    assert body[str(ended.pk)][6] == "Ana; Ben"
    assert body[str(paused.pk)][1] == "Paused"
    assert body[str(paused.pk)][6] == "Cleo; Dan; -Eve"  # quoted only at the start of a cell
    assert body[str(paused.pk)][7] == "cleo@example.org; dan@example.org; -eve@example.org"
    text = "\n".join(",".join(row) for row in rows)
    assert "Private" not in text and "Peru" not in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, after={"export": "partnerships"}
    ).exists()


def test_a_cell_starting_like_a_formula_is_quoted(client, program):
    partnership_of(program, "=cmd", "Ben")
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    _, rows = _download(client, program)
    assert rows[1][6] == "'=cmd; Ben"


def test_partnership_export_queries_stay_the_same_as_partnerships_grow(client, program):
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _download(client, program)
        return len(queries)

    partnership_of(program, "A1", "B1")
    few = count()
    for i in range(10):
        partnership_of(program, f"A{i + 2}", f"B{i + 2}")
    assert count() == few


def test_partnership_export_is_not_found_for_a_partner(client, program):
    _, people = partnership_of(program, "Ana", "Ben")
    client.force_login(people["Ana"].user)
    assert client.get(reverse("partnerships:export", args=[program.slug])).status_code == 404
