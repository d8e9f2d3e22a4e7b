"""Writes of the dashboard: nudging stalled partnerships, exporting the figures (audited)."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.exports import csv_lines
from tandem.core.models import AuditEvent
from tandem.core.nudges import iso_week, nudge_is_too_soon
from tandem.dashboard import selectors, selectors_outcomes
from tandem.dashboard.models import StalledNudge
from tandem.dashboard.selectors_outcomes import MIN_GROUP, CohortOutcomes
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
    text = "".join(
        csv_lines(
            header=[gettext("section"), gettext("figure"), gettext("value")],
            rows=figure_rows(figures),
        )
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=f"Dashboard figures of {program.name}"[:254],
        program=program,
        after={"export": "dashboard_figures"},
        ip_address=ip_address,
    )
    return text


def _count(n: int) -> Any:
    """A count of people or partnerships as the evaluation shows it: one to four withheld."""
    return gettext("fewer than %(n)d") % {"n": MIN_GROUP} if 0 < n < MIN_GROUP else n


def _share(value: float | None, n: int) -> tuple[Any, Any]:
    """A mean or percentage and the number behind it; withheld when fewer than five."""
    if 0 < n < MIN_GROUP:
        return "", _count(n)
    return ("" if value is None else value), n


def evaluation_rows(cohorts: list[CohortOutcomes]) -> list[tuple[Any, ...]]:
    """Return the evaluation as (cohort, section, figure, value, based on) rows.

    Aggregates only: no name, no answer, no free text; every count of one to four people or
    partnerships, and every mean or percentage drawn from fewer than five, is withheld.
    """
    _ = gettext
    partnerships, meetings, goals, measures = (
        _("Partnerships"),
        _("Meetings"),
        _("Goals"),
        _("Outcome measures (1-5)"),
    )
    rows: list[tuple[Any, ...]] = []
    for cohort in cohorts:
        name = cohort.program.name
        rows += [
            (name, partnerships, _("Members matched"), _count(cohort.members), ""),
            (name, partnerships, _("Partnerships"), _count(cohort.partnerships), ""),
            (
                name,
                partnerships,
                _("Did not end early (%)"),
                *_share(cohort.retention, cohort.partnerships),
            ),
            (name, partnerships, _("Ended early"), _count(cohort.ended_early), ""),
        ]
        rows += [
            (name, partnerships, _("Ended early: %(reason)s") % {"reason": reason}, _count(n), "")
            for reason, n in cohort.early_endings_by_label.items()
        ]
        rows += [
            (name, meetings, _("Held"), cohort.meetings_held, ""),
            (
                name,
                meetings,
                _("Held per partnership"),
                *_share(cohort.meetings_per_partnership, cohort.partnerships),
            ),
            (name, goals, _("Set"), cohort.goals_set, ""),
            (name, goals, _("Completed (%)"), *_share(cohort.goal_attainment, cohort.goals_set)),
        ]
        for m in cohort.measures:
            rows += [
                (
                    name,
                    measures,
                    _("%(measure)s: mean at kick-off") % {"measure": m.text},
                    *_share(m.before_mean, m.before_n),
                ),
                (
                    name,
                    measures,
                    _("%(measure)s: mean at recap") % {"measure": m.text},
                    *_share(m.after_mean, m.after_n),
                ),
                (
                    name,
                    measures,
                    _("%(measure)s: change, for those who answered both") % {"measure": m.text},
                    *_share(m.change, m.paired_n),
                ),
            ]
    return rows


def evaluation_export(*, program: Program, user: Any, ip_address: str | None = None) -> str:
    """Return the outcomes of the program and its earlier cohorts as CSV text (audited)."""
    cohorts = selectors_outcomes.outcomes_by_cohort(program=program, user=user)
    header = [
        gettext("cohort"),
        gettext("section"),
        gettext("figure"),
        gettext("value"),
        gettext("based on"),
    ]
    text = "".join(csv_lines(header=header, rows=evaluation_rows(cohorts)))
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=user,
        subject_label=f"Evaluation of {program.name}"[:254],
        program=program,
        after={"export": "evaluation", "cohorts": ", ".join(c.program.slug for c in cohorts)},
        ip_address=ip_address,
    )
    return text
