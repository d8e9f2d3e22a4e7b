"""Reads for the coordinator's list of a program's partnerships, each with its health.

Health is figures only: the last meeting held, meetings held of planned, the balance of turns,
goals done of set, and open requests (help, new match). Never a note, message, goal title or
anything said. A page costs the same number of queries whatever the number of partnerships.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise

from tandem.core import clock
from tandem.dashboard.selectors import balance_band
from tandem.goals.models import Goal
from tandem.meetings.models import Meeting
from tandem.meetings.selectors.access import seat_name
from tandem.meetings.selectors.balance import turn_seconds_held
from tandem.partnerships.models import Partnership, PartnershipMember, RematchRequest
from tandem.programs.models import Program
from tandem.support import selectors as support_selectors

PAGE_SIZE = 25
QUIET_WEEKS = 4

STATE_FILTERS = {
    "active": Partnership.Status.ACTIVE,
    "paused": Partnership.Status.PAUSED,
    "ended": Partnership.Status.ENDED,
}
HEALTH_FILTERS: dict[str, StrOrPromise] = {
    "never_met": _("Never met"),
    "quiet": format_lazy(
        ngettext_lazy("No meeting in {weeks} week", "No meeting in {weeks} weeks", QUIET_WEEKS),
        weeks=QUIET_WEEKS,
    ),
    "open_requests": _("Open requests"),
}


@dataclass(frozen=True)
class PartnershipHealth:
    partnership: Partnership
    partner_names: list[str]
    # (membership id, name) of the current partners, for the reassign form.
    live_partners: list[tuple[int, str]]
    last_held_at: datetime | None
    meetings_held: int
    meetings_planned: int
    balance: str
    goals_done: int
    goals_total: int
    help_open: int
    rematch_open: int

    @property
    def open_requests(self) -> int:
        return self.help_open + self.rematch_open


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """Return a subquery counting ``queryset``'s rows for the outer partnership (0 for none)."""
    counted = queryset.order_by().values("partnership_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partnership_health_queryset(
    *, program: Program, state: str | None = None, health: str | None = None, now: datetime | None
) -> QuerySet[Partnership]:
    """Return the program's partnerships annotated with their health figures, newest first.

    ``state`` is a key of STATE_FILTERS, ``health`` one of HEALTH_FILTERS (unknown keys are the
    caller's to refuse). One query.
    """
    at = now or clock.now()
    meetings = Meeting.objects.filter(partnership=OuterRef("pk"))
    last_held = (
        meetings.filter(status=Meeting.Status.HELD).order_by("-starts_at").values("starts_at")[:1]
    )
    goals = Goal.objects.filter(partnership=OuterRef("pk"))
    # Open help flags of the partnership's current partners (flags belong to a member).
    help_open = (
        support_selectors.help_flags_open_of_partners(partnership=OuterRef("pk"))
        .filter(program=program)
        .order_by()
        .values("program_id")
        .annotate(n=Count("pk", distinct=True))
        .values("n")[:1]
    )
    partnerships = (
        Partnership.objects.filter(program=program)
        .annotate(
            last_held_at=Subquery(last_held),
            meetings_held=_count(meetings.filter(status=Meeting.Status.HELD)),
            meetings_planned=_count(
                meetings.filter(starts_at__lte=at).exclude(status=Meeting.Status.CANCELLED)
            ),
            goals_total=_count(goals),
            goals_done=_count(goals.filter(completed_at__isnull=False)),
            rematch_open=_count(
                RematchRequest.objects.filter(partnership=OuterRef("pk"), handled_at__isnull=True)
            ),
            help_open=Coalesce(Subquery(help_open, output_field=IntegerField()), 0),
        )
        .order_by("-started_at", "-pk")
    )
    if state in STATE_FILTERS:
        partnerships = partnerships.filter(status=STATE_FILTERS[state])
    cut = at - timedelta(weeks=QUIET_WEEKS)
    if health == "never_met":
        partnerships = partnerships.filter(meetings_held=0)
    elif health == "quiet":
        partnerships = partnerships.exclude(status=Partnership.Status.ENDED).filter(
            Q(last_held_at__lt=cut) | Q(last_held_at__isnull=True, started_at__lt=cut)
        )
    elif health == "open_requests":
        partnerships = partnerships.filter(Q(rematch_open__gt=0) | Q(help_open__gt=0))
    return partnerships


def partnership_health_page(
    *,
    program: Program,
    state: str | None = None,
    health: str | None = None,
    page: Any = 1,
    now: datetime | None = None,
) -> tuple[Page, list[PartnershipHealth]]:
    """Return one page of the program's partnerships with their health (a fixed query count)."""
    queryset = partnership_health_queryset(program=program, state=state, health=health, now=now)
    paginator = Paginator(
        queryset.prefetch_related(
            Prefetch(
                "seats",
                queryset=PartnershipMember.objects.select_related(
                    "membership__user", "membership__profile"
                ).order_by("joined_at", "id"),
                to_attr="all_seats",
            )
        ),
        PAGE_SIZE,
    )
    current = paginator.get_page(page)
    rows: list[Any] = list(current.object_list)
    ids = [p.pk for p in rows]
    seconds = turn_seconds_held(Q(meeting__partnership_id__in=ids))
    items = []
    for p in rows:
        live = [s for s in p.all_seats if s.active]
        shown = live or p.all_seats
        items.append(
            PartnershipHealth(
                partnership=p,
                partner_names=[seat_name(s) for s in shown],
                live_partners=[(s.membership_id, seat_name(s)) for s in live],
                last_held_at=p.last_held_at,
                meetings_held=p.meetings_held,
                meetings_planned=p.meetings_planned,
                balance=balance_band([seconds[p.pk].get(s.pk, 0.0) for s in live]),
                goals_done=p.goals_done,
                goals_total=p.goals_total,
                help_open=p.help_open,
                rematch_open=p.rematch_open,
            )
        )
    return current, items
