"""What a match run does once it starts: run the engine and store the proposals; and, once
published, send each partner their introduction.

The worker's tasks (``tasks.py``) call these, and so does ``services.match_run_start`` for a run
small enough to match inside the request. They import neither the services nor the tasks, so
the services can queue the tasks without an import cycle.
"""

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from tandem.core import clock
from tandem.core.emails import email_build, send_once
from tandem.core.errors import ValidationFailed
from tandem.core.links import absolute_url
from tandem.matching import selectors
from tandem.matching.engine import MatchConfig, MatchResult, Weights, match_members
from tandem.matching.models import (
    WEIGHT_NAMES,
    LeftOutMember,
    MatchRun,
    Proposal,
    ProposalMember,
    UnmatchedMember,
)
from tandem.matching.slots import introduction_preview
from tandem.programs.models import Membership

logger = logging.getLogger(__name__)

_name = selectors.membership_name


PROGRESS_BUILDING = "building candidates"


PROGRESS_SOLVING = "solving"


PROGRESS_EXPLAINING = "explaining"


MSG_BAD_WEIGHTS = "Weights must be zero or positive, and at least one must be positive."


MSG_RUN_CRASHED = "The run stopped on an unexpected error; try again, or tell the operator."


def weights_checked(raw: Mapping[str, Any] | None) -> dict[str, float]:
    """Return the run's weights over the defaults; refuse any that the engine would refuse."""
    base = dataclasses.asdict(Weights())
    if raw:
        for name in WEIGHT_NAMES:
            if raw.get(name) is not None:
                base[name] = float(raw[name])
    try:
        Weights(**base)
    except ValueError as exc:
        raise ValidationFailed(MSG_BAD_WEIGHTS, field="weights") from exc
    return base


def engine_config(run: MatchRun) -> MatchConfig:
    """Return the engine's settings for a run, from what the coordinator chose."""
    return MatchConfig(
        reference_date=run.reference_date,
        weights=Weights(**weights_checked(run.weights)),
        format="circles" if run.format == MatchRun.Format.CIRCLES else "pairs",
        circle_size=run.circle_size,
        allow_trios=run.allow_trios,
        maximise_matched=run.maximise_matched,
        both_gain=run.both_gain,  # type: ignore[arg-type]
        fairness=run.fairness,
        allow_repeats=run.allow_repeats,
        seed=run.seed,
        min_meeting_minutes=run.program.meeting_minutes,
    )


def _set_progress(run_id: int, progress: str) -> None:
    # Committed at once (outside any transaction) so the polling page sees it.
    MatchRun.objects.filter(pk=run_id).update(progress=progress, updated_at=clock.now())


def _fail(run_id: int, message: str) -> None:
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.FAILED,
        error=message,
        progress="",
        finished_at=clock.now(),
        updated_at=clock.now(),
    )


def match_run_execute(*, run_id: int) -> MatchRun:
    """Run the engine for a queued run and store its proposals; a run is executed once.

    Progress ("building candidates", "solving", "explaining") is saved as it goes. Engine
    refusals (a lock that another rule forbids, ...) fail the run with the engine's message,
    names in place of ids.
    """
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING,
        started_at=clock.now(),
        progress=PROGRESS_BUILDING,
        updated_at=clock.now(),
    )
    run = MatchRun.objects.select_related("program").get(pk=run_id)
    if not claimed:
        return run
    try:
        memberships = list(selectors.match_pool(program=run.program))
        members = selectors.engine_members(program=run.program, memberships=memberships)
        rules = selectors.engine_rules(run=run, membership_ids=[m.pk for m in memberships])
        config = engine_config(run)
        _set_progress(run_id, PROGRESS_SOLVING)
        try:
            result = match_members(members, config, rules)
        except ValueError as exc:
            message = str(exc)
            for member in members:
                message = message.replace(repr(member.id), member.name)
            _fail(run_id, message)
            return MatchRun.objects.select_related("program").get(pk=run_id)
        _set_progress(run_id, PROGRESS_EXPLAINING)
        left_out = selectors.match_left_out(
            program=run.program, pool_ids=[m.pk for m in memberships]
        )
        _store_result(run, result, {m.pk: m for m in memberships}, left_out)
    except Exception:
        logger.exception("Match run %s failed", run_id)
        _fail(run_id, MSG_RUN_CRASHED)
        raise
    return MatchRun.objects.select_related("program").get(pk=run_id)


@transaction.atomic
def _store_result(
    run: MatchRun,
    result: MatchResult,
    by_id: Mapping[int, Membership],
    left_out: Sequence[tuple[Membership, str]],
) -> None:
    proposals = Proposal.objects.bulk_create(
        Proposal(
            run=run,
            position=k,
            score=group.score,
            reasons=list(group.reasons),
            locked=group.locked,
        )
        for k, group in enumerate(result.groups)
    )
    ProposalMember.objects.bulk_create(
        ProposalMember(proposal=proposal, run=run, membership=by_id[int(member_id)], position=k)
        for proposal, group in zip(proposals, result.groups, strict=True)
        for k, member_id in enumerate(group.members)
    )
    UnmatchedMember.objects.bulk_create(
        UnmatchedMember(run=run, membership=by_id[int(u.member)], reason=u.reason[:200])
        for u in result.unmatched
    )
    LeftOutMember.objects.bulk_create(
        LeftOutMember(run=run, membership=m, reason=reason) for m, reason in left_out
    )
    now = clock.now()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE,
        progress="",
        stats={**dataclasses.asdict(result.stats), "left_out": len(left_out)},
        finished_at=now,
        updated_at=now,
    )


def _introduction_message(seat: ProposalMember) -> EmailMultiAlternatives:
    partnership = seat.proposal.partnership
    assert partnership is not None
    intro = selectors.partnership_introduction(partnership=partnership, user=seat.membership.user)
    program = partnership.program
    context = {
        "intro": intro,
        "program": program,
        "me_name": _name(intro.me),
        "link": absolute_url(partnership.get_absolute_url()),
    }
    context["circle"] = len(intro.partners) > 1
    context["preview"] = introduction_preview(partnership=partnership, membership=seat.membership)
    return email_build(
        "introduction", folder="matching/email", to=seat.membership.user.email, context=context
    )


def match_introductions_send(*, run_id: int) -> int:
    """Email every partner of a published run their introduction; each email goes once.

    A seat is claimed and its email sent in one transaction: a failed send leaves it to the
    next attempt, and a second worker finds it already claimed.
    """
    run = MatchRun.objects.select_related("program").get(pk=run_id)
    sent = 0
    for seat in selectors.introductions_pending(run=run):
        claim = ProposalMember.objects.filter(pk=seat.pk, introduced_at__isnull=True)
        if send_once(
            claim=partial(claim.update, introduced_at=clock.now()),
            send=_introduction_message(seat).send,
        ):
            sent += 1
    return sent
