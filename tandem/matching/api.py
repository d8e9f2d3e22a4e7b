"""Matching API (``/api/v1/matching``): the same selectors and services as the review page.

Coordinators of the program only; anyone else gets 404, as for a missing run.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from tandem.api.errors import errors
from tandem.matching import selectors, services
from tandem.matching.models import LeftOutMember, MatchRule, MatchRun, Proposal, UnmatchedMember

router = Router(tags=["matching"])


class WeightsIn(Schema):
    skill_swap: float | None = None
    one_way_skill: float | None = None
    stage_closeness: float | None = None
    shared_goals: float | None = None
    shared_hours: float | None = None
    same_org_other_department: float | None = None


class RunIn(Schema):
    format: MatchRun.Format = MatchRun.Format.PAIRS
    circle_size: int = Field(4, ge=3, le=5)
    allow_trios: bool = False
    maximise_matched: bool = False
    both_gain: str | None = Field(
        None,
        description="Pairs where both gain first: skill_swap, shared_goals or off "
        "(default: the program's setting).",
    )
    fairness: bool = False
    allow_repeats: bool = False
    seed: int = Field(0, ge=0)
    weights: WeightsIn | None = None


class RunOut(Schema):
    id: int
    program: str
    status: str
    progress: str
    error: str
    format: str
    circle_size: int
    allow_trios: bool
    maximise_matched: bool
    both_gain: str
    fairness: bool
    allow_repeats: bool
    seed: int
    weights: dict[str, float]
    stats: dict[str, bool | int | float]
    in_worker: bool
    parent: int | None
    created_at: datetime
    published_at: datetime | None


class PersonOut(Schema):
    membership: int
    name: str
    pronouns: str


class ProposalOut(Schema):
    id: int
    position: int
    score: float
    reasons: list[str]
    locked: bool
    edited: bool
    partnership: int | None
    members: list[PersonOut]
    no_skill_gain: bool = Field(
        ..., description="Nobody in the proposal learns a skill they asked for."
    )
    both_gain: bool = Field(
        ...,
        description="A pair in which both gain, as the run counts it: each teaches the "
        "other a skill they asked for, or (shared_goals) they share a goal.",
    )


class UnmatchedOut(Schema):
    membership: int
    name: str
    reason: str


class LeftOutOut(Schema):
    membership: int
    name: str
    reason: str = Field(..., description="Why the run did not consider them, in words.")
    reason_code: str = Field(
        ...,
        description="partnered, paused, invited, no_intake, not_submitted, no_consent, not_ready",
    )


class RuleOut(Schema):
    id: int
    kind: str
    memberships: list[int]


class RunDetailOut(RunOut):
    proposals: list[ProposalOut]
    unmatched: list[UnmatchedOut]
    left_out: list[LeftOutOut]
    rules: list[RuleOut]
    publishable: bool = Field(..., description="A finished run that can still be published.")
    publish_blocked: str = Field(
        ..., description="Why a finished run can no longer be published (empty when it can)."
    )


class PairIn(Schema):
    a: int | None = None
    b: int | None = None


class SwapIn(Schema):
    a: int
    b: int


def _run(run: MatchRun) -> dict:
    return {
        "id": run.pk,
        "program": run.program.slug,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "format": run.format,
        "circle_size": run.circle_size,
        "allow_trios": run.allow_trios,
        "maximise_matched": run.maximise_matched,
        "both_gain": run.both_gain,
        "fairness": run.fairness,
        "allow_repeats": run.allow_repeats,
        "seed": run.seed,
        "weights": run.weights,
        "stats": run.stats,
        "in_worker": run.in_worker,
        "parent": run.parent_id,
        "created_at": run.created_at,
        "published_at": run.published_at,
    }


def _proposal(p: Proposal, review: selectors.RunReview) -> dict:
    return {
        "id": p.pk,
        "position": p.position,
        "score": p.score,
        "reasons": p.reasons,
        "locked": p.locked,
        "edited": p.edited,
        "partnership": p.partnership_id,
        "members": [
            {
                "membership": s.membership_id,
                "name": s.membership.profile.display_name,
                "pronouns": s.membership.profile.pronouns,
            }
            for s in p.seats.all()
        ],
        "no_skill_gain": p.pk in review.no_skill_gain,
        "both_gain": p.pk in review.both_gain,
    }


def _unmatched(u: UnmatchedMember) -> dict:
    return {
        "membership": u.membership_id,
        "name": u.membership.profile.display_name,
        "reason": u.reason,
    }


def _left_out(item: LeftOutMember) -> dict:
    return {
        "membership": item.membership_id,
        "name": selectors.membership_name(item.membership),
        "reason": item.get_reason_display(),
        "reason_code": item.reason,
    }


def _rule(r: MatchRule) -> dict:
    return {"id": r.pk, "kind": r.kind, "memberships": [r.membership_a_id, r.membership_b_id]}


def _detail(run: MatchRun) -> dict:
    review = selectors.run_review(run=run)
    return {
        **_run(run),
        "proposals": [_proposal(p, review) for p in review.proposals],
        "unmatched": [_unmatched(u) for u in review.unmatched],
        "left_out": [_left_out(item) for item in review.left_out],
        "rules": [_rule(r) for r in review.rules],
        "publishable": run.status == MatchRun.Status.DONE and not review.blocker,
        "publish_blocked": review.blocker,
    }


@router.get("/programs/{slug}/runs", response={200: list[RunOut], **errors(404)})
def run_list(request: HttpRequest, slug: str) -> list[dict]:
    """List a program's match runs, newest first."""
    program = selectors.access_program_for_matching(user=request.user, slug=slug)
    return [_run(run) for run in selectors.match_run_list(program=program)]


