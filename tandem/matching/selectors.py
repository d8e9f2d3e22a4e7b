"""Reads for matching: who is in a run, engine input built from intakes, runs for review.

``access_*`` return an object for a given user or raise NotFound.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.matching.engine import Member, Rules, Slot
from tandem.matching.engine.explain import REASON_LOCKED
from tandem.matching.models import (
    LeftOutMember,
    MatchRule,
    MatchRun,
    Proposal,
    ProposalMember,
    UnmatchedMember,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.slots import Introduction, PartnerCard
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program_as_coordinator
from tandem.programs.selectors.member_status import MemberStatus, member_list
from tandem.programs.selectors.program import program_cohort_ids

Pair = tuple[int, int]

MSG_NEWER_RUN_PUBLISHED = (
    "Run #{run} was published after this run was started, so these proposals are out of date; "
    "start a new run to match the people still waiting."
)
MSG_ALREADY_PARTNERED = (
    "{names} joined another partnership since this run; start a new run before publishing."
)
MSG_NO_LONGER_READY = (
    "{names} can no longer be matched (paused, left the program or changed their intake) "
    "since this run; remove their proposal, or start a new run."
)


def ordered(a: int, b: int) -> Pair:
    """Return a pair of ids smallest first (how rules and history are keyed)."""
    return (a, b) if a < b else (b, a)


# -- access -----------------------------------------------------------------------------


def access_program_for_matching(*, user: Any, slug: str) -> Program:
    """Return the program if the user coordinates it; NotFound otherwise."""
    return access_program_as_coordinator(user=user, slug=slug)


def access_run(*, user: Any, pk: int, slug: str | None = None) -> MatchRun:
    """Return a run of a program the user coordinates; NotFound otherwise (also for a wrong slug)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    coordinates = Membership.objects.filter(
        program=OuterRef("program"), user=user, role=Membership.Role.COORDINATOR
    ).exclude(status=Membership.Status.LEFT)
    runs = MatchRun.objects.select_related("program").filter(Exists(coordinates), pk=pk)
    if slug is not None:
        runs = runs.filter(program__slug=slug)
    run = runs.first()
    if run is None:
        raise NotFound()
    return run


# -- who is matched ---------------------------------------------------------------------


def match_pool(*, program: Program) -> QuerySet[Membership]:
    """Return the members a new run considers: ready and in no live partnership.

    Ready is programs' member status (intake complete, consent given), the one rule the
    roster and the dashboard count by. Later rounds thus leave existing partnerships alone.
    """
    live_seat = PartnershipMember.objects.filter(membership=OuterRef("pk"), active=True)
    return (
        # One rule for "ready" (programs' member status), shared with the roster and dashboard.
        member_list(program=program, status=MemberStatus.READY)
        .exclude(Exists(live_seat))
        .select_related("user", "profile")
        .order_by("created_at", "id")
    )


def _tag_names(program: Program) -> dict[int, str]:
    """Map every tag id of the program to the name of the tag it was merged into (or its own)."""
    rows = {t.pk: (t.name, t.merged_into_id) for t in Tag.objects.filter(program=program)}

    def resolve(tag_id: int) -> str:
        seen = {tag_id}
        name, parent = rows[tag_id]
        while parent is not None and parent in rows and parent not in seen:
            seen.add(parent)
            name, parent = rows[parent]
        return name

    return {tag_id: resolve(tag_id) for tag_id in rows}


