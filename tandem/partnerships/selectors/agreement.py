"""Reads for the ground rules: the current version, who accepted it, the mid-point review and
the history of versions with what changed.

The mid-point review is computed from the date, not stored: from ``Program.midpoint_on`` on, a
partner has reviewed the rules when their acceptance of the current version was confirmed on or
after that date (accepting again says "still good"; an edit makes a new version everyone
accepts afresh). Nothing needs scheduling and nothing can be reopened twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.translation import gettext, gettext_noop

from tandem.partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    Partnership,
    PartnershipMember,
)
from tandem.partnerships.selectors.life import (
    partnership_all_seats,
    seat_name,
)


@dataclass(frozen=True)
class Goal:
    """One partner's goal with its deadline."""

    seat_id: int
    text: str
    deadline: date


@dataclass(frozen=True)
class AgreementContent:
    """Everything a version holds that partners edit."""

    cadence_weeks: int
    meeting_minutes: int
    channel: str
    where: str = ""
    goals: tuple[Goal, ...] = field(default_factory=tuple)
    incentive: str = ""


def agreement_content_of(version: AgreementVersion) -> AgreementContent:
    """Return a version's content as a value that compares equal when nothing changed."""
    return AgreementContent(
        cadence_weeks=version.cadence_weeks,
        meeting_minutes=version.meeting_minutes,
        channel=version.channel,
        where=version.where,
        goals=tuple(
            Goal(
                seat_id=int(g["seat"]),
                text=str(g["text"]),
                deadline=date.fromisoformat(str(g["deadline"])),
            )
            for g in version.goals
        ),
        incentive=version.incentive,
    )


@dataclass(frozen=True)
class PartnerGoals:
    seat_id: int
    name: str
    goals: list[Goal]


@dataclass(frozen=True)
class PartnerAcceptance:
    seat_id: int
    name: str
    accepted_at: datetime | None
    reviewed: bool


@dataclass(frozen=True)
class VersionView:
    version: AgreementVersion
    author_name: str
    goals_by_partner: list[PartnerGoals]
    changes: list[str]


@dataclass
class AgreementOverview:
    """What the ground-rules page shows one partner."""

    agreement: Agreement | None
    current: VersionView | None
    partners: list[PartnerAcceptance] = field(default_factory=list)
    history: list[VersionView] = field(default_factory=list)
    is_agreed: bool = False
    review_from: date | None = None
    review_due: bool = False
    needs_review: bool = False
    i_accepted: bool = False
    i_reviewed: bool = False

    @property
    def waiting_for(self) -> list[str]:
        return [p.name for p in self.partners if p.accepted_at is None]


FIELD_LABELS = {
    "cadence_weeks": gettext_noop("how often"),
    "meeting_minutes": gettext_noop("how long"),
    "channel": gettext_noop("how you meet"),
    "where": gettext_noop("where"),
    "incentive": gettext_noop("the incentive"),
}


def agreement_changes(
    previous: AgreementContent | None, current: AgreementContent, names: dict[int, str]
) -> list[str]:
    """Return what changed from ``previous`` to ``current`` in words ("how often", "Ana's goals")."""
    if previous is None:
        return [gettext("first proposal")]
    changes = [
        gettext(label)
        for attr, label in FIELD_LABELS.items()
        if getattr(previous, attr) != getattr(current, attr)
    ]
    for seat_id, name in names.items():
        before = [g for g in previous.goals if g.seat_id == seat_id]
        after = [g for g in current.goals if g.seat_id == seat_id]
        if before != after:
            changes.append(gettext("%(name)s's goals") % {"name": name})
    return changes


def _goals_by_partner(
    content: AgreementContent, seats: list[PartnershipMember], names: dict[int, str]
) -> list[PartnerGoals]:
    return [
        PartnerGoals(
            seat_id=s.pk,
            name=names[s.pk],
            goals=[g for g in content.goals if g.seat_id == s.pk],
        )
        for s in seats
        if s.active or any(g.seat_id == s.pk for g in content.goals)
    ]