@router.post("/programs/{slug}/runs", response={201: RunDetailOut, **errors(400, 403, 404, 422)})
def run_create(request: HttpRequest, slug: str, payload: RunIn) -> Status[dict]:
    """Start a run; small runs come back finished, large ones queued for the worker."""
    program = selectors.access_program_for_matching(user=request.user, slug=slug)
    data = payload.dict(exclude={"weights"})
    weights = payload.weights.dict() if payload.weights else None
    run = services.match_run_start(
        program=program, created_by=request.user, weights=weights, **data
    )
    return Status(201, _detail(run))


@router.get("/runs/{run_id}", response={200: RunDetailOut, **errors(404, 422)})
def run_detail(request: HttpRequest, run_id: int) -> dict:
    """Return a run with its proposals (scores, reasons), the unmatched and the program's rules."""
    return _detail(selectors.access_run(user=request.user, pk=run_id))


@router.post(
    "/runs/{run_id}/proposals/{proposal_id}/lock",
    response={200: RunDetailOut, **errors(400, 403, 404, 409, 422)},
)
def proposal_lock(request: HttpRequest, run_id: int, proposal_id: int) -> dict:
    """Lock a proposal: its people are matched together by every later run."""
    run = selectors.access_run(user=request.user, pk=run_id)
    services.proposal_lock(run=run, proposal_id=proposal_id, actor=request.user)
    return _detail(run)


@router.post(
    "/runs/{run_id}/proposals/{proposal_id}/forbid",
    response={200: RunDetailOut, **errors(400, 403, 404, 409, 422)},
)
def proposal_forbid(request: HttpRequest, run_id: int, proposal_id: int, payload: PairIn) -> dict:
    """Never match two people of the proposal (omit ``a``/``b`` for a pair); removes it."""
    run = selectors.access_run(user=request.user, pk=run_id)
    services.proposal_forbid(
        run=run, proposal_id=proposal_id, actor=request.user, a=payload.a, b=payload.b
    )
    return _detail(run)


@router.delete(
    "/runs/{run_id}/proposals/{proposal_id}",
    response={200: RunDetailOut, **errors(403, 404, 409, 422)},
)
def proposal_remove(request: HttpRequest, run_id: int, proposal_id: int) -> dict:
    """Remove a proposal; its people go back to the unmatched."""
    run = selectors.access_run(user=request.user, pk=run_id)
    services.proposal_remove(run=run, proposal_id=proposal_id, actor=request.user)
    return _detail(run)


@router.post("/runs/{run_id}/swap", response={200: RunDetailOut, **errors(400, 403, 404, 409, 422)})
def proposal_swap(request: HttpRequest, run_id: int, payload: SwapIn) -> dict:
    """Swap two people (membership ids) between two proposals; both are scored again."""
    run = selectors.access_run(user=request.user, pk=run_id)
    services.proposal_swap(run=run, a=payload.a, b=payload.b, actor=request.user)
    return _detail(run)


@router.post("/runs/{run_id}/rerun", response={201: RunDetailOut, **errors(400, 403, 404, 422)})
def run_rerun(request: HttpRequest, run_id: int) -> Status[dict]:
    """Start a new run with the same parameters, honouring the program's locks and forbids."""
    run = selectors.access_run(user=request.user, pk=run_id)
    return Status(201, _detail(services.match_run_rerun(run=run, actor=request.user)))


@router.post(
    "/runs/{run_id}/publish", response={200: RunDetailOut, **errors(400, 403, 404, 409, 422)}
)
def run_publish(request: HttpRequest, run_id: int) -> dict:
    """Create the partnerships and queue the introductions; 409 if already published."""
    run = selectors.access_run(user=request.user, pk=run_id)
    return _detail(services.match_run_publish(run_id=run.pk, actor=request.user))