def _profile_tags(
    through: Any, profile_ids: Sequence[int], names: dict[int, str]
) -> dict[int, tuple[str, ...]]:
    """Return tag names (merged, de-duplicated, sorted) per profile id, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    for profile_id, tag_id in through.objects.filter(profile_id__in=profile_ids).values_list(
        "profile_id", "tag_id"
    ):
        if tag_id in names:
            found[profile_id].add(names[tag_id])
    return {pid: tuple(sorted(found[pid], key=str.casefold)) for pid in profile_ids}


def _slots(raw: Any) -> tuple[Slot, ...]:
    slots = []
    for item in raw or []:
        try:
            day, start, end = (int(x) for x in item)
        except (TypeError, ValueError):
            continue
        if 0 <= day <= 6 and 0 <= start < end <= 1440:
            slots.append(Slot(day, start, end))
    return tuple(sorted(slots))


def engine_members(*, program: Program, memberships: Sequence[Membership]) -> list[Member]:
    """Build the engine's members from intakes; ``id`` is ``str(membership.pk)``.

    Exclusions combine the intake's ``excluded`` members and ``excluded_emails`` resolved
    against the program's members. A constant number of queries, whatever the size.
    """
    profiles: list[Profile] = [m.profile for m in memberships]
    profile_ids = [p.pk for p in profiles]
    names = _tag_names(program)
    offers = _profile_tags(Profile.offers.through, profile_ids, names)
    wants = _profile_tags(Profile.wants.through, profile_ids, names)
    themes = _profile_tags(Profile.themes.through, profile_ids, names)
    excluded: dict[int, set[str]] = defaultdict(set)
    for profile_id, membership_id in Profile.excluded.through.objects.filter(
        profile_id__in=profile_ids
    ).values_list("profile_id", "membership_id"):
        excluded[profile_id].add(str(membership_id))
    emails = {
        e.strip().casefold() for p in profiles for e in (p.excluded_emails or []) if e.strip()
    }
    by_email: dict[str, str] = {}
    if emails:
        for pk, email in Membership.objects.filter(program=program).values_list(
            "pk", "user__email"
        ):
            if email.casefold() in emails:
                by_email[email.casefold()] = str(pk)
    members = []
    for membership, profile in zip(memberships, profiles, strict=True):
        exclude = set(excluded[profile.pk])
        exclude.update(
            by_email[e.strip().casefold()]
            for e in (profile.excluded_emails or [])
            if e.strip().casefold() in by_email
        )
        exclude.discard(str(membership.pk))
        languages = tuple(str(x) for x in (profile.languages or []) if str(x).strip())
        extra: dict[str, Any] = {"languages": languages} if languages else {}
        members.append(
            Member(
                id=str(membership.pk),
                name=member_name(membership, address="full"),
                time_zone=profile.time_zone or "UTC",
                availability=_slots(profile.availability),
                offers=offers[profile.pk],
                wants=wants[profile.pk],
                goals=themes[profile.pk],
                stage=profile.stage,
                organisation=profile.organisation,
                department=profile.department,
                exclude=frozenset(exclude),
                **extra,
            )
        )
    return members


def earlier_partner_pairs(*, program: Program, membership_ids: Iterable[int]) -> set[Pair]:
    """Return pairs of the given members who shared a partnership before.

    Partnerships of the program count, and those of the cohorts it was copied from
    (``previous_cohort``): there the same people had other memberships, so they are matched
    by person and named by their membership here.
    """
    wanted = set(membership_ids)
    seats: dict[int, list[int]] = defaultdict(list)
    cohorts = program_cohort_ids(program=program)
    if len(cohorts) == 1:
        for partnership_id, membership_id in PartnershipMember.objects.filter(
            partnership__program=program, membership_id__in=wanted
        ).values_list("partnership_id", "membership_id"):
            seats[partnership_id].append(membership_id)
    else:
        here = dict(
            Membership.objects.filter(program=program, pk__in=wanted).values_list("user_id", "pk")
        )
        for partnership_id, user_id in PartnershipMember.objects.filter(
            partnership__program_id__in=cohorts, membership__user_id__in=list(here)
        ).values_list("partnership_id", "membership__user_id"):
            seats[partnership_id].append(here[user_id])
    return {
        ordered(a, b) for people in seats.values() for a, b in combinations(people, 2) if a != b
    }


def match_rules_for(*, program: Program) -> QuerySet[MatchRule]:
    """Return the program's locks and forbids, with both people."""
    return MatchRule.objects.filter(program=program).select_related(
        "membership_a__profile",
        "membership_a__user",
        "membership_b__profile",
        "membership_b__user",
        "created_by",
    )


def engine_rules(*, run: MatchRun, membership_ids: Iterable[int]) -> Rules:
    """Return the locks, forbids and history the engine honours for this run's people.

    Rules naming someone outside the run are left out (the engine refuses unknown ids).
    """
    ids = set(membership_ids)
    locks: list[tuple[str, str]] = []
    forbids: list[tuple[str, str]] = []
    for kind, a, b in MatchRule.objects.filter(program=run.program).values_list(
        "kind", "membership_a_id", "membership_b_id"
    ):
        if a in ids and b in ids:
            (locks if kind == MatchRule.Kind.LOCK else forbids).append((str(a), str(b)))
    history: tuple[tuple[str, str], ...] = ()
    if not run.allow_repeats:
        history = tuple(
            (str(a), str(b))
            for a, b in sorted(earlier_partner_pairs(program=run.program, membership_ids=ids))
        )
    return Rules(locks=tuple(locks), forbids=tuple(forbids), history=history)


