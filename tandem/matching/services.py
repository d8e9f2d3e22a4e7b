"""Writes for matching: runs, the coordinator's edits, rules, publishing, introductions."""

import logging
from collections.abc import Mapping, Sequence
from itertools import combinations, pairwise
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.matching import selectors
from tandem.matching.engine import score_group
from tandem.matching.models import (
    MatchRule,
    MatchRun,
    Proposal,
    ProposalMember,
    UnmatchedMember,
)
from tandem.matching.runs import engine_config, match_run_execute, weights_checked
from tandem.matching.tasks import match_introductions_task, match_run_task
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Membership, Program

logger = logging.getLogger(__name__)

DEFAULT_INLINE_LIMIT = 300

PROGRESS_QUEUED = "waiting for the worker"

MSG_BAD_CIRCLE_SIZE = "Circle size must be between 3 and 5 people."
MSG_TOO_FEW_MEMBERS = (
    "Fewer than two members are ready for matching (intake complete and not already in a "
    "partnership); nothing to match yet."
)
MSG_RUN_NOT_EDITABLE = "This run can no longer be changed: only a finished, unpublished run can."
MSG_NOT_IN_RUN = "That proposal is not part of this run."
MSG_PERSON_NOT_IN_RUN = "That person is not in a proposal of this run."
MSG_SWAP_SAME_PROPOSAL = "Pick two people from two different proposals to swap them."
MSG_SWAP_LOCKED = "A locked proposal cannot change; remove its lock first."
MSG_SWAP_BLOCKED = (
    "After this swap {a} and {b} would be together, but a rule keeps them apart "
    "(a forbid, an exclusion or an earlier partnership)."
)
MSG_LOCK_PAIRS_ONLY = (
    "In a pairs run only a pair can be locked; remove the third person first or run circles."
)
MSG_FORBID_NOT_IN_PROPOSAL = "Pick two people of this proposal to keep apart."
MSG_ALREADY_PUBLISHED = "This run has already been published; its partnerships exist."
MSG_NOT_READY_TO_PUBLISH = "Only a finished run can be published; wait for it or start a new one."
MSG_NOTHING_TO_PUBLISH = "This run has no proposals to publish."
MSG_ALREADY_PARTNERED = selectors.MSG_ALREADY_PARTNERED
MSG_NO_LONGER_READY = selectors.MSG_NO_LONGER_READY
MSG_NEWER_RUN_PUBLISHED = selectors.MSG_NEWER_RUN_PUBLISHED
MSG_RULE_NOT_FOUND = "That rule does not exist (any more)."

MSG_BAD_BOTH_GAIN = "Choose what counts as both gaining: skill_swap, shared_goals or off."

REASON_FORBIDDEN = "the coordinator kept them apart from the proposed partner"
REASON_REMOVED = "the coordinator removed their proposal"


def inline_limit() -> int:
    """Return the largest run that is matched inside the request (larger ones go to the worker)."""
    return int(getattr(settings, "TANDEM_MATCH_INLINE_LIMIT", DEFAULT_INLINE_LIMIT))


# -- runs -------------------------------------------------------------------------------


@transaction.atomic
def match_run_create(
    *,
    program: Program,
    created_by: Any,
    format: str = MatchRun.Format.PAIRS,
    circle_size: int = 4,
    allow_trios: bool = False,
    maximise_matched: bool = False,
    both_gain: str | None = None,
    fairness: bool = False,
    allow_repeats: bool = False,
    weights: Mapping[str, Any] | None = None,
    seed: int = 0,
    parent: MatchRun | None = None,
) -> MatchRun:
    """Create a queued run; a large one is handed to the worker once the transaction commits.

    ``both_gain`` None takes the program's setting.
    """
    if not 3 <= circle_size <= 5:
        raise ValidationFailed(MSG_BAD_CIRCLE_SIZE, field="circle_size")
    both_gain = program.both_gain if both_gain is None else both_gain
    if both_gain not in Program.BothGain.values:
        raise ValidationFailed(MSG_BAD_BOTH_GAIN, field="both_gain")
    pool = selectors.match_pool(program=program).count()
    if pool < 2:
        raise ValidationFailed(MSG_TOO_FEW_MEMBERS)
    run = MatchRun.objects.create(
        program=program,
        created_by=created_by if getattr(created_by, "pk", None) else None,
        parent=parent,
        format=format,
        circle_size=circle_size,
        allow_trios=allow_trios,
        maximise_matched=maximise_matched,
        both_gain=both_gain,
        fairness=fairness,
        allow_repeats=allow_repeats,
        weights=weights_checked(weights),
        seed=seed,
        reference_date=program.kickoff_on or clock.today(),
        in_worker=pool > inline_limit(),
        progress=PROGRESS_QUEUED,
    )
    if run.in_worker:
        run_id = run.pk
        transaction.on_commit(lambda: match_run_task.enqueue(run_id))
    return run