def agreement_overview(
    *, partnership: Partnership, seat: PartnershipMember, today: date
) -> AgreementOverview:
    """Return the ground rules as ``seat`` sees them on ``today`` (a fixed number of queries)."""
    agreement = (
        Agreement.objects.filter(partnership=partnership)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.order_by("number").prefetch_related(
                    Prefetch("acceptances", queryset=AgreementAcceptance.objects.all())
                ),
            )
        )
        .first()
    )
    seats = partnership_all_seats(partnership=partnership)
    names = {s.pk: seat_name(s) for s in seats}
    review_from = partnership.program.midpoint_on
    overview = AgreementOverview(agreement=agreement, current=None, review_from=review_from)
    if agreement is None:
        return overview
    versions = list(agreement.versions.all())
    if not versions:
        return overview
    previous: AgreementContent | None = None
    views = []
    for version in versions:
        content = agreement_content_of(version)
        views.append(
            VersionView(
                version=version,
                author_name=names.get(version.author_id or 0, gettext("a former partner")),
                goals_by_partner=_goals_by_partner(content, seats, names),
                changes=agreement_changes(previous, content, names),
            )
        )
        previous = content
    current = next(v for v in views if v.version.pk == agreement.current_version_id)
    acceptances = {a.seat_id: a for a in current.version.acceptances.all()}
    review_due = review_from is not None and today >= review_from

    def reviewed(seat_id: int) -> bool:
        acceptance = acceptances.get(seat_id)
        if acceptance is None or review_from is None:
            return False
        return acceptance.confirmed_at.date() >= review_from

    overview.current = current
    overview.history = list(reversed(views))
    overview.partners = [
        PartnerAcceptance(
            seat_id=s.pk,
            name=names[s.pk],
            accepted_at=acceptances[s.pk].accepted_at if s.pk in acceptances else None,
            reviewed=reviewed(s.pk),
        )
        for s in seats
        if s.active
    ]
    overview.is_agreed = current.version.agreed_at is not None
    overview.review_due = review_due
    overview.needs_review = review_due and not all(p.reviewed for p in overview.partners)
    overview.i_accepted = seat.pk in acceptances
    overview.i_reviewed = reviewed(seat.pk)
    return overview


def agreement_default_content(*, partnership: Partnership) -> AgreementContent:
    """Return the content a first proposal starts from: the program's cadence and length."""
    program = partnership.program
    return AgreementContent(
        cadence_weeks=program.cadence_weeks,
        meeting_minutes=program.meeting_minutes,
        channel=AgreementVersion.Channel.VIDEO,
    )


def agreement_rhythm(*, partnership: Partnership) -> tuple[int, int]:
    """Return (every N weeks, meeting minutes): the latest agreed ground rules, else the program's."""
    agreed = (
        AgreementVersion.objects.filter(agreement__partnership=partnership, agreed_at__isnull=False)
        .order_by("-number")
        .only("cadence_weeks", "meeting_minutes")
        .first()
    )
    if agreed is not None:
        return agreed.cadence_weeks, agreed.meeting_minutes
    return partnership.program.cadence_weeks, partnership.program.meeting_minutes


def agreement_agreed(*, partnership: Partnership) -> AgreementVersion | None:
    """Return the latest version of the ground rules every partner accepted, or None."""
    return (
        AgreementVersion.objects.filter(agreement__partnership=partnership, agreed_at__isnull=False)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class AgreedPlace:
    """Where the partners agreed to meet: the channel and the place, number or video link."""

    channel: str
    where: str

    @property
    def label(self) -> str:
        return f"{self.channel}: {self.where}" if self.where else self.channel


def agreement_places(*, partnership_ids: Iterable[int]) -> dict[int, AgreedPlace]:
    """Return where each partnership's latest agreed ground rules say they meet (one query)."""
    rows = (
        AgreementVersion.objects.filter(
            agreement__partnership_id__in=set(partnership_ids), agreed_at__isnull=False
        )
        .order_by("agreement__partnership_id", "-number")
        .values_list("agreement__partnership_id", "channel", "where")
    )
    labels = dict(AgreementVersion.Channel.choices)
    places: dict[int, AgreedPlace] = {}
    for partnership_id, channel, where in rows:
        places.setdefault(
            partnership_id, AgreedPlace(channel=str(labels.get(channel, channel)), where=where)
        )
    return places


def agreement_place(*, partnership: Partnership) -> AgreedPlace | None:
    """Return where the agreed ground rules say the partners meet, or None before they agree."""
    return agreement_places(partnership_ids=[partnership.pk]).get(partnership.pk)


def agreement_goals_agreed(*, partnership: Partnership) -> list[PartnerGoals]:
    """Return the goals of the agreed ground rules, per partner (none before they agree)."""
    agreed = agreement_agreed(partnership=partnership)
    if agreed is None:
        return []
    seats = partnership_all_seats(partnership=partnership)
    names = {s.pk: seat_name(s) for s in seats}
    return [p for p in _goals_by_partner(agreement_content_of(agreed), seats, names) if p.goals]
