"""Reads for the audit log page: the audit log as a program's coordinators see it."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core.models import AuditEvent
from tandem.programs.models import Membership, Program
from tandem.programs.selectors import access_program_as_coordinator


def access_program_audit(*, user: Any, slug: str) -> Program:
    """Return the program whose audit log the user may read (its coordinators); else NotFound."""
    return access_program_as_coordinator(user=user, slug=slug)


def audit_event_list_for_program(*, program: Program) -> QuerySet[AuditEvent]:
    """Return the program's audit events, newest first (never note or message text: none is stored)."""
    return AuditEvent.objects.filter(program=program).order_by("-occurred_at", "-id")


# Human labels of the keys audit events hold (program settings use the settings page's words).
AUDIT_FIELD_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "slug": _("Web address"),
    "description": _("Description"),
    "audience": _("Audience"),
    "status": _("Status"),
    "kickoff_on": _("Kick-off"),
    "midpoint_on": _("Mid-point check-in"),
    "ends_on": _("End"),
    "recap_on": _("Recap"),
    "cadence_weeks": _("Meet every (weeks)"),
    "meeting_minutes": _("Meeting length (minutes)"),
    "format": _("Format"),
    "circle_size_min": _("Smallest circle"),
    "circle_size_max": _("Largest circle"),
    "allow_trios": _("Allow trios"),
    "confidentiality_rules": _("Confidentiality rules"),
    "invited": _("Invited"),
    "role": _("Role"),
    "host": _("Address (host only)"),
    "events": _("Events"),
    "outcome_measure": _("Outcome measure"),
    "export": _("Export"),
    "cohorts": _("Cohorts"),
}
# What an export event's "export" key names: the file that left Tandem.
EXPORT_KINDS: dict[str, Any] = {
    "roster": _("People (CSV)"),
    "partnerships": _("Partnerships (CSV)"),
    "dashboard_figures": _("Dashboard figures (CSV)"),
    "evaluation": _("Evaluation (CSV)"),
}
PROGRAM_ACTIONS = {AuditEvent.Action.PROGRAM_CHANGED, AuditEvent.Action.DOORS_OPENED}
EMPTY_VALUE = "—"
TEXT_SHOWN = 80


@dataclass(frozen=True)
class AuditChange:
    """One key of an audit event: its label and the value before and after, for people."""

    label: str
    before: str | None  # None when the event records no earlier value
    after: str


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    changes: list[AuditChange]


def _value_label(action: str, key: str, value: Any) -> str:
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(_value_label(action, key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_label(action, k, v)}" for k, v in value.items())
    choices: dict[str, Any] = {}
    if key == "status":
        status = Program.Status if action in PROGRAM_ACTIONS else Membership.Status
        choices = dict(status.choices)
    elif key == "format":
        choices = dict(Program.Format.choices)
    elif key == "role":
        choices = dict(Membership.Role.choices)
    elif key == "export":
        choices = EXPORT_KINDS
    text = str(choices.get(value, value))
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def audit_changes(event: AuditEvent) -> list[AuditChange]:
    """Return the event's keys as "label: before → after" pairs, in the order they were written."""
    keys = list(event.before) + [key for key in event.after if key not in event.before]
    changes = []
    for key in keys:
        label = str(AUDIT_FIELD_LABELS.get(key, key.replace("_", " ").capitalize()))
        before = _value_label(event.action, key, event.before[key]) if key in event.before else None
        after = _value_label(event.action, key, event.after.get(key))
        changes.append(AuditChange(label=label, before=before, after=after))
    return changes


def audit_rows(events: Any) -> list[AuditRow]:
    """Return the events of a page with their changes ready to show."""
    return [AuditRow(event=event, changes=audit_changes(event)) for event in events]
