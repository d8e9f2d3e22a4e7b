"""On PostgreSQL, the pages of a busy program find their rows through an index.

A page that reads meetings, turns, notes, goals or audit events by scanning the whole table is
fast on a test database and slow on a site with years of history (docs/benchmarks.md). The
planner picks a sequential scan for small tables whatever the indexes, so this test forbids it
(``enable_seqscan = off``): PostgreSQL then scans a table only when no index can serve the
query. Every query the coordinator's and a member's pages run on a seeded program is explained
in JSON, and no plan may scan one of the big tables.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.load.seed_big import Site, _plan
from tandem.core import clock
from tandem.matching.models import MatchRun
from tandem.meetings.models import Meeting
from tandem.partnerships.models import PartnershipMember
from tandem.programs.models import Membership

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plans are PostgreSQL's (CI runs both)"
    ),
]

# The tables that grow with a program's history: a year of a 10,000-member program holds
# hundreds of thousands of rows in each.
BIG_TABLES = frozenset(
    {
        "core_auditevent",
        "meetings_meeting",
        "meetings_turn",
        "meetings_note",
        "meetings_attendance",
        "goals_goal",
        "goals_step",
        "goals_pulse",
        "partnerships_message",
        "partnerships_partnershipevent",
    }
)


def _scans(plan: dict[str, Any], *, limited: bool = False) -> Iterator[str]:
    """Yield the relation of every whole-table read in an EXPLAIN (FORMAT JSON) plan tree.

    A sequential scan reads the whole table; so does an index scan with no condition on the
    index (walking an index in order and filtering every row), unless a limit above it stops
    it early (the newest 50 audit events, say).
    """
    node = plan.get("Node Type")
    limited = limited or node == "Limit"
    if node == "Seq Scan" or (
        node in {"Index Scan", "Index Only Scan"} and "Index Cond" not in plan and not limited
    ):
        yield plan["Relation Name"]
    for child in plan.get("Plans", ()):
        yield from _scans(child, limited=limited)


def _big_table_scans(queries: list[dict[str, str]]) -> dict[str, set[str]]:
    """Explain every SELECT (with its parameters bound) and return the big tables each scans."""
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                (document,) = cursor.fetchone()
                scanned = set(_scans(document[0]["Plan"])) & BIG_TABLES
                if scanned:
                    found[sql] = scanned
        finally:
            cursor.execute("SET enable_seqscan = on")
    return found


@pytest.fixture
def busy() -> dict[str, Any]:
    """A seeded program with history, a second one beside it, and the pages people open."""
    site = Site(seed=3, today=clock.today())
    program = site.program(slug="busy", name="Busy", members=12)
    site.program(slug="other", name="Other", members=6)
    plan = _plan(program)
    seat = PartnershipMember.objects.filter(partnership__program=program).select_related(
        "membership__user", "partnership"
    )[0]
    pk = seat.partnership_id
    run = MatchRun.objects.filter(program=program).latest("pk")
    meeting = Meeting.objects.filter(partnership_id=pk, status=Meeting.Status.HELD).latest("pk")
    slug = program.slug
    return {
        "coordinator": Membership.objects.get(
            program=program, role=Membership.Role.COORDINATOR, user__email__contains="coordinator-0"
        ).user,
        "coordinator_pages": [
            *plan["coordinator_pages"],
            reverse("dashboard:cockpit", args=[slug]),
            reverse("programs:roster", args=[slug]),
            reverse("dashboard:partnership_list", args=[slug]),
            reverse("dashboard:member_detail", args=[slug, seat.membership_id]),
            reverse("dashboard:export", args=[slug]),
            reverse("dashboard:evaluation_export", args=[slug]),
            reverse("matching:runs", args=[slug]),
            reverse("matching:review", args=[slug, run.pk]),
            reverse("audit:log", args=[slug]),
            reverse("support:list", args=[slug]),
        ],
        "member": seat.membership.user,
        "member_pages": [
            *plan["member_pages"],
            reverse("partnerships:detail", args=[pk]),
            reverse("meetings:list"),
            reverse("meetings:schedule", args=[pk]),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("goals:partnership", args=[pk]),
            reverse("partnerships:messages", args=[pk]),
        ],
    }


def _queries_of(user: Any, urls: list[str]) -> list[dict[str, str]]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        for url in urls:
            assert client.get(url, follow=True).status_code == 200, url
    return list(captured.captured_queries)


def test_the_coordinators_pages_scan_no_big_table(busy):
    queries = _queries_of(busy["coordinator"], busy["coordinator_pages"])

    assert len(queries) > 50  # the pages did run their queries
    assert _big_table_scans(queries) == {}


def test_a_members_pages_scan_no_big_table(busy):
    queries = _queries_of(busy["member"], busy["member_pages"])

    assert len(queries) > 30
    assert _big_table_scans(queries) == {}


def test_the_check_sees_a_query_no_index_serves():
    # The meetings table has no index on the cancellation's reason: the check must say so,
    # or the two tests above prove nothing.
    query = {"sql": "SELECT id FROM meetings_meeting WHERE cancel_reason = 'ill'"}
    assert _big_table_scans([query]) == {query["sql"]: {"meetings_meeting"}}
