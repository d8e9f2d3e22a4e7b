"""Goals API (``/api/v1/goals``): goals, steps, progress, comments, nudges, pulses, surveys.

The same selectors and services as the pages: a goal that is another person's private goal,
or belongs to a partnership the caller is not in, answers 404 exactly as a missing one.
"""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from tandem.api.errors import errors
from tandem.goals import selectors, services
from tandem.goals.models import Goal, Question
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program, access_program_as_coordinator

router = Router(tags=["goals"])


class StepOut(Schema):
    id: int
    title: str
    due_on: date | None
    done_at: datetime | None


class GoalOut(Schema):
    id: int
    partnership_id: int
    owner: str
    mine: bool
    title: str
    why: str
    due_on: date | None
    visibility: str
    percent: int
    completed_at: datetime | None
    incentive_earned: str | None
    steps: list[StepOut]


class GoalIn(Schema):
    title: str
    why: str = ""
    due_on: date | None = None
    visibility: str = Goal.Visibility.SHARED


class GoalPatch(Schema):
    """Only the fields sent change; ``due_on: null`` clears the due date."""

    title: str | None = None
    why: str | None = None
    due_on: date | None = None
    visibility: str | None = None


class StepIn(Schema):
    title: str
    due_on: date | None = None


class StepPatch(Schema):
    title: str | None = None
    due_on: date | None = None


class ProgressIn(Schema):
    text: str
    percent: int | None = None


class ProgressOut(Schema):
    id: int
    text: str
    percent: int | None
    created_at: datetime


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime


class NudgeOut(Schema):
    id: int
    goal_id: int
    sent_at: datetime


class PulseIn(Schema):
    meeting_id: int
    score: int


class PulseOut(Schema):
    meeting_id: int
    score: int


class WaitingPulseOut(Schema):
    meeting_id: int
    starts_at: datetime


class QuestionOut(Schema):
    id: int
    text: str
    kind: str
    choices: list[str]


class SurveyOut(Schema):
    kind: str
    questions: list[QuestionOut]


class AnswerIn(Schema):
    question_id: int
    value: str | int | None = None
    share_text: bool = False


class AnswersIn(Schema):
    answers: list[AnswerIn]


class ResponseOut(Schema):
    survey: str
    submitted_at: datetime


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _goal_out(goal: Goal, user_id: int) -> dict:
    earned = getattr(goal, "incentive_earned", None) if goal.completed_at else None
    return {
        "id": goal.pk,
        "partnership_id": goal.partnership_id,
        "owner": member_name(goal.owner),
        "mine": goal.owner.user_id == user_id,
        "title": goal.title,
        "why": goal.why,
        "due_on": goal.due_on,
        "visibility": goal.visibility,
        "percent": goal.percent,
        "completed_at": goal.completed_at,
        "incentive_earned": earned.incentive if earned is not None else None,
        "steps": [
            {"id": s.pk, "title": s.title, "due_on": s.due_on, "done_at": s.done_at}
            for s in goal.steps.all()
        ],
    }


@router.get("/partnerships/{pk}", response={200: list[GoalOut], **errors(404, 422)})
def goal_list(request: HttpRequest, pk: int) -> list[dict]:
    """List my goals and my partners' shared goals in a partnership."""
    partnership, _seat = access_partnership_seat(user=request.user, pk=pk)
    goals = selectors.goal_list_for_partnership(partnership=partnership, user=request.user)
    return [_goal_out(g, _uid(request)) for g in goals]


@router.post("/partnerships/{pk}", response={201: GoalOut, **errors(400, 403, 404, 409, 422)})
def goal_create(request: HttpRequest, pk: int, payload: GoalIn) -> Status:
    _partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    goal = services.goal_create(seat=seat, **payload.dict())
    return Status(
        201, _goal_out(selectors.access_goal(user=request.user, pk=goal.pk), _uid(request))
    )


@router.get("/{int:pk}", response={200: GoalOut, **errors(404)})
def goal_get(request: HttpRequest, pk: int) -> dict:
    return _goal_out(selectors.access_goal(user=request.user, pk=pk), _uid(request))