def match_run_start(**kwargs: Any) -> MatchRun:
    """Create a run and, when it is small, match it right away (in the caller's request)."""
    run = match_run_create(**kwargs)
    if not run.in_worker:
        run = match_run_execute(run_id=run.pk)
    return run


def match_run_rerun(*, run: MatchRun, actor: Any) -> MatchRun:
    """Start a new run with the same parameters; the program's locks and forbids apply to it.

    Each proposal the coordinator swapped is kept: its people are locked together first
    (see :func:`_swaps_keep`), so the new run has them as locked pairs or circles.
    """
    with transaction.atomic():
        _swaps_keep(run=run, actor=actor)
        new = match_run_create(
            program=run.program,
            created_by=actor,
            format=run.format,
            circle_size=run.circle_size,
            allow_trios=run.allow_trios,
            maximise_matched=run.maximise_matched,
            both_gain=run.both_gain,
            fairness=run.fairness,
            allow_repeats=run.allow_repeats,
            weights=run.weights,
            seed=run.seed,
            parent=run,
        )
    if not new.in_worker:
        new = match_run_execute(run_id=new.pk)
    return new


def _swaps_keep(*, run: MatchRun, actor: Any) -> list[Proposal]:
    """Lock the people of every swapped, unlocked proposal of ``run``; return those locked.

    A swap is not kept when it cannot be a lock: a trio in a pairs run (only pairs lock
    there), someone no longer in the matching pool, two people a rule now keeps apart, or
    someone already locked to a person outside the proposal (that lock is the newer choice).
    """
    swapped = [p for p in selectors.run_proposals(run=run) if p.edited and not p.locked]
    if not swapped:
        return []
    people = {p.pk: [s.membership for s in p.seats.all()] for p in swapped}
    everyone = [m for group in people.values() for m in group]
    ids = [m.pk for m in everyone]
    in_pool = set(
        selectors.match_pool(program=run.program).filter(pk__in=ids).values_list("pk", flat=True)
    )
    blocked = selectors.blocked_pairs(run=run, memberships=everyone)
    locked_to: dict[int, set[int]] = {}
    for low, high in (
        MatchRule.objects.filter(program=run.program, kind=MatchRule.Kind.LOCK)
        .filter(Q(membership_a__in=ids) | Q(membership_b__in=ids))
        .values_list("membership_a_id", "membership_b_id")
    ):
        locked_to.setdefault(low, set()).add(high)
        locked_to.setdefault(high, set()).add(low)
    kept = []
    for proposal in swapped:
        group = people[proposal.pk]
        members = {m.pk for m in group}
        if run.format == MatchRun.Format.PAIRS and len(group) != 2:
            continue
        if not members <= in_pool:
            continue
        if any(selectors.ordered(x.pk, y.pk) in blocked for x, y in combinations(group, 2)):
            continue
        if any(locked_to.get(m, set()) - members for m in members):
            continue
        for a, b in pairwise(group):
            _rule_set(program=run.program, kind=MatchRule.Kind.LOCK, a=a, b=b, actor=actor)
        _audit_edit(
            AuditEvent.Action.MATCH_LOCKED,
            run=run,
            actor=actor,
            memberships=[m.pk for m in group],
            swap_kept=True,
        )
        kept.append(proposal)
    return kept


# -- the coordinator's edits ------------------------------------------------------------


def _audit_edit(
    action: str, *, run: MatchRun, actor: Any, memberships: Sequence[int], **extra: Any
) -> None:
    # Membership ids, never names: the log is append-only and outlives an erasure.
    audit_record(
        action=action,
        actor=actor,
        program=run.program,
        subject_label=str(run),
        after={"run": run.pk, "memberships": list(memberships), **extra},
    )


def _editable(run: MatchRun) -> MatchRun:
    locked = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if not locked.is_editable:
        raise Conflict(MSG_RUN_NOT_EDITABLE)
    return locked


def _proposal(run: MatchRun, proposal_id: int) -> Proposal:
    proposal = Proposal.objects.filter(run=run, pk=proposal_id).first()
    if proposal is None:
        raise NotFound(MSG_NOT_IN_RUN)
    return proposal


def _seat_memberships(proposal: Proposal) -> list[Membership]:
    return [
        s.membership
        for s in proposal.seats.select_related("membership__user", "membership__profile").order_by(
            "position", "id"
        )
    ]


