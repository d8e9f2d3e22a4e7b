"""Dashboard API (``/api/v1/dashboard``): the member home summary and the program's figures.

Figures go to the program's coordinators only; anyone else gets 404. No note, message,
agreement or meeting content is ever part of an answer.
"""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from tandem.api.errors import errors
from tandem.core.errors import NotFound
from tandem.dashboard import selectors, selectors_first_month, selectors_outcomes, services
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.selectors import access_program, access_program_as_coordinator

router = Router(tags=["dashboard"])


class DueOut(Schema):
    goal_id: int
    title: str
    due_on: date
    is_step: bool
    overdue: bool


class GoalSummaryOut(Schema):
    id: int
    title: str
    due_on: date | None
    percent: int


class BalanceOut(Schema):
    name: str
    mentee_minutes: int
    mentor_minutes: int


class MemberHomeOut(Schema):
    program: str
    partnership_id: int | None
    partners: list[str]
    next_meeting_id: int | None
    next_meeting_starts_at: datetime | None
    next_meeting_ics: str | None
    goals: list[GoalSummaryOut]
    due: list[DueOut]
    goals_completed: int
    balance: list[BalanceOut]
    balance_suggestion: str
    surveys_waiting: list[str]
    pulses_waiting: list[int]
    help_url: str
    time_zone: str


class StalledOut(Schema):
    partnership_id: int
    partners: list[str]
    cadence_weeks: int
    last_held_at: datetime | None
    last_nudged_at: datetime | None


class FiguresOut(Schema):
    program: str
    members_total: int
    members_by_status: dict[str, int]
    partnerships_by_status: dict[str, int]
    stalled: int
    meetings_planned: int
    meetings_held: int
    meetings_missed: int
    meetings_upcoming: int
    balance_bands: dict[str, int]
    goals_set: int
    goals_completed: int
    pulse_answers: int
    pulse_mean: float | None
    pulse_counts: dict[str, int]
    help_flags: int
    help_flags_open: int
    supported_on_time: int
    check_ins_overdue: int
    check_ins_recent: int


class FirstMonthMeetingOut(Schema):
    starts_at: datetime
    local_start: datetime
    label: str
    scheduled: bool
    meeting_id: int | None


class FirstMonthWorksheetOut(Schema):
    id: int
    title: str
    due_label: str
    url: str


class FirstMonthDocumentOut(Schema):
    id: int
    title: str
    url: str


class FirstMonthOut(Schema):
    partnership_id: int
    time_zone: str
    kickoff_on: date | None
    until: date
    scheduled: bool
    meetings: list[FirstMonthMeetingOut]
    alternatives: list[str]
    proposal_waiting: bool
    cadence_weeks: int
    meeting_minutes: int
    turn_minutes: int
    first_mentee: str
    first_mentors: list[str]
    reader_goes_first: bool
    worksheet: FirstMonthWorksheetOut | None
    guidebook: list[FirstMonthDocumentOut]
    page_url: str
    schedule_url: str


class MeasureOutcomeOut(Schema):
    text: str
    before_answers: int
    before_mean: float | None
    after_answers: int
    after_mean: float | None
    answered_both: int
    change: float | None


class CohortOutcomesOut(Schema):
    program: str
    name: str
    members_matched: int
    partnerships: int
    ended_early: int
    early_endings: dict[str, int]
    retention_percent: int | None
    meetings_held: int
    goals_set: int
    goals_completed: int
    measures: list[MeasureOutcomeOut]


class OutcomesOut(Schema):
    program: str
    min_group: int
    cohorts: list[CohortOutcomesOut]


class NudgeResultOut(Schema):
    sent: int
    skipped: int


@router.get("/first-month/{pk}", response={200: FirstMonthOut, **errors(404, 422)})
def first_month(request: HttpRequest, pk: int) -> dict:
    """Return a partnership's first month for the partner asking, in their own time zone
    (partners only; anyone else gets 404, as on the page)."""
    from django.urls import reverse

    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    month = selectors_first_month.first_month_preview(partnership=partnership, seat=seat)
    sheet = month.worksheet
    return {
        "partnership_id": partnership.pk,
        "time_zone": month.time_zone,
        "kickoff_on": month.kickoff_on,
        "until": month.until,
        "scheduled": month.scheduled,
        "meetings": [
            {
                "starts_at": m.starts_at,
                "local_start": m.local,
                "label": m.label,
                "scheduled": m.scheduled,
                "meeting_id": m.meeting.pk if m.meeting else None,
            }
            for m in month.meetings
        ],
        "alternatives": month.alternatives,
        "proposal_waiting": month.proposal_waiting,
        "cadence_weeks": month.cadence_weeks,
        "meeting_minutes": month.meeting_minutes,
        "turn_minutes": month.turn_minutes,
        "first_mentee": month.first_mentee,
        "first_mentors": month.first_mentors,
        "reader_goes_first": month.reader_goes_first,
        "worksheet": (
            {
                "id": sheet.template.pk,
                "title": sheet.template.title,
                "due_label": sheet.due_label,
                "url": sheet.url,
            }
            if sheet
            else None
        ),
        "guidebook": [
            {
                "id": d.pk,
                "title": d.title,
                "url": reverse("programs:document", args=[month.program.slug, d.pk]),
            }
            for d in month.guidebook
        ],
        "page_url": month.page_url,
        "schedule_url": month.schedule_url,
    }