def blocked_pairs(*, run: MatchRun, memberships: Sequence[Membership]) -> set[Pair]:
    """Return the pairs among these people that a forbid, an exclusion or history keeps apart."""
    ids = [m.pk for m in memberships]
    blocked: set[Pair] = set()
    for a, b in MatchRule.objects.filter(
        program=run.program, kind=MatchRule.Kind.FORBID, membership_a__in=ids, membership_b__in=ids
    ).values_list("membership_a_id", "membership_b_id"):
        blocked.add(ordered(a, b))
    for member in engine_members(program=run.program, memberships=memberships):
        for other in member.exclude:
            if int(other) in ids:
                blocked.add(ordered(int(member.id), int(other)))
    if not run.allow_repeats:
        blocked |= earlier_partner_pairs(program=run.program, membership_ids=ids)
    return blocked


# -- who a run leaves out ---------------------------------------------------------------


def _left_out_reason(membership: Membership, *, partnered: bool) -> str:
    reason = LeftOutMember.Reason
    profile = getattr(membership, "profile", None)
    if partnered:
        return reason.PARTNERED
    if membership.status == Membership.Status.PAUSED:
        return reason.PAUSED
    if membership.status == Membership.Status.INVITED:
        return reason.INVITED
    if profile is None:
        return reason.NO_INTAKE
    if profile.submitted_at is None:
        return reason.NOT_SUBMITTED
    if profile.consent_at is None:
        return reason.NO_CONSENT
    if membership.cooling_off_until is not None and membership.cooling_off_until > clock.now():
        return reason.COOLING_OFF
    return reason.NOT_READY


def match_left_out(*, program: Program, pool_ids: Iterable[int]) -> list[tuple[Membership, str]]:
    """Return the program's members outside the pool ``pool_ids``, each with why, in join order.

    Whoever left the program is not listed. The first reason that applies is given: in a
    partnership, paused, invited, no intake, intake not submitted, no consent, cooling off
    after an ending, not ready.
    """
    live_seat = PartnershipMember.objects.filter(membership=OuterRef("pk"), active=True)
    others = (
        Membership.objects.filter(program=program, role=Membership.Role.MEMBER)
        .exclude(status=Membership.Status.LEFT)
        .exclude(pk__in=list(pool_ids))
        .annotate(partnered=Exists(live_seat))
        .select_related("profile")
        .order_by("created_at", "id")
    )
    return [(m, _left_out_reason(m, partnered=m.partnered)) for m in others]


def run_left_out(*, run: MatchRun) -> QuerySet[LeftOutMember]:
    """Return the members a run did not consider, with their names (for the coordinator)."""
    return LeftOutMember.objects.filter(run=run).select_related(
        "membership__user", "membership__profile"
    )


def membership_name(membership: Membership) -> str:
    """Return a member's name as matching shows it: display name, account name, then email."""
    return member_name(membership, address="full")


# -- runs and review --------------------------------------------------------------------


def match_run_list(*, program: Program) -> QuerySet[MatchRun]:
    """Return the program's runs, newest first, with proposal and unmatched counts."""
    return (
        MatchRun.objects.filter(program=program)
        .select_related("program", "created_by")
        .annotate(
            proposal_count=Count("proposals", distinct=True),
            unmatched_count=Count("unmatched", distinct=True),
        )
    )


def run_proposals(*, run: MatchRun) -> QuerySet[Proposal]:
    """Return a run's proposals, best first, each with its people and their intakes."""
    seats = ProposalMember.objects.select_related("membership__user", "membership__profile")
    return (
        Proposal.objects.filter(run=run)
        .prefetch_related(Prefetch("seats", queryset=seats))
        .order_by("position", "id")
    )


def run_unmatched(*, run: MatchRun) -> QuerySet[UnmatchedMember]:
    """Return the people a run left out, with their intakes."""
    return UnmatchedMember.objects.filter(run=run).select_related(
        "membership__user", "membership__profile"
    )


def score_distribution(scores: Iterable[float], *, bins: int = 10) -> dict[str, list[Any]]:
    """Return bar-chart data: labels "0.0-0.1", ... and how many scores fall in each."""
    counts = [0] * bins
    for s in scores:
        counts[min(int(max(s, 0.0) * bins), bins - 1)] += 1
    labels = [f"{k / bins:.1f}-{(k + 1) / bins:.1f}" for k in range(bins)]
    return {"labels": labels, "counts": counts}