def _rule_set(
    *, program: Program, kind: str, a: Membership, b: Membership, actor: Any
) -> MatchRule:
    low, high = (a, b) if a.pk < b.pk else (b, a)
    rule, _ = MatchRule.objects.update_or_create(
        program=program,
        membership_a=low,
        membership_b=high,
        defaults={
            "kind": kind,
            "created_by": actor if getattr(actor, "pk", None) else None,
            "updated_at": clock.now(),
        },
    )
    return rule


@transaction.atomic
def proposal_lock(*, run: MatchRun, proposal_id: int, actor: Any) -> Proposal:
    """Lock a proposal: its people must be matched together in every later run of the program.

    In pairs, a person is locked to one partner: a new lock replaces their older ones.
    """
    run = _editable(run)
    proposal = _proposal(run, proposal_id)
    people = _seat_memberships(proposal)
    if run.format == MatchRun.Format.PAIRS:
        if len(people) != 2:
            raise ValidationFailed(MSG_LOCK_PAIRS_ONLY)
        ids = [p.pk for p in people]
        MatchRule.objects.filter(program=run.program, kind=MatchRule.Kind.LOCK).filter(
            Q(membership_a__in=ids) | Q(membership_b__in=ids)
        ).exclude(membership_a__in=ids, membership_b__in=ids).delete()
    # A chain of locks keeps a circle together.
    for a, b in pairwise(people):
        _rule_set(program=run.program, kind=MatchRule.Kind.LOCK, a=a, b=b, actor=actor)
    proposal.locked = True
    proposal.save(update_fields=["locked"])
    _audit_edit(
        AuditEvent.Action.MATCH_LOCKED, run=run, actor=actor, memberships=[p.pk for p in people]
    )
    return proposal


def _unmatch(run: MatchRun, proposal: Proposal, reasons: Mapping[int, str]) -> None:
    people = _seat_memberships(proposal)
    proposal.delete()
    UnmatchedMember.objects.bulk_create(
        UnmatchedMember(run=run, membership=m, reason=reasons.get(m.pk, REASON_REMOVED))
        for m in people
    )


@transaction.atomic
def proposal_forbid(
    *,
    run: MatchRun,
    proposal_id: int,
    actor: Any,
    a: int | None = None,
    b: int | None = None,
) -> MatchRule:
    """Never match two people of a proposal (this and every later run); remove the proposal.

    For a pair ``a`` and ``b`` may be left out. Its people go back to the unmatched.
    """
    run = _editable(run)
    proposal = _proposal(run, proposal_id)
    people = {m.pk: m for m in _seat_memberships(proposal)}
    if a is None and b is None and len(people) == 2:
        a, b = sorted(people)
    if a is None or b is None or a == b or a not in people or b not in people:
        raise ValidationFailed(MSG_FORBID_NOT_IN_PROPOSAL)
    rule = _rule_set(
        program=run.program, kind=MatchRule.Kind.FORBID, a=people[a], b=people[b], actor=actor
    )
    _unmatch(run, proposal, {a: REASON_FORBIDDEN, b: REASON_FORBIDDEN})
    _audit_edit(AuditEvent.Action.MATCH_FORBIDDEN, run=run, actor=actor, memberships=[a, b])
    return rule


@transaction.atomic
def proposal_remove(*, run: MatchRun, proposal_id: int, actor: Any) -> None:
    """Remove a proposal from the run; its people go back to the unmatched."""
    run = _editable(run)
    proposal = _proposal(run, proposal_id)
    ids = list(proposal.seats.order_by("position", "id").values_list("membership_id", flat=True))
    _unmatch(run, proposal, {})
    _audit_edit(AuditEvent.Action.MATCH_REMOVED, run=run, actor=actor, memberships=ids)


def group_score(
    *, run: MatchRun, memberships: Sequence[Membership]
) -> tuple[float, tuple[str, ...]]:
    """Score a pair or group with the engine and explain it, as the run would have.

    A group's score is the mean of its pair scores, as the engine computes it.
    """
    members = selectors.engine_members(program=run.program, memberships=memberships)
    group = score_group(members, engine_config(run))
    return group.score, group.reasons


