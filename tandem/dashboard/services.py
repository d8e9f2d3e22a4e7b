"""Writes of the dashboard: nudging stalled partnerships, exporting the figures (audited)."""

import csv
import io
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent
from tandem.core.nudges import iso_week, nudge_is_too_soon
from tandem.dashboard import selectors
from tandem.dashboard.models import StalledNudge
from tandem.interchange.cells import csv_safe
from tandem.programs.models import Program

NOTHING_STALLED = gettext_noop(
    "No partnership is stalled: none has gone twice its cadence without a meeting held."
)
ALL_NUDGED = gettext_noop(
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
    """Return the dashboard's figures as (section, figure, value) rows: numbers only.

    The words are in the current language (the coordinator's who exports): the file is read
    by people, in a spreadsheet.
    """
    _ = gettext
    members, partnerships, support = _("Members"), _("Partnerships"), _("Support")
    meetings, goals, pulse, help_flags = (
        _("Meetings"),
        _("Goals"),
        _("Meeting pulse"),
        _("Help flags"),
    )
    rows: list[tuple[str, str, Any]] = [
        (_("Program"), _("Name"), figures.program.name),
        (members, _("Total"), figures.members_total),
    ]
    rows += [(members, status, n) for status, n in figures.members_by_status.items()]
    rows += [(partnerships, status, n) for status, n in figures.partnerships_by_status.items()]
    rows.append((partnerships, _("Stalled"), len(figures.stalled)))
    rows += [
        (support, _("Active partnerships supported on time"), figures.supported_on_time),
        (support, _("Check-ins overdue"), figures.support.overdue),
        (support, _("Check-ins in the last 4 weeks"), figures.check_ins_recent),
    ]
    rows += [
        (meetings, _("Planned so far"), figures.meetings_planned),
        (meetings, _("Held"), figures.meetings_held),
        (meetings, _("Missed"), figures.meetings_missed),
        (meetings, _("Scheduled ahead"), figures.meetings_upcoming),
    ]
    rows += [(_("Give and take"), _(band), n) for band, n in figures.balance_bands.items()]
    rows += [
        (goals, _("Set"), figures.goals_set),
        (goals, _("Completed"), figures.goals_completed),
        (pulse, _("Answers"), figures.pulse.answered),
        (pulse, _("Mean (1-5)"), figures.pulse.mean if figures.pulse.mean is not None else ""),
    ]
    rows += [
        (pulse, _("Rated %(score)s") % {"score": score}, n)
        for score, n in figures.pulse.counts.items()
    ]
    for result in figures.surveys:
        section = _("%(kind)s survey") % {"kind": result.survey.get_kind_display()}
        rows.append((section, _("Responses"), result.responses))
        for q in result.questions:
            text = q.question.text
            rows.append((section, _("%(question)s: answered") % {"question": text}, q.answered))
            if q.mean is not None:
                rows.append((section, _("%(question)s: mean (1-5)") % {"question": text}, q.mean))
            rows += [(section, f"{text}: {label}", n) for label, n in q.counts.items()]
    rows.append((help_flags, _("Raised"), figures.help_flags_total))
    rows.append((help_flags, _("Open"), figures.help_flags_open))
    return rows


@transaction.atomic
def figures_export(*, program: Program, user: Any, ip_address: str | None = None) -> str:
    """Return the dashboard's figures as CSV text and record the export in the audit log."""
    figures = selectors.program_figures(program=program)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([gettext("section"), gettext("figure"), gettext("value")])
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
