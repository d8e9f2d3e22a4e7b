"""Reads for support: which partnerships need a check-in, the check-ins of one, help requests.

A partnership's check-in is **due** ``every_weeks`` after the last one (or after it started), and
as soon as its first meeting is held when the program asks for that; it is **overdue** once that
day has passed. The check-in after the first meeting, and the one after a check-in that left
something open (needs a hand, no answer yet, asked by email, heading for an ending), are due
within a week.
Early-warning signals put a partnership on the list whatever its cadence, until a
check-in is recorded after the signal arose:

- its first meeting was not held within two weeks of the partnership starting;
- its last two marked meetings were both missed;
- its give and take is one-sided (the partnership page's own rule);
- a partner answered a meeting's pulse with 1 or 2 out of 5;
- a partner asked for a new match;
- a current partner has an open help request ("I need more help than a peer can give").

Coordinators see the list, the outcomes and the notes; a figure shows only how many partnerships
were supported on time. The queue costs the same number of queries whatever the program's size.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.goals.models import Pulse
from tandem.meetings.models import Meeting
from tandem.meetings.selectors.access import seat_name
from tandem.meetings.selectors.balance import balances_for_partnerships
from tandem.partnerships.models import Partnership, PartnershipMember, RematchRequest
from tandem.programs.models import Program, Resource
from tandem.support import suggestions
from tandem.support.models import CheckIn, CheckInTemplate, HelpFlag, SupportPlan

FIRST_MEETING_WITHIN = timedelta(weeks=2)
LOW_PULSE = 2
DUE_SOON = timedelta(days=7)
# The check-in after a partnership's first meeting is due within a week of it.
AFTER_FIRST_MEETING_WITHIN = timedelta(days=7)
# A check-in that left something open (a hand needed, no answer yet, a question asked by email,
# an ending coming) calls for the next one within a week, whatever the cadence.
FOLLOW_UP_WITHIN = timedelta(days=7)
FOLLOW_UP_OUTCOMES = frozenset(
    {
        CheckIn.Outcome.NEEDS_A_HAND,
        CheckIn.Outcome.NO_ANSWER,
        CheckIn.Outcome.ASKED,
        CheckIn.Outcome.HEADING_FOR_AN_END,
    }
)

DUE_REGULAR = _("Its regular check-in")
DUE_AFTER_FIRST_MEETING = _("After its first meeting")
DUE_FOLLOW_UP = _("Following up the last check-in")

SIGNAL_NO_FIRST_MEETING = _("No meeting held in the first two weeks")
SIGNAL_TWO_MISSED = _("Two missed meetings in a row")
SIGNAL_ONE_SIDED = _("One-sided give and take")
SIGNAL_LOW_PULSE = _("A low pulse after a meeting")
SIGNAL_REMATCH = _("A partner asked for a new match")
SIGNAL_HELP_ASKED = _("A partner asked for help")


class State:
    OVERDUE = "overdue"
    SIGNAL = "signal"
    DUE = "due"
    ON_TRACK = "on_track"


STATE_LABELS: dict[str, StrOrPromise] = {
    State.OVERDUE: _("Overdue"),
    State.SIGNAL: _("Needs a check-in now"),
    State.DUE: _("Due this week"),
    State.ON_TRACK: _("On track"),
}
_STATE_ORDER = [State.OVERDUE, State.SIGNAL, State.DUE, State.ON_TRACK]


@dataclass(frozen=True)
class Signal:
    label: StrOrPromise
    since: datetime


@dataclass(frozen=True)
class SupportRow:
    """One active partnership as the support list shows it (figures and labels, no content)."""

    partnership: Partnership
    partner_names: list[str]
    last_check_in: CheckIn | None
    due_on: date
    due_reason: StrOrPromise
    state: str
    signals: list[Signal] = field(default_factory=list)

    @property
    def state_label(self) -> StrOrPromise:
        return STATE_LABELS[self.state]

    @property
    def needs_attention(self) -> bool:
        return self.state != State.ON_TRACK


@dataclass(frozen=True)
class SupportSummary:
    overdue: int
    signals: int
    due: int
    on_track: int

    @property
    def to_do(self) -> int:
        return self.overdue + self.signals + self.due

    @property
    def active(self) -> int:
        return self.to_do + self.on_track


def plan_for(*, program: Program) -> SupportPlan:
    """Return the program's support plan (the defaults, unsaved, until a coordinator sets it)."""
    plan = SupportPlan.objects.filter(program=program).first()
    return plan if plan is not None else SupportPlan(program=program)