@transaction.atomic
def proposal_swap(*, run: MatchRun, a: int, b: int, actor: Any) -> tuple[Proposal, Proposal]:
    """Swap two people between two proposals; re-score both and regenerate their reasons."""
    run = _editable(run)
    seats = {
        s.membership_id: s
        for s in ProposalMember.objects.select_related("proposal").filter(
            run=run, membership_id__in=[a, b]
        )
    }
    if a not in seats or b not in seats:
        raise NotFound(MSG_PERSON_NOT_IN_RUN)
    seat_a, seat_b = seats[a], seats[b]
    first, second = seat_a.proposal, seat_b.proposal
    if first.pk == second.pk:
        raise ValidationFailed(MSG_SWAP_SAME_PROPOSAL)
    if first.locked or second.locked:
        raise ValidationFailed(MSG_SWAP_LOCKED)
    group_first = [m for m in _seat_memberships(first) if m.pk != a]
    group_second = [m for m in _seat_memberships(second) if m.pk != b]
    by_pk = {s.membership_id: s.membership for s in (seat_a, seat_b)}
    group_first.insert(seat_a.position, by_pk[b])
    group_second.insert(seat_b.position, by_pk[a])
    blocked = selectors.blocked_pairs(run=run, memberships=group_first + group_second)
    for group in (group_first, group_second):
        for x, y in combinations(group, 2):
            if selectors.ordered(x.pk, y.pk) in blocked:
                raise ValidationFailed(
                    MSG_SWAP_BLOCKED.format(a=_name(x), b=_name(y)), field="swap"
                )
    seat_a.proposal, seat_b.proposal = second, first
    seat_a.position, seat_b.position = seat_b.position, seat_a.position
    ProposalMember.objects.bulk_update([seat_a, seat_b], ["proposal", "position"])
    for proposal, group in ((first, group_first), (second, group_second)):
        proposal.score, reasons = group_score(run=run, memberships=group)
        proposal.reasons = list(reasons)
        proposal.edited = True
        proposal.save(update_fields=["score", "reasons", "edited"])
    _audit_edit(AuditEvent.Action.MATCH_SWAPPED, run=run, actor=actor, memberships=[a, b])
    return first, second


_name = selectors.membership_name


@transaction.atomic
def match_rule_delete(*, program: Program, rule_id: int, actor: Any = None) -> None:
    """Delete one of the program's locks or forbids (later runs no longer honour it)."""
    rule = MatchRule.objects.select_for_update().filter(program=program, pk=rule_id).first()
    if rule is None:
        raise NotFound(MSG_RULE_NOT_FOUND)
    before = {"kind": rule.kind, "memberships": [rule.membership_a_id, rule.membership_b_id]}
    rule.delete()
    audit_record(
        action=AuditEvent.Action.MATCH_RULE_REMOVED,
        actor=actor,
        program=program,
        subject_label=f"Match rule #{rule_id} in {program}",
        before=before,
    )


# -- publishing -------------------------------------------------------------------------


@transaction.atomic
def match_run_publish(*, run_id: int, actor: Any) -> MatchRun:
    """Create the run's partnerships in one transaction and queue the introduction emails.

    A run is published once: the second call raises Conflict and creates nothing.
    """
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run_id)
    if run.status == MatchRun.Status.PUBLISHED:
        raise Conflict(MSG_ALREADY_PUBLISHED)
    if run.status != MatchRun.Status.DONE:
        raise Conflict(MSG_NOT_READY_TO_PUBLISH)
    proposals = list(selectors.run_proposals(run=run))
    if not proposals:
        raise ValidationFailed(MSG_NOTHING_TO_PUBLISH)
    groups = [[s.membership for s in p.seats.all()] for p in proposals]
    people = [m for group in groups for m in group]
    # The review page hides Publish on such a run; this catches a change made meanwhile.
    blocker = selectors.match_run_publish_blocker(run=run, people=people)
    if blocker:
        raise Conflict(blocker)
    now = clock.now()
    for proposal, group in zip(proposals, groups, strict=True):
        proposal.partnership = partnership_create_from_match(
            program=run.program, memberships=group, started_at=now
        )
        proposal.save(update_fields=["partnership"])
    Membership.objects.filter(pk__in=[m.pk for m in people]).update(
        status=Membership.Status.MATCHED, updated_at=now
    )
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = now
    run.published_by = actor if getattr(actor, "pk", None) else None
    run.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        action=AuditEvent.Action.MATCH_PUBLISHED,
        actor=actor,
        program=run.program,
        subject_label=str(run),
        after={
            "run": run.pk,
            "partnerships": len(proposals),
            "people": len(people),
            "unmatched": run.unmatched.count(),
        },
    )
    transaction.on_commit(lambda: match_introductions_task.enqueue(run_id))
    event_emit(
        EventType.MATCHES_PUBLISHED,
        program_id=run.program_id,
        key=str(run.pk),
        data={"match_run_id": run.pk, "partnerships": len(proposals), "people": len(people)},
    )
    return run
