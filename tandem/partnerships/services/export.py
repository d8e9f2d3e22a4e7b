"""A program's partnerships as a CSV file for its coordinators (recorded in the audit log).

Figures and names only: no ground rules, messages, notes or reasons typed by partners.
"""

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from django.db import transaction

from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.partnerships.models import PartnershipMember
from tandem.partnerships.selectors.life import seat_name
from tandem.programs.models import Program

PARTNERSHIP_EXPORT_HEADER = (
    "partnership",
    "status",
    "started",
    "paused",
    "ended",
    "end reason",
    "partners",
    "emails",
)


def _date(value: Any) -> str:
    return value.date().isoformat() if value else ""


def _partnership_rows(program: Program) -> Iterator[tuple[Any, ...]]:
    # One query over the seats, newest partnership first, grouped into one row per partnership.
    seats = (
        PartnershipMember.objects.filter(partnership__program=program)
        .select_related("partnership", "membership__user", "membership__profile")
        .order_by("-partnership__started_at", "-partnership_id", "joined_at", "id")
        .iterator(chunk_size=500)
    )
    for _, group in groupby(seats, key=lambda seat: seat.partnership_id):
        people = list(group)
        partnership = people[0].partnership
        yield (
            partnership.pk,
            partnership.get_status_display(),
            _date(partnership.started_at),
            _date(partnership.paused_at),
            _date(partnership.ended_at),
            partnership.end_reason,
            "; ".join(seat_name(seat) for seat in people),
            "; ".join(seat.membership.user.email for seat in people),
        )


@transaction.atomic
def partnership_export(
    *, program: Program, user: Any, ip_address: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """Record the export in the audit log; return one row per partnership, read lazily."""
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=f"Partnerships of {program.name}"[:254],
        program=program,
        after={"export": "partnerships"},
        ip_address=ip_address,
    )
    return _partnership_rows(program)