def _sent(payload: Schema) -> dict:
    """Return the fields the caller sent; null clears only the due date, not the text fields."""
    return {
        key: value
        for key, value in payload.dict(exclude_unset=True).items()
        if value is not None or key == "due_on"
    }


@router.patch("/{int:pk}", response={200: GoalOut, **errors(400, 403, 404, 409, 422)})
def goal_update(request: HttpRequest, pk: int, payload: GoalPatch) -> dict:
    """Change my goal (owner only; anyone else gets 404). Private hides it from partners."""
    goal = selectors.access_goal_as_owner(user=request.user, pk=pk)
    fields = {
        "title": goal.title,
        "why": goal.why,
        "due_on": goal.due_on,
        "visibility": goal.visibility,
        **_sent(payload),
    }
    services.goal_update(goal=goal, user=request.user, **fields)
    return _goal_out(selectors.access_goal(user=request.user, pk=pk), _uid(request))


@router.patch(
    "/{int:pk}/steps/{int:step_id}", response={200: StepOut, **errors(400, 403, 404, 409, 422)}
)
def step_update(request: HttpRequest, pk: int, step_id: int, payload: StepPatch) -> object:
    """Change a step of my goal (owner only)."""
    goal, step = selectors.access_step_as_owner(user=request.user, goal_pk=pk, step_pk=step_id)
    fields = {"title": step.title, "due_on": step.due_on, **_sent(payload)}
    return services.step_update(goal=goal, user=request.user, step_id=step.pk, **fields)


@router.delete("/{int:pk}/steps/{int:step_id}", response={204: None, **errors(400, 403, 404, 409)})
def step_delete(request: HttpRequest, pk: int, step_id: int) -> Status:
    """Remove a step of my goal (owner only); the goal's percent follows its steps."""
    goal, step = selectors.access_step_as_owner(user=request.user, goal_pk=pk, step_pk=step_id)
    services.step_delete(goal=goal, user=request.user, step_id=step.pk)
    return Status(204, None)


@router.post("/{int:pk}/steps", response={201: StepOut, **errors(400, 403, 404, 409, 422)})
def step_add(request: HttpRequest, pk: int, payload: StepIn) -> Status:
    goal = selectors.access_goal(user=request.user, pk=pk)
    return Status(201, services.step_add(goal=goal, user=request.user, **payload.dict()))


@router.post(
    "/{int:pk}/steps/{int:step_id}/done", response={200: StepOut, **errors(400, 403, 404, 409)}
)
def step_done(request: HttpRequest, pk: int, step_id: int) -> object:
    goal = selectors.access_goal(user=request.user, pk=pk)
    return services.step_complete(goal=goal, user=request.user, step_id=step_id)


@router.post("/{int:pk}/progress", response={201: ProgressOut, **errors(400, 403, 404, 409, 422)})
def progress_add(request: HttpRequest, pk: int, payload: ProgressIn) -> Status:
    goal = selectors.access_goal(user=request.user, pk=pk)
    return Status(201, services.progress_add(goal=goal, user=request.user, **payload.dict()))


@router.get("/{int:pk}/comments", response={200: list[CommentOut], **errors(404)})
def comment_list(request: HttpRequest, pk: int) -> list[dict]:
    goal = selectors.access_goal(user=request.user, pk=pk)
    return [
        {
            "id": c.pk,
            "author": member_name(c.author),
            "body": c.body,
            "created_at": c.created_at,
        }
        for c in selectors.goal_detail(goal=goal)["comments"]
    ]


@router.post("/{int:pk}/comments", response={201: CommentOut, **errors(400, 403, 404, 422)})
def comment_add(request: HttpRequest, pk: int, payload: CommentIn) -> Status:
    goal = selectors.access_goal(user=request.user, pk=pk)
    comment = services.comment_add(goal=goal, user=request.user, body=payload.body)
    return Status(
        201,
        {
            "id": comment.pk,
            "author": member_name(comment.author),
            "body": comment.body,
            "created_at": comment.created_at,
        },
    )