@router.get("/{slug}/me", response={200: MemberHomeOut, **errors(404)})
def member_home(request: HttpRequest, slug: str) -> dict:
    """Return the member home in figures: partner, next meeting, goals, waiting items."""
    from django.urls import reverse

    program, membership = access_program(user=request.user, slug=slug)
    if membership.is_coordinator:
        raise NotFound()
    home = selectors.member_home(membership=membership)
    meeting = home.next_meeting
    return {
        "program": program.slug,
        "partnership_id": home.partnership.pk if home.partnership else None,
        "partners": home.partner_names,
        "next_meeting_id": meeting.pk if meeting else None,
        "next_meeting_starts_at": meeting.starts_at if meeting else None,
        "next_meeting_ics": reverse("meetings:ics", kwargs={"pk": meeting.pk}) if meeting else None,
        "goals": [
            {"id": g.pk, "title": g.title, "due_on": g.due_on, "percent": g.percent}
            for g in home.goals
        ],
        "due": [
            {
                "goal_id": d.goal.pk,
                "title": d.title,
                "due_on": d.due_on,
                "is_step": d.is_step,
                "overdue": d.overdue,
            }
            for d in home.due
        ],
        "goals_completed": home.completed_goals,
        "balance": [
            {"name": p.name, "mentee_minutes": p.mentee_minutes, "mentor_minutes": p.mentor_minutes}
            for p in (home.balance.partners if home.balance else [])
        ],
        "balance_suggestion": home.balance.suggestion if home.balance else "",
        "surveys_waiting": [s.kind for s in home.surveys],
        "pulses_waiting": [m.pk for m in home.pulses],
        "help_url": reverse("programs:help", kwargs={"slug": program.slug}),
        "time_zone": home.time_zone,
    }


@router.get("/{slug}/outcomes", response={200: OutcomesOut, **errors(404)})
def outcomes(request: HttpRequest, slug: str) -> dict:
    """Return the outcomes of the program and of the earlier cohorts the caller coordinates,
    oldest first: outcome measures before and after (a mean from fewer than ``min_group``
    answers is null), partnerships, early endings by reason code, meetings held, goals."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    cohorts = selectors_outcomes.outcomes_by_cohort(program=program, user=request.user)
    return {
        "program": program.slug,
        "min_group": selectors_outcomes.MIN_GROUP,
        "cohorts": [
            {
                "program": c.program.slug,
                "name": c.program.name,
                "members_matched": c.members,
                "partnerships": c.partnerships,
                "ended_early": c.ended_early,
                "early_endings": c.early_endings,
                "retention_percent": c.retention,
                "meetings_held": c.meetings_held,
                "goals_set": c.goals_set,
                "goals_completed": c.goals_completed,
                "measures": [
                    {
                        "text": m.text,
                        "before_answers": m.before_n,
                        "before_mean": m.before_mean,
                        "after_answers": m.after_n,
                        "after_mean": m.after_mean,
                        "answered_both": m.paired_n,
                        "change": m.change,
                    }
                    for m in c.measures
                ],
            }
            for c in cohorts
        ],
    }


@router.get("/{slug}", response={200: FiguresOut, **errors(404)})
def figures(request: HttpRequest, slug: str) -> dict:
    """Return the program's figures (coordinators of the program only)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    f = selectors.program_figures(program=program)
    return {
        "program": program.slug,
        "members_total": f.members_total,
        "members_by_status": f.members_by_status,
        "partnerships_by_status": f.partnerships_by_status,
        "stalled": len(f.stalled),
        "meetings_planned": f.meetings_planned,
        "meetings_held": f.meetings_held,
        "meetings_missed": f.meetings_missed,
        "meetings_upcoming": f.meetings_upcoming,
        "balance_bands": f.balance_bands,
        "goals_set": f.goals_set,
        "goals_completed": f.goals_completed,
        "pulse_answers": f.pulse.answered,
        "pulse_mean": f.pulse.mean,
        "pulse_counts": f.pulse.counts,
        "help_flags": f.help_flags_total,
        "help_flags_open": f.help_flags_open,
        "supported_on_time": f.supported_on_time,
        "check_ins_overdue": f.support.overdue,
        "check_ins_recent": f.check_ins_recent,
    }


@router.get("/{slug}/stalled", response={200: list[StalledOut], **errors(404)})
def stalled_list(request: HttpRequest, slug: str) -> list[dict]:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return [
        {
            "partnership_id": row.partnership.pk,
            "partners": row.partner_names,
            "cadence_weeks": row.cadence_weeks,
            "last_held_at": row.last_held_at,
            "last_nudged_at": row.last_nudged_at,
        }
        for row in selectors.partnership_list_stalled(program=program)
    ]


@router.post("/{slug}/stalled/nudge", response={200: NudgeResultOut, **errors(403, 404)})
def stalled_nudge(request: HttpRequest, slug: str) -> object:
    """Nudge every stalled partnership (at most once a week each)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return services.stalled_nudge_send(program=program, user=request.user)
