"""The roster as a CSV file for a program's coordinators (recorded in the audit log)."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction

from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import MemberStatus
from tandem.programs.selectors.roster import roster_list

ROSTER_EXPORT_HEADER = ("name", "email", "role", "status", "intake", "joined")


def _roster_rows(program: Program) -> Iterator[tuple[Any, ...]]:
    # One query, read in chunks as the file is written; the status is the roster's own.
    labels = dict(MemberStatus.choices)
    for m in roster_list(program=program).iterator(chunk_size=500):
        if m.role == Membership.Role.COORDINATOR:
            intake = "not needed"
        else:
            intake = "complete" if getattr(m, "intake_complete", False) else "not yet"
        yield (
            getattr(m, "display_name", ""),
            m.user.email,
            m.get_role_display(),
            str(labels.get(getattr(m, "member_status", None) or "", "")),
            intake,
            m.created_at.date().isoformat(),
        )


@transaction.atomic
def roster_export(
    *, program: Program, user: Any, ip_address: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """Record the export in the audit log; return the roster rows, read lazily while streamed."""
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=f"Roster of {program.name}"[:254],
        program=program,
        after={"export": "roster"},
        ip_address=ip_address,
    )
    return _roster_rows(program)