def match_run_publish_blocker(*, run: MatchRun, people: Sequence[Membership]) -> str:
    """Return why a finished run can no longer be published, or "" when it can.

    ``people`` are the members of its proposals. A run is out of date once another run of
    the program was published after it started, or once one of its people has joined a
    partnership or is no longer in the matching pool (paused, left, intake changed).
    """
    newer = (
        MatchRun.objects.filter(
            program=run.program_id,
            status=MatchRun.Status.PUBLISHED,
            published_at__gt=run.created_at,
        )
        .exclude(pk=run.pk)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if newer is not None:
        return MSG_NEWER_RUN_PUBLISHED.format(run=newer)
    if not people:
        return ""
    ids = [m.pk for m in people]
    busy = set(
        PartnershipMember.objects.filter(active=True, membership__in=ids).values_list(
            "membership_id", flat=True
        )
    )
    if busy:
        names = ", ".join(membership_name(m) for m in people if m.pk in busy)
        return MSG_ALREADY_PARTNERED.format(names=names)
    still = set(match_pool(program=run.program).filter(pk__in=ids).values_list("pk", flat=True))
    gone = [m for m in people if m.pk not in still]
    if gone:
        return MSG_NO_LONGER_READY.format(names=", ".join(membership_name(m) for m in gone))
    return ""


def proposal_gains(
    *, program: Program, proposals: Sequence[Proposal], kind: str
) -> tuple[set[int], set[int]]:
    """Return the ids of proposals in which nobody learns a skill they asked for, and of the
    pairs in which both gain.

    A person gains when a partner offers one of the skills they want (merged tags count as
    the tag they were merged into). Both gain, as the engine counts it (``kind`` is the run's
    ``both_gain``): in a skill swap each partner learns a skill they asked for ("off" counts
    skill swaps too); with shared goals the two share a goal theme. A constant number of
    queries.
    """
    memberships = [s.membership for p in proposals for s in p.seats.all()]
    skills = _skill_sets(memberships, program=program) if memberships else {}
    empty: dict[str, set[str]] = {"offers": set(), "wants": set(), "themes": set()}
    nobody: set[int] = set()
    both: set[int] = set()
    for proposal in proposals:
        ids = [s.membership_id for s in proposal.seats.all()]
        learns = [
            bool(
                skills.get(me, empty)["wants"]
                & set().union(*(skills.get(o, empty)["offers"] for o in ids if o != me))
            )
            for me in ids
        ]
        if not any(learns):
            nobody.add(proposal.pk)
        if len(ids) != 2:
            continue
        if kind == Program.BothGain.SHARED_GOALS:
            a, b = (skills.get(x, empty)["themes"] for x in ids)
            if a & b:
                both.add(proposal.pk)
        elif all(learns):
            both.add(proposal.pk)
    return nobody, both


def swaps_that_cannot_be_kept(*, run: MatchRun, proposals: Sequence[Proposal]) -> int:
    """Return how many of the run's swapped proposals a new run cannot keep as locks.

    In a pairs run only a pair can be locked, so a swapped trio is dropped.
    """
    if run.format != MatchRun.Format.PAIRS:
        return 0
    return sum(1 for p in proposals if p.edited and not p.locked and len(p.seats.all()) != 2)


@dataclass
class RunReview:
    """Everything the review page and the API show for one run."""

    run: MatchRun
    proposals: list[Proposal]
    unmatched: list[UnmatchedMember]
    rules: list[MatchRule]
    distribution: dict[str, list[Any]] = field(default_factory=dict)
    left_out: list[LeftOutMember] = field(default_factory=list)
    # Why this finished run can no longer be published ("" when it can).
    blocker: str = ""
    no_skill_gain: set[int] = field(default_factory=set)
    # Pairs in which both gain (the run's both_gain; a skill swap when it is off).
    both_gain: set[int] = field(default_factory=set)
    swaps_dropped: int = 0

    @property
    def swaps(self) -> int:
        """How many proposals the coordinator swapped (kept as locks by "Run again")."""
        return sum(1 for p in self.proposals if p.edited and not p.locked)

    @property
    def both_gain_share(self) -> tuple[int, int]:
        """How many of the run's pairs both gain, out of how many pairs."""
        pairs = sum(1 for p in self.proposals if len(p.seats.all()) == 2)
        return len(self.both_gain), pairs

    @property
    def certified_gap(self) -> str | None:
        """For a run solved by the relaxation (very large runs): its proven bound, in words."""
        stats = self.run.stats or {}
        if stats.get("exact", True):
            return None
        return f"{float(stats.get('certified_gap', 0.0)):.4%}"


def run_review(*, run: MatchRun) -> RunReview:
    """Return a run's proposals, unmatched and left out, the program's rules, the score
    distribution, whether it can still be published and which proposals teach nobody."""
    proposals = list(run_proposals(run=run))
    blocker = ""
    if run.status == MatchRun.Status.DONE:
        people = [s.membership for p in proposals for s in p.seats.all()]
        blocker = match_run_publish_blocker(run=run, people=people)
    nobody, both = proposal_gains(program=run.program, proposals=proposals, kind=run.both_gain)
    return RunReview(
        run=run,
        proposals=proposals,
        unmatched=list(run_unmatched(run=run)),
        rules=list(match_rules_for(program=run.program)),
        distribution=score_distribution(p.score for p in proposals),
        left_out=list(run_left_out(run=run)),
        blocker=blocker,
        no_skill_gain=nobody,
        both_gain=both,
        swaps_dropped=swaps_that_cannot_be_kept(run=run, proposals=proposals),
    )


# -- introductions (emails and the partnership page) ------------------------------------
# PartnerCard and Introduction are partnerships' own (partnerships/slots.py): matching fills
# that slot with partnership_introduction below.


def _skill_sets(
    memberships: Sequence[Membership], *, program: Program | None = None
) -> dict[int, dict[str, set[str]]]:
    names = _tag_names(program or memberships[0].program)
    profile_to_membership = {m.profile.pk: m.pk for m in memberships}
    out: dict[int, dict[str, set[str]]] = {
        m.pk: {"offers": set(), "wants": set(), "themes": set()} for m in memberships
    }
    for key, through in (
        ("offers", Profile.offers.through),
        ("wants", Profile.wants.through),
        ("themes", Profile.themes.through),
    ):
        for profile_id, tag_id in through.objects.filter(
            profile_id__in=profile_to_membership
        ).values_list("profile_id", "tag_id"):
            if tag_id in names:
                out[profile_to_membership[profile_id]][key].add(names[tag_id])
    return out


def member_reasons(reasons: Iterable[str]) -> list[str]:
    """Return the reasons of a match as its members may read them.

    "Locked by the coordinator" is the coordinator's reason, never shown to members.
    """
    return [r for r in reasons if r != REASON_LOCKED]


def _sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=str.casefold)


