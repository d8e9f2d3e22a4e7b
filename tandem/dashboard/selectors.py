"""Reads for the member home and the coordinator dashboard.

The dashboard shows figures only: counts, dates and names, never a note, message, agreement
text or anything said in a meeting. Every figure comes from a fixed number of queries, so the
page costs the same for a program of 100 members as for one of 10,000.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.nudges import nudge_is_too_soon
from tandem.dashboard.models import StalledNudge
from tandem.dashboard.selectors_first_month import first_month_open
from tandem.goals import selectors as goal_selectors
from tandem.goals.models import Goal, Survey
from tandem.meetings.models import Commitment, Meeting
from tandem.meetings.selectors.access import seat_live_with_seats, seat_name
from tandem.meetings.selectors.balance import balance_for_partnership, turn_seconds_held
from tandem.meetings.selectors.schedule import meeting_upcoming_first
from tandem.partnerships.models import AgreementVersion, Partnership, PartnershipMember
from tandem.partnerships.selectors.closing import closing_list_for
from tandem.programs.models import Membership, Profile, Program
from tandem.programs.selectors.member_status import member_status_counts
from tandem.support import selectors as support_selectors
from tandem.support.models import CheckIn

# Balance bands: the ratio of the most to the least time in the mentee's seat.
EVEN_RATIO = 55 / 45
LEANING_RATIO = 65 / 35
# In English, as the figures' keys (the API's and the export's); pages translate them.
BALANCE_BANDS = [
    gettext_noop("Not timed yet"),
    gettext_noop("Even (up to 55/45)"),
    gettext_noop("Leaning (up to 65/35)"),
    gettext_noop("One-sided"),
]


# --- Member home ----------------------------------------------------------------------------


@dataclass
class MemberHome:
    program: Program
    membership: Membership
    partnership: Partnership | None
    partner_names: list[str]
    next_meeting: Meeting | None
    goals: list[Goal]
    due: list[goal_selectors.DueItem]
    completed_goals: int
    balance: Any
    surveys: list[Survey]
    pulses: list[Meeting]
    help_kinds: list[tuple[str, str]]
    # The zone every instant on the page is shown in (the member's own, see goals.selectors).
    time_zone: str
    # What the member said they would do before next time, not yet asked about.
    commitments: list[Commitment] = field(default_factory=list)
    # The intake is unfinished or consent to matching is missing: the page asks to finish it.
    intake_unfinished: bool = False
    # The partnership is in its first month (or has held no meeting): the page links its preview.
    first_month: bool = False
    # The member's ended partnerships: each has a closing page (guide, exit survey, contacts).
    closings: list[Partnership] = field(default_factory=list)

    @property
    def balance_timed(self) -> bool:
        """Return whether any turn has been timed yet (else the balance is all zeros)."""
        partners = self.balance.partners if self.balance is not None else []
        return any(p.mentee_minutes or p.mentor_minutes for p in partners)


def member_home(*, membership: Membership) -> MemberHome:
    """Return what a member needs at a glance: partner, next meeting, goals, what is waiting."""
    seat, seats = seat_live_with_seats(membership=membership)
    partnership = seat.partnership if seat else None
    partner_names: list[str] = []
    next_meeting = None
    balance = None
    if seat is not None and partnership is not None:
        partner_names = [seat_name(s) for s in seats if s.pk != seat.pk]
        next_meeting = meeting_upcoming_first(partnership=partnership)
        balance = balance_for_partnership(partnership, seats=seats)
    goals = goal_selectors.goal_list_open_for_member(membership=membership)
    commitments: list[Commitment] = []
    if seat is not None:
        commitments = list(
            Commitment.objects.filter(seat=seat, reviewed_in__isnull=True)
            .select_related("meeting")
            .order_by("-meeting__starts_at")[:3]
        )
    state = (
        Profile.objects.filter(membership=membership)
        .values_list("submitted_at", "consent_at")
        .first()
    )
    return MemberHome(
        program=membership.program,
        membership=membership,
        partnership=partnership,
        partner_names=partner_names,
        next_meeting=next_meeting,
        goals=goals,
        due=goal_selectors.due_items(goals=goals),
        completed_goals=Goal.objects.filter(owner=membership, completed_at__isnull=False).count(),
        balance=balance,
        surveys=goal_selectors.survey_waiting_for(membership=membership),
        pulses=goal_selectors.pulse_waiting_for(membership=membership),
        help_kinds=support_selectors.help_kinds_for(program=membership.program),
        time_zone=goal_selectors.membership_zone(membership=membership),
        commitments=commitments,
        intake_unfinished=state is None or None in state,
        first_month=partnership is not None and first_month_open(partnership=partnership),
        closings=closing_list_for(membership=membership),
    )


# --- Coordinator dashboard ------------------------------------------------------------------


@dataclass
class StalledPartnership:
    partnership: Partnership
    partner_names: list[str]
    cadence_weeks: int
    last_held_at: datetime | None
    last_nudged_at: datetime | None

    @property
    def nudged_this_week(self) -> bool:
        return nudge_is_too_soon(self.last_nudged_at)


@dataclass
class Figures:
    program: Program
    members_by_status: dict[str, int]
    members_total: int
    partnerships_by_status: dict[str, int]
    stalled: list[StalledPartnership]
    # Active partnerships that have never held a meeting (stalled or still young).
    partnerships_never_met: int
    meetings_planned: int
    meetings_held: int
    meetings_missed: int
    meetings_upcoming: int
    balance_bands: dict[str, int]
    goals_set: int
    goals_completed: int
    pulse: goal_selectors.PulseSummary
    surveys: list[goal_selectors.SurveyResult]
    help_flags_total: int
    help_flags_open: int
    support: support_selectors.SupportSummary
    check_ins_recent: int  # check-ins recorded or sent in the last four weeks
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def partnerships_active(self) -> int:
        return self.partnerships_by_status.get(Partnership.Status.ACTIVE.label, 0)

    @property
    def supported_on_time(self) -> int:
        """Active partnerships whose check-in is not overdue (the support rate's numerator)."""
        return self.support.active - self.support.overdue

    @property
    def support_rate(self) -> int | None:
        """Percentage of active partnerships supported on time; None without any."""
        if not self.support.active:
            return None
        return round(100 * self.supported_on_time / self.support.active)


def members_by_status(*, program: Program) -> dict[str, int]:
    """Return the program's members (coordinators aside) counted by member status, in order."""
    return {c.label: c.count for c in member_status_counts(program=program)}


def _agreed_cadence() -> Subquery:
    return Subquery(
        AgreementVersion.objects.filter(
            agreement__partnership=OuterRef("pk"), agreed_at__isnull=False
        )
        .order_by("-number")
        .values("cadence_weeks")[:1],
        output_field=IntegerField(),
    )


def partnership_list_stalled(
    *, program: Program, now: datetime | None = None
) -> list[StalledPartnership]:
    """Return active partnerships with no meeting held in twice their cadence.

    The cadence is the agreed ground rules' when the partners agreed, else the program's. A
    partnership younger than twice its cadence counts from the day it started.
    """
    at = now or clock.now()
    last_held = (
        Meeting.objects.filter(partnership=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    last_nudge = StalledNudge.objects.filter(partnership=OuterRef("pk")).order_by("-sent_at")
    partnerships = (
        Partnership.objects.filter(program=program, status=Partnership.Status.ACTIVE)
        .annotate(
            cadence=Coalesce(_agreed_cadence(), program.cadence_weeks),
            last_held_at=Subquery(last_held),
            last_nudged_at=Subquery(last_nudge.values("sent_at")[:1]),
        )
        .order_by("started_at", "pk")
    )
    stalled_ids: list[int] = []
    rows: dict[int, Any] = {}
    for p in partnerships.values("pk", "cadence", "last_held_at", "last_nudged_at", "started_at"):
        since: datetime = p["last_held_at"] or p["started_at"]
        if since < at - timedelta(weeks=2 * p["cadence"]):
            stalled_ids.append(p["pk"])
            rows[p["pk"]] = p
    if not stalled_ids:
        return []
    objects = Partnership.objects.filter(pk__in=stalled_ids).prefetch_related(
        Prefetch(
            "seats",
            queryset=PartnershipMember.objects.filter(active=True)
            .select_related("membership__user", "membership__profile")
            .order_by("joined_at", "id"),
            to_attr="live_seats",
        )
    )
    by_id = {p.pk: p for p in objects}
    return [
        StalledPartnership(
            partnership=by_id[pk],
            partner_names=[seat_name(s) for s in by_id[pk].live_seats],
            cadence_weeks=rows[pk]["cadence"],
            last_held_at=rows[pk]["last_held_at"],
            last_nudged_at=rows[pk]["last_nudged_at"],
        )
        for pk in stalled_ids
    ]


def balance_bands(*, program: Program) -> dict[str, int]:
    """Return active partnerships counted by how even their give and take is (two queries).

    For each partnership, the seconds each active partner spent in the mentee's seat over all
    held meetings; the ratio of the most to the least decides the band (the same 65/35 line as
    the partnership page's one-sided warning).
    """
    bands = dict.fromkeys(BALANCE_BANDS, 0)
    seats: dict[int, list[int]] = defaultdict(list)
    for partnership_id, seat_id in PartnershipMember.objects.filter(
        partnership__program=program,
        partnership__status=Partnership.Status.ACTIVE,
        active=True,
    ).values_list("partnership_id", "pk"):
        seats[partnership_id].append(seat_id)
    seconds = turn_seconds_held(Q(meeting__partnership__program=program))
    for partnership_id, seat_ids in seats.items():
        bands[balance_band([seconds[partnership_id].get(s, 0.0) for s in seat_ids])] += 1
    return bands


def balance_band(spent: list[float]) -> str:
    """Return the band of one partnership from each active partner's time in the mentee's seat."""
    if len(spent) < 2 or not any(spent):
        return BALANCE_BANDS[0]
    most, least = max(spent), min(spent)
    ratio = most / least if least else float("inf")
    if ratio <= EVEN_RATIO + 1e-9:
        return BALANCE_BANDS[1]
    if ratio <= LEANING_RATIO + 1e-9:
        return BALANCE_BANDS[2]
    return BALANCE_BANDS[3]


def program_figures(*, program: Program, now: datetime | None = None) -> Figures:
    """Return every figure of the coordinator dashboard for one program."""
    at = now or clock.now()
    members = members_by_status(program=program)
    partnership_counts = dict(
        Partnership.objects.filter(program=program)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    meetings = Meeting.objects.filter(partnership__program=program).aggregate(
        planned=Count("id", filter=Q(starts_at__lte=at) & ~Q(status=Meeting.Status.CANCELLED)),
        held=Count("id", filter=Q(status=Meeting.Status.HELD)),
        missed=Count("id", filter=Q(status=Meeting.Status.MISSED)),
        upcoming=Count("id", filter=Q(starts_at__gt=at, status=Meeting.Status.SCHEDULED)),
    )
    help_flags = support_selectors.help_flag_counts(program=program)
    goals = Goal.objects.filter(partnership__program=program).aggregate(
        set=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False))
    )
    figures = Figures(
        program=program,
        members_by_status=members,
        members_total=sum(members.values()),
        partnerships_by_status={
            label: partnership_counts.get(value, 0) for value, label in Partnership.Status.choices
        },
        stalled=partnership_list_stalled(program=program, now=at),
        partnerships_never_met=Partnership.objects.filter(
            program=program, status=Partnership.Status.ACTIVE
        )
        .exclude(meetings__status=Meeting.Status.HELD)
        .count(),
        meetings_planned=meetings["planned"],
        meetings_held=meetings["held"],
        meetings_missed=meetings["missed"],
        meetings_upcoming=meetings["upcoming"],
        balance_bands=balance_bands(program=program),
        goals_set=goals["set"],
        goals_completed=goals["completed"],
        pulse=goal_selectors.pulse_summary(program=program),
        surveys=goal_selectors.survey_results(program=program),
        help_flags_total=help_flags.total,
        help_flags_open=help_flags.open,
        support=support_selectors.support_summary(program=program, now=at),
        check_ins_recent=CheckIn.objects.filter(
            program=program, occurred_at__gt=at - timedelta(weeks=4), occurred_at__lte=at
        ).count(),
    )
    figures.charts = _charts(figures)
    return figures


def _charts(figures: Figures) -> list[dict[str, Any]]:
    """Return the data of each chart (drawn by static/js/dashboard.js from json_script)."""
    charts = [
        {
            "id": "chart-members",
            "type": "bar",
            "label": gettext("Members"),
            "labels": list(figures.members_by_status),
            "values": list(figures.members_by_status.values()),
        },
        {
            "id": "chart-meetings",
            "type": "bar",
            "label": gettext("Meetings"),
            "labels": [gettext("Planned so far"), gettext("Held"), gettext("Missed")],
            "values": [figures.meetings_planned, figures.meetings_held, figures.meetings_missed],
        },
        {
            "id": "chart-balance",
            "type": "bar",
            "label": gettext("Partnerships"),
            "labels": [gettext(band) for band in figures.balance_bands],
            "values": list(figures.balance_bands.values()),
        },
        {
            "id": "chart-pulse",
            "type": "bar",
            "label": gettext("Answers"),
            "labels": list(figures.pulse.counts),
            "values": list(figures.pulse.counts.values()),
        },
    ]
    for result in figures.surveys:
        for q in result.questions:
            if q.counts:
                charts.append(
                    {
                        "id": f"chart-question-{q.question.pk}",
                        "type": "bar",
                        "label": gettext("Answers"),
                        "labels": q.labels,
                        "values": q.values,
                    }
                )
    return charts


def stalled_nudge_list(*, program: Program) -> QuerySet[StalledNudge]:
    return StalledNudge.objects.filter(partnership__program=program).order_by("-sent_at")