def _latest(rows: list[tuple[int, datetime]]) -> dict[int, datetime]:
    latest: dict[int, datetime] = {}
    for partnership_id, at in rows:
        if partnership_id not in latest or at > latest[partnership_id]:
            latest[partnership_id] = at
    return latest


def support_queue(
    *, program: Program, now: datetime | None = None, partnership: Partnership | None = None
) -> list[SupportRow]:
    """Return every active partnership of the program with its support state, most urgent first
    (with ``partnership``, only that one's row, or none when it is not active).

    Seven queries, whatever the number of partnerships.
    """
    at = now or clock.now()
    today = at.date()
    plan = plan_for(program=program)
    last_check_in = CheckIn.objects.filter(partnership=OuterRef("pk")).order_by(
        "-occurred_at", "-pk"
    )
    partnerships = list(
        Partnership.objects.filter(
            program=program,
            status=Partnership.Status.ACTIVE,
            **({"pk": partnership.pk} if partnership is not None else {}),
        )
        .annotate(
            last_check_in_id=Subquery(last_check_in.values("pk")[:1]),
            first_held_at=Subquery(
                Meeting.objects.filter(partnership=OuterRef("pk"), status=Meeting.Status.HELD)
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            help_asked_at=Subquery(
                help_flags_open_of_partners(partnership=OuterRef("pk"))
                .order_by("-raised_at")
                .values("raised_at")[:1]
            ),
        )
        .order_by("started_at", "pk")
    )
    ids = [p.pk for p in partnerships]
    check_ins = CheckIn.objects.in_bulk(
        [p.last_check_in_id for p in partnerships if p.last_check_in_id]
    )
    seats: dict[int, list[PartnershipMember]] = defaultdict(list)
    for seat in (
        PartnershipMember.objects.filter(partnership_id__in=ids, active=True)
        .select_related("membership__user", "membership__profile")
        .order_by("joined_at", "id")
    ):
        seats[seat.partnership_id].append(seat)
    marked: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for partnership_id, status, starts_at in (
        Meeting.objects.filter(
            partnership_id__in=ids,
            status__in=[Meeting.Status.HELD, Meeting.Status.MISSED],
            starts_at__lte=at,
        )
        .order_by("partnership_id", "-starts_at")
        .values_list("partnership_id", "status", "starts_at")
    ):
        if len(marked[partnership_id]) < 2:
            marked[partnership_id].append((status, starts_at))
    balances = balances_for_partnerships({pk: seats[pk] for pk in ids})
    low_pulses = _latest(
        list(
            Pulse.objects.filter(meeting__partnership_id__in=ids, score__lte=LOW_PULSE).values_list(
                "meeting__partnership_id", "answered_at"
            )
        )
    )
    rematches = _latest(
        list(
            RematchRequest.objects.filter(
                partnership_id__in=ids, handled_at__isnull=True
            ).values_list("partnership_id", "requested_at")
        )
    )
    rows = []
    for p in partnerships:
        last = check_ins.get(p.last_check_in_id) if p.last_check_in_id else None
        last_at = last.occurred_at if last is not None else None
        signals = []
        if p.first_held_at is None and at - p.started_at > FIRST_MEETING_WITHIN:
            signals.append(Signal(SIGNAL_NO_FIRST_MEETING, p.started_at + FIRST_MEETING_WITHIN))
        two = marked[p.pk]
        if len(two) == 2 and all(status == Meeting.Status.MISSED for status, _ in two):
            signals.append(Signal(SIGNAL_TWO_MISSED, two[0][1]))
        held = [starts for status, starts in two if status == Meeting.Status.HELD]
        if balances[p.pk].one_sided:
            signals.append(Signal(SIGNAL_ONE_SIDED, held[0] if held else p.started_at))
        if p.pk in low_pulses:
            signals.append(Signal(SIGNAL_LOW_PULSE, low_pulses[p.pk]))
        if p.pk in rematches:
            signals.append(Signal(SIGNAL_REMATCH, rematches[p.pk]))
        if p.help_asked_at is not None:
            signals.append(Signal(SIGNAL_HELP_ASKED, p.help_asked_at))
        open_signals = [s for s in signals if last_at is None or s.since > last_at]
        due_on = (last_at or p.started_at).date() + timedelta(weeks=plan.every_weeks)
        why = DUE_REGULAR
        if last is not None and last.outcome in FOLLOW_UP_OUTCOMES:
            follow_up = last.occurred_at.date() + FOLLOW_UP_WITHIN
            if follow_up < due_on:
                due_on, why = follow_up, DUE_FOLLOW_UP
        first_held = p.first_held_at
        if plan.after_first_meeting and first_held and (last_at is None or last_at < first_held):
            after_first = first_held.date() + AFTER_FIRST_MEETING_WITHIN
            if after_first < due_on:
                due_on, why = after_first, DUE_AFTER_FIRST_MEETING
        if due_on < today:
            state = State.OVERDUE
        elif open_signals:
            state = State.SIGNAL
        elif due_on <= today + DUE_SOON:
            state = State.DUE
        else:
            state = State.ON_TRACK
        rows.append(
            SupportRow(
                partnership=p,
                partner_names=[seat_name(s) for s in seats[p.pk]],
                last_check_in=last,
                due_on=due_on,
                due_reason=why,
                state=state,
                signals=open_signals,
            )
        )
    rows.sort(key=lambda r: (_STATE_ORDER.index(r.state), r.due_on, r.partnership.pk))
    return rows


def support_summary(*, program: Program, now: datetime | None = None) -> SupportSummary:
    """Count the program's active partnerships by support state (for the cockpit and figures)."""
    counts = dict.fromkeys(_STATE_ORDER, 0)
    for row in support_queue(program=program, now=now):
        counts[row.state] += 1
    return SupportSummary(
        overdue=counts[State.OVERDUE],
        signals=counts[State.SIGNAL],
        due=counts[State.DUE],
        on_track=counts[State.ON_TRACK],
    )


def access_support_partnership(*, program: Program, partnership_id: int) -> Partnership:
    """Return a partnership of the program (any state) for its support page; else NotFound.

    The caller has checked that the user coordinates ``program``.
    """
    partnership = Partnership.objects.filter(program=program, pk=partnership_id).first()
    if partnership is None:
        raise NotFound()
    return partnership


def check_ins_of(*, partnership: Partnership) -> list[CheckIn]:
    """Return the partnership's check-ins, newest first, with who recorded each."""
    return list(CheckIn.objects.filter(partnership=partnership).select_related("coordinator"))


# --- Check-in messages ------------------------------------------------------------------------

OWN_KEY_PREFIX = "t"


@dataclass(frozen=True)
class MessageChoice:
    """A message a coordinator can start a check-in email from: the program's own, or Tandem's."""

    key: str  # "t<id>" for the program's own; the suggestion's key for Tandem's
    name: StrOrPromise
    body: StrOrPromise
    template: CheckInTemplate | None = None

    @property
    def own(self) -> bool:
        return self.template is not None


def check_in_templates_of(*, program: Program) -> QuerySet[CheckInTemplate]:
    """Return the program's own check-in messages, by name."""
    return CheckInTemplate.objects.filter(program=program)


def access_check_in_template(*, program: Program, pk: int) -> CheckInTemplate:
    """Return one of the program's own check-in messages; NotFound for anything else."""
    template = CheckInTemplate.objects.filter(program=program, pk=pk).first()
    if template is None:
        raise NotFound()
    return template


def message_choices(*, program: Program) -> list[MessageChoice]:
    """Return the program's own check-in messages, then the ones Tandem suggests."""
    own = [
        MessageChoice(f"{OWN_KEY_PREFIX}{t.pk}", t.name, t.body, t)
        for t in check_in_templates_of(program=program)
    ]
    return own + [MessageChoice(s.key, s.name, s.body) for s in suggestions.SUGGESTIONS]


_SUGGESTION_FOR_SIGNAL = {
    str(SIGNAL_NO_FIRST_MEETING): suggestions.FIRST_MEETING,
    str(SIGNAL_TWO_MISSED): suggestions.MISSED_MEETINGS,
    str(SIGNAL_ONE_SIDED): suggestions.BALANCE,
}


def fitting_suggestion(row: SupportRow | None) -> suggestions.Suggestion:
    """Return the suggestion that fits a partnership's warning signs and why it is due."""
    if row is not None:
        for signal in row.signals:
            fitting = _SUGGESTION_FOR_SIGNAL.get(str(signal.label))
            if fitting is not None:
                return fitting
        if str(row.due_reason) == str(DUE_AFTER_FIRST_MEETING):
            return suggestions.AFTER_FIRST_MEETING
    return suggestions.GENERAL


def message_choice(
    choices: list[MessageChoice], *, key: str | None, row: SupportRow | None
) -> MessageChoice:
    """Return the choice ``key`` names, else the suggestion that fits the partnership."""
    by_key = {c.key: c for c in choices}
    if key and key in by_key:
        return by_key[key]
    return by_key[fitting_suggestion(row).key]


# --- Help requests ----------------------------------------------------------------------------


def help_kinds_for(*, program: Program) -> list[tuple[str, str]]:
    """Return the kinds of help a member may ask for: the kinds of the program's resources.

    A program without referral resources yet offers every kind, so the button still works.
    """
    kinds = set(Resource.objects.filter(program=program).values_list("kind", flat=True))
    every = [(value, str(label)) for value, label in Resource.Kind.choices]
    return [(value, label) for value, label in every if value in kinds] or every


def help_flags_open_of_partners(*, partnership: Partnership | OuterRef) -> QuerySet[HelpFlag]:
    """Return the open help flags of the partnership's current partners (a subquery's, with an
    ``OuterRef``)."""
    return HelpFlag.objects.filter(
        handled_at__isnull=True,
        membership__seats__partnership=partnership,
        membership__seats__active=True,
    )


# Help flags shown per page of the dashboard.
HELP_FLAG_PAGE_SIZE = 25


def help_flag_list(*, program: Program) -> QuerySet[HelpFlag]:
    """Return the program's help flags: open ones first (newest first), then handled ones
    (latest handled first). Who, which kind, when and who handled it: nothing else."""
    return (
        HelpFlag.objects.filter(program=program)
        .select_related("membership__user", "membership__profile", "handled_by")
        .order_by(F("handled_at").desc(nulls_first=True), "-raised_at", "-id")
    )


def help_flag_page(
    *,
    program: Program,
    number: Any = 1,
    per_page: int = HELP_FLAG_PAGE_SIZE,
    total: int | None = None,
) -> Page:
    """Return one page of the program's help flags (open first); a bad number gives page 1.

    ``total`` (``help_flag_counts(...).total``, when the caller has it) spares the count query.
    """
    paginator = Paginator(help_flag_list(program=program), per_page)
    if total is not None:
        paginator.count = total
    return paginator.get_page(number)


@dataclass(frozen=True)
class HelpFlagCounts:
    total: int
    open: int


def help_flag_counts(*, program: Program) -> HelpFlagCounts:
    """Return how many help flags the program has, and how many are still open (one query)."""
    counts = HelpFlag.objects.filter(program=program).aggregate(
        total=Count("id"), open=Count("id", filter=Q(handled_at__isnull=True))
    )
    return HelpFlagCounts(total=counts["total"], open=counts["open"])


def access_help_flag_as_coordinator(*, program: Program, pk: int) -> HelpFlag:
    """Return a help flag of the program (the caller checked the coordinator); else NotFound."""
    flag = HelpFlag.objects.select_related("program").filter(program=program, pk=pk).first()
    if flag is None:
        raise NotFound()
    return flag
