"""Reads for the core app: the audit log as a program's coordinators see it."""

from typing import Any

from django.db.models import QuerySet

from tandem.core.models import AuditEvent
from tandem.programs.models import Program
from tandem.programs.selectors import access_program_as_coordinator


def access_program_audit(*, user: Any, slug: str) -> Program:
    """Return the program whose audit log the user may read (its coordinators); else NotFound."""
    return access_program_as_coordinator(user=user, slug=slug)


def audit_event_list_for_program(*, program: Program) -> QuerySet[AuditEvent]:
    """Return the program's audit events, newest first (never note or message text: none is stored)."""
    return AuditEvent.objects.filter(program=program).order_by("-occurred_at", "-id")