def partnership_introduction(*, partnership: Partnership, user: Any) -> Introduction:
    """Return the partners of ``user`` in ``partnership``: who they are, what each teaches the
    other, and why they were matched (the reasons of the published proposal, if any).

    The caller has checked that ``user`` sits in the partnership.
    """
    seats = list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("membership__user", "membership__profile", "membership__program")
        .order_by("joined_at", "id")
    )
    memberships = [s.membership for s in seats]
    me = next(m for m in memberships if m.user_id == user.pk)
    with_profile = [m for m in memberships if hasattr(m, "profile")]
    skills = _skill_sets(with_profile) if with_profile else {}
    empty: dict[str, set[str]] = {"offers": set(), "wants": set(), "themes": set()}
    mine = skills.get(me.pk, empty)
    partners = []
    for m in memberships:
        if m.pk == me.pk:
            continue
        theirs = skills.get(m.pk, empty)
        profile = getattr(m, "profile", None)
        partners.append(
            PartnerCard(
                membership_id=m.pk,
                name=member_name(m, address="full"),
                pronouns=profile.pronouns if profile else "",
                email=m.user.email,
                organisation=profile.organisation if profile else "",
                department=profile.department if profile else "",
                time_zone=profile.time_zone if profile else "",
                goals_text=profile.goals_text if profile else "",
                meeting_needs=profile.meeting_needs if profile else "",
                themes=_sorted(theirs["themes"]),
                teaches_me=_sorted(theirs["offers"] & mine["wants"]),
                learns_from_me=_sorted(mine["offers"] & theirs["wants"]),
            )
        )
    proposal = Proposal.objects.filter(partnership=partnership).only("reasons").first()
    return Introduction(
        partnership=partnership,
        me=me,
        partners=partners,
        reasons=member_reasons(proposal.reasons) if proposal else [],
    )


def introductions_pending(*, run: MatchRun) -> QuerySet[ProposalMember]:
    """Return the seats of a published run whose introduction email has not gone yet."""
    return (
        ProposalMember.objects.filter(
            run=run, introduced_at__isnull=True, proposal__partnership__isnull=False
        )
        .select_related("proposal__partnership", "membership__user")
        .order_by("proposal__position", "position", "id")
    )