@router.post("/{int:pk}/nudge", response={201: NudgeOut, **errors(400, 403, 404, 409)})
def goal_nudge(request: HttpRequest, pk: int) -> Status:
    goal = selectors.access_goal(user=request.user, pk=pk)
    return Status(201, services.goal_nudge(goal=goal, user=request.user))


@router.post("/{int:pk}/complete", response={200: GoalOut, **errors(400, 403, 404, 409)})
def goal_complete(request: HttpRequest, pk: int) -> dict:
    goal = selectors.access_goal(user=request.user, pk=pk)
    services.goal_complete(goal=goal, user=request.user)
    return _goal_out(selectors.access_goal(user=request.user, pk=pk), _uid(request))


@router.get("/programs/{slug}/pulses", response={200: list[WaitingPulseOut], **errors(404)})
def pulse_waiting(request: HttpRequest, slug: str) -> list[dict]:
    """List the held meetings I attended lately and have not rated yet."""
    _program, membership = access_program(user=request.user, slug=slug)
    return [
        {"meeting_id": m.pk, "starts_at": m.starts_at}
        for m in selectors.pulse_waiting_for(membership=membership)
    ]


@router.post("/pulses", response={201: PulseOut, **errors(400, 403, 404, 409, 422)})
def pulse_answer(request: HttpRequest, payload: PulseIn) -> Status:
    meeting, membership = selectors.access_meeting_to_rate(
        user=request.user, meeting_id=payload.meeting_id
    )
    pulse = services.pulse_record(meeting=meeting, membership=membership, score=payload.score)
    return Status(201, {"meeting_id": pulse.meeting_id, "score": pulse.score})


@router.get("/programs/{slug}/surveys/{kind}", response={200: SurveyOut, **errors(404)})
def survey_get(request: HttpRequest, slug: str, kind: str) -> dict:
    """Return an open survey's questions to a member of the program."""
    survey, _membership = selectors.access_survey_to_answer(user=request.user, slug=slug, kind=kind)
    return {"kind": survey.kind, "questions": list(survey.questions.all())}


@router.post(
    "/programs/{slug}/surveys/{kind}/answers",
    response={201: ResponseOut, **errors(400, 403, 404, 409, 422)},
)
def survey_answer(request: HttpRequest, slug: str, kind: str, payload: AnswersIn) -> Status:
    survey, membership = selectors.access_survey_to_answer(user=request.user, slug=slug, kind=kind)
    answers = {
        a.question_id: {"value": a.value, "share_text": a.share_text} for a in payload.answers
    }
    for question in survey.questions.all():
        given = answers.get(question.pk)
        if given is not None and question.kind == Question.Kind.CHOICE:
            given["value"] = None if given["value"] is None else str(given["value"])
    response = services.survey_answer(survey=survey, membership=membership, answers=answers)
    return Status(201, {"survey": survey.kind, "submitted_at": response.submitted_at})


class QuestionResultOut(Schema):
    question_id: int
    text: str
    kind: str
    answered: int
    mean: float | None
    counts: dict[str, int]
    shared_texts: list[str]


class SurveyResultOut(Schema):
    kind: str
    responses: int
    questions: list[QuestionResultOut]


@router.get("/programs/{slug}/survey-results", response={200: list[SurveyResultOut], **errors(404)})
def survey_results(request: HttpRequest, slug: str) -> list[dict]:
    """Return every survey's answers in aggregate (coordinators of the program only)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    return [
        {
            "kind": r.survey.kind,
            "responses": r.responses,
            "questions": [
                {
                    "question_id": q.question.pk,
                    "text": q.question.text,
                    "kind": q.question.kind,
                    "answered": q.answered,
                    "mean": q.mean,
                    "counts": q.counts,
                    "shared_texts": q.shared_texts,
                }
                for q in r.questions
            ],
        }
        for r in selectors.survey_results(program=program)
    ]
