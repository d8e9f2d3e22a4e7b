"""Writes of the dashboard: nudging stalled partnerships, exporting the figures (audited)."""

import csv
import io
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.core.nudges import iso_week, nudge_is_too_soon
from tandem.dashboard import selectors
from tandem.dashboard.models import StalledNudge
from tandem.interchange.cells import csv_safe
from tandem.programs.models import Program

NOTHING_STALLED = (
    "No partnership is stalled: none has gone twice its cadence without a meeting held."
)
ALL_NUDGED = (
    "Every stalled partnership was nudged in the last week already; "
    "you can nudge them again seven days after the last nudge."
)


@dataclass(frozen=True)
class NudgeResult:
    sent: int
    skipped: int


@transaction.atomic
def stalled_nudge_send(*, program: Program, user: Any) -> NudgeResult:
    """Email the partners of every stalled partnership, at most once a week per partnership."""
    from tandem.dashboard import tasks

    now = clock.now()
    stalled = selectors.partnership_list_stalled(program=program, now=now)
    sent = skipped = 0
    for row in stalled:
        if nudge_is_too_soon(row.last_nudged_at, now=now):
            skipped += 1
            continue
        try:
            with transaction.atomic():
                nudge = StalledNudge.objects.create(
                    partnership=row.partnership, sent_by=user, week=iso_week(now), sent_at=now
                )
        except IntegrityError:
            skipped += 1
            continue
        sent += 1
        transaction.on_commit(partial(tasks.stalled_nudge_email_send.enqueue, nudge_id=nudge.pk))
    return NudgeResult(sent=sent, skipped=skipped)


def figure_rows(figures: selectors.Figures) -> list[tuple[str, str, Any]]:
    """Return the dashboard's figures as (section, figure, value) rows: numbers only."""
    rows: list[tuple[str, str, Any]] = [
        ("Program", "Name", figures.program.name),
        ("Members", "Total", figures.members_total),
    ]
    rows += [("Members", status, n) for status, n in figures.members_by_status.items()]
    rows += [("Partnerships", status, n) for status, n in figures.partnerships_by_status.items()]
    rows.append(("Partnerships", "Stalled", len(figures.stalled)))
    rows += [
        ("Support", "Active partnerships supported on time", figures.supported_on_time),
        ("Support", "Check-ins overdue", figures.support.overdue),
        ("Support", "Check-ins in the last 4 weeks", figures.check_ins_recent),
    ]
    rows += [
        ("Meetings", "Planned so far", figures.meetings_planned),
        ("Meetings", "Held", figures.meetings_held),
        ("Meetings", "Missed", figures.meetings_missed),
        ("Meetings", "Scheduled ahead", figures.meetings_upcoming),
    ]
    rows += [("Give and take", band, n) for band, n in figures.balance_bands.items()]
    rows += [
        ("Goals", "Set", figures.goals_set),
        ("Goals", "Completed", figures.goals_completed),
        ("Meeting pulse", "Answers", figures.pulse.answered),
        (
            "Meeting pulse",
            "Mean (1-5)",
            figures.pulse.mean if figures.pulse.mean is not None else "",
        ),
    ]
    rows += [("Meeting pulse", f"Rated {score}", n) for score, n in figures.pulse.counts.items()]
    for result in figures.surveys:
        section = f"{result.survey.get_kind_display()} survey"
        rows.append((section, "Responses", result.responses))
        for q in result.questions:
            rows.append((section, f"{q.question.text}: answered", q.answered))
            if q.mean is not None:
                rows.append((section, f"{q.question.text}: mean (1-5)", q.mean))
            rows += [(section, f"{q.question.text}: {label}", n) for label, n in q.counts.items()]
    rows.append(("Help flags", "Raised", figures.help_flags_total))
    rows.append(("Help flags", "Open", figures.help_flags_open))
    return rows


@transaction.atomic
def figures_export(*, program: Program, user: Any, ip_address: str | None = None) -> str:
    """Return the dashboard's figures as CSV text and record the export in the audit log."""
    figures = selectors.program_figures(program=program)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "figure", "value"])
    for row in figure_rows(figures):
        writer.writerow([csv_safe(cell) for cell in row])
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=f"Dashboard figures of {program.name}"[:254],
        program=program,
        after={"export": "dashboard_figures"},
        ip_address=ip_address,
    )
    return buffer.getvalue()
