"""Pair by hand: a coordinator picks two ready members (three to five in a circles program)
and creates their partnership, with the engine's hard rules checked and its reasons kept.

The pairing is recorded as a published run of one proposal (``stats["by_hand"]``), so the
partners get the same introduction email as after a match run, once each, and the partnership
page shows the reasons.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.matching import selectors
from tandem.matching.models import MatchRun, Proposal, ProposalMember
from tandem.matching.selectors_hand import hand_check, hand_size_range
from tandem.matching.tasks import match_introductions_task
from tandem.partnerships.models import Partnership, PartnershipEvent
from tandem.partnerships.services.coordinator import (
    MSG_COORDINATOR_REASON,
    partnership_end_by_coordinator,
)
from tandem.partnerships.services.life import MSG_END_REASON
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Membership, Program
from tandem.programs.names import member_name

MSG_PAIR_SIZE = "Pick exactly two people to pair (you picked {count})."
MSG_CIRCLE_SIZE = "Pick three to five people for a circle (you picked {count})."
MSG_NOT_IN_POOL = (
    "Only members who are ready for matching, with their intake done and in no live "
    "partnership, can be paired; not: {names}."
)
MSG_BROKEN_RULES = "This group breaks the matching rules: {problems}."

PROGRESS_BY_HAND = "paired by hand"


def hand_size_check(*, program: Program, count: int) -> None:
    """Raise ValidationFailed when ``count`` people cannot form a group in this program."""
    low, high = hand_size_range(program=program)
    if not low <= count <= high:
        message = MSG_PAIR_SIZE if high == 2 else MSG_CIRCLE_SIZE
        raise ValidationFailed(message.format(count=count), field="members")


def hand_pool_pick(*, program: Program, membership_ids: Sequence[int]) -> list[Membership]:
    """Return the picked members in the order given, all from the program's pool.

    ValidationFailed names every picked person who is not (or no longer) in the pool; a made-up
    id or another program's member counts as "someone" without a name.
    """
    wanted = list(dict.fromkeys(int(i) for i in membership_ids))
    hand_size_check(program=program, count=len(wanted))
    pool = {m.pk: m for m in selectors.match_pool(program=program).filter(pk__in=wanted)}
    missing = [i for i in wanted if i not in pool]
    if missing:
        known = {
            m.pk: m
            for m in Membership.objects.filter(program=program, pk__in=missing).select_related(
                "user", "profile"
            )
        }
        names = ", ".join(
            hand_member_name(known[i]) if i in known else "an unknown person" for i in missing
        )
        raise ValidationFailed(MSG_NOT_IN_POOL.format(names=names), field="members")
    return [pool[i] for i in wanted]


def hand_member_name(m: Membership) -> str:
    """Return the name a member goes by in the program (intake name, account name, address)."""
    return member_name(m, address="full")


@transaction.atomic
def partnership_create_by_hand(
    *, program: Program, membership_ids: Sequence[int], actor: Any
) -> MatchRun:
    """Create the partnership of the picked members if the engine's hard rules allow it.

    Every broken rule is named at once. The members become "matched"; the pairing is audited
    and the introduction emails are queued after the commit. Returns the one-proposal run.
    """
    # Lock the picked rows so two coordinators cannot pair the same person twice at once.
    list(
        Membership.objects.select_for_update()
        .filter(program=program, pk__in=list(membership_ids))
        .values_list("pk", flat=True)
    )
    people = hand_pool_pick(program=program, membership_ids=membership_ids)
    check = hand_check(program=program, memberships=people)
    if check.problems:
        raise ValidationFailed(
            MSG_BROKEN_RULES.format(problems="; ".join(check.problems)), field="members"
        )
    now = clock.now()
    partnership = partnership_create_from_match(program=program, memberships=people, started_at=now)
    Membership.objects.filter(pk__in=[m.pk for m in people]).update(
        status=Membership.Status.MATCHED, updated_at=now
    )
    run = MatchRun.objects.create(
        program=program,
        created_by=actor if getattr(actor, "pk", None) else None,
        format=MatchRun.Format.CIRCLES
        if program.format == Program.Format.CIRCLES
        else MatchRun.Format.PAIRS,
        circle_size=max(3, min(5, len(people))),
        reference_date=program.kickoff_on or clock.today(),
        status=MatchRun.Status.PUBLISHED,
        progress=PROGRESS_BY_HAND,
        stats={"by_hand": True, "matched": len(people)},
        started_at=now,
        finished_at=now,
        published_at=now,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    proposal = Proposal.objects.create(
        run=run,
        position=0,
        score=check.score,
        reasons=list(check.reasons),
        edited=True,
        partnership=partnership,
    )
    ProposalMember.objects.bulk_create(
        ProposalMember(proposal=proposal, run=run, membership=m, position=k)
        for k, m in enumerate(people)
    )
    audit_record(
        action=AuditEvent.Action.PAIRED_BY_HAND,
        actor=actor,
        program=program,
        subject_label=f"Partnership #{partnership.pk} (by hand)",
        after={
            "by_hand": True,
            "run": run.pk,
            "partnership": partnership.pk,
            "people": [m.pk for m in people],
        },
    )
    run_id = run.pk
    transaction.on_commit(lambda: match_introductions_task.enqueue(run_id))
    return run


MSG_REASSIGN_NOT_PARTNER = "Pick who moves among the partnership's current partners."
MSG_REASSIGN_PICK = "Pick the new partner (or, for a circle, the new circle) from the list."


@transaction.atomic
def partnership_reassign(
    *,
    program: Program,
    partnership_id: int,
    membership_id: int,
    partner_ids: Sequence[int],
    actor: Any,
    end_reason: str,
    reason: str,
) -> MatchRun:
    """Move a partner to a new pairing: end their partnership, pair them by hand anew.

    One transaction: the current partnership ends by the coordinator (reason kept for
    coordinators and the audit log, partners told by email) and the member is paired with
    ``partner_ids`` under the engine's hard rules; if the new pairing breaks a rule, nothing
    changes. The partners left behind go back to "ready for matching" after the program's
    cooling-off; the member the coordinator moves on skips it.
    """
    seat_ids = set(
        Partnership.objects.filter(program=program, pk=partnership_id)
        .exclude(status=Partnership.Status.ENDED)
        .values_list("seats__membership_id", flat=True)
        .filter(seats__active=True)
    )
    problems = []
    if int(membership_id) not in seat_ids:
        problems.append(MSG_REASSIGN_NOT_PARTNER)
    if not partner_ids:
        problems.append(MSG_REASSIGN_PICK)
    if end_reason not in PartnershipEvent.EndReason.values:
        problems.append(MSG_END_REASON)
    if not reason.strip():
        problems.append(MSG_COORDINATOR_REASON)
    if problems:
        raise ValidationFailed(" ".join(problems))
    partnership_end_by_coordinator(
        program=program,
        partnership_id=partnership_id,
        actor=actor,
        end_reason=end_reason,
        reason=reason,
    )
    Membership.objects.filter(pk=int(membership_id)).update(cooling_off_until=None)
    return partnership_create_by_hand(
        program=program, membership_ids=[int(membership_id), *partner_ids], actor=actor
    )
