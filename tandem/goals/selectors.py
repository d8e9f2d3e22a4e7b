"""Reads for goals, surveys and pulses. ``access_*`` raise NotFound.

A private goal answers only its owner; a shared goal answers the partners of its partnership;
everyone else (coordinators included) gets NotFound, the same answer as a missing goal.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.goals.models import (
    Answer,
    Goal,
    GoalComment,
    Measure,
    Nudge,
    Pulse,
    Question,
    Step,
    Survey,
    SurveyResponse,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.zones import FALLBACK_ZONE as FALLBACK_ZONE
from tandem.programs.selectors.zones import membership_zone as membership_zone
from tandem.programs.selectors.zones import own_zone as own_zone
from tandem.programs.selectors.zones import program_zone as program_zone
from tandem.programs.selectors.zones import viewer_zone as viewer_zone

# A survey stays open to answers this many days from its date.
SURVEY_OPEN_DAYS = 21
# Pulses are asked for meetings marked held within this many days.
PULSE_OPEN_DAYS = 14
# The member home lists what falls due within this many days.
DUE_SOON_DAYS = 14
# Shared free-text answers shown per question on the dashboard.
SHARED_TEXT_LIMIT = 20


# --- Time zones -----------------------------------------------------------------------------
# One rule for every page (tandem/programs/selectors/zones.py); re-exported for the goals code.


# --- Goals ----------------------------------------------------------------------------------


def _goals() -> QuerySet[Goal]:
    return Goal.objects.select_related(
        "partnership__program", "owner__user", "owner__profile", "incentive_earned"
    )


def goal_visible_filter(*, user: Any) -> Q:
    """Return the filter of goals the user may see: their own, and their partners' shared ones."""
    return Q(owner__user=user) | Q(
        visibility=Goal.Visibility.SHARED,
        partnership__in=PartnershipMember.objects.filter(membership__user=user).values(
            "partnership"
        ),
    )


def access_goal(*, user: Any, pk: int) -> Goal:
    """Return a goal the user owns, or a shared goal of one of their partnerships."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    goal = _goals().filter(goal_visible_filter(user=user), pk=pk).first()
    if goal is None:
        raise NotFound()
    return goal


def goal_list_for_partnership(*, partnership: Partnership, user: Any) -> QuerySet[Goal]:
    """Return the user's goals and the partners' shared goals in this partnership."""
    return (
        _goals()
        .filter(goal_visible_filter(user=user), partnership=partnership)
        .prefetch_related("steps")
        .order_by("completed_at", "due_on", "created_at", "id")
    )


def goal_detail(*, goal: Goal) -> dict[str, Any]:
    """Return the goal's steps, recent progress updates, comments and last nudge."""
    return {
        "steps": list(goal.steps.all()),
        "updates": list(goal.updates.select_related("step")[:20]),
        "comments": list(
            GoalComment.objects.filter(goal=goal).select_related("author__user", "author__profile")
        ),
        "last_nudge": Nudge.objects.filter(goal=goal).order_by("-sent_at").first(),
    }


@dataclass(frozen=True)
class DueItem:
    """A goal or a step that falls due soon (or is overdue)."""

    goal: Goal
    title: str
    due_on: date
    is_step: bool

    @property
    def overdue(self) -> bool:
        return self.due_on < clock.today()


def goal_list_open_for_member(*, membership: Membership) -> list[Goal]:
    """Return the member's goals not yet completed, soonest due first, with their steps."""
    return list(
        _goals()
        .filter(owner=membership, completed_at__isnull=True)
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position", "id")))
        .order_by("due_on", "created_at", "id")
    )


def due_items(*, goals: list[Goal], days: int = DUE_SOON_DAYS) -> list[DueItem]:
    """Return open goals and undone steps due within ``days`` (overdue ones included)."""
    horizon = clock.today() + timedelta(days=days)
    items = []
    for goal in goals:
        if goal.due_on and goal.due_on <= horizon:
            items.append(DueItem(goal=goal, title=goal.title, due_on=goal.due_on, is_step=False))
        for step in goal.steps.all():
            if step.due_on and not step.is_done and step.due_on <= horizon:
                items.append(DueItem(goal=goal, title=step.title, due_on=step.due_on, is_step=True))
    return sorted(items, key=lambda item: (item.due_on, item.title))


# --- Surveys --------------------------------------------------------------------------------

SURVEY_DATE_FIELD = {
    Survey.Kind.KICKOFF: "kickoff_on",
    Survey.Kind.MIDPOINT: "midpoint_on",
    Survey.Kind.RECAP: "recap_on",
}


def survey_date(*, program: Program, kind: str) -> date | None:
    """Return the program's date on which the survey of ``kind`` is asked."""
    value = getattr(program, SURVEY_DATE_FIELD[Survey.Kind(kind)])
    return value if isinstance(value, date) else None


def survey_is_open(*, program: Program, kind: str, today: date | None = None) -> bool:
    """Return whether members may answer the survey today (from its date, for a while)."""
    on = survey_date(program=program, kind=kind)
    day = today or clock.today()
    return on is not None and on <= day < on + timedelta(days=SURVEY_OPEN_DAYS)


def measure_list(*, program: Program) -> list[Measure]:
    """Return the program's outcome measures in their order."""
    return list(Measure.objects.filter(program=program).order_by("position", "id"))


def survey_list_for_program(*, program: Program) -> list[Survey]:
    """Return the program's surveys with their questions, in the program's order of dates."""
    order = list(Survey.Kind.values)
    surveys = list(
        Survey.objects.filter(program=program).prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
    )
    return sorted(surveys, key=lambda s: order.index(s.kind))


def survey_waiting_for(*, membership: Membership) -> list[Survey]:
    """Return the open surveys (with questions) the member has not answered yet."""
    if membership.role != Membership.Role.MEMBER:
        return []
    program = membership.program
    open_kinds = [k for k in Survey.Kind.values if survey_is_open(program=program, kind=k)]
    if not open_kinds:
        return []
    answered = SurveyResponse.objects.filter(membership=membership).values("survey")
    surveys = (
        Survey.objects.filter(program=program, kind__in=open_kinds)
        .exclude(pk__in=answered)
        .annotate(question_count=Count("questions"))
        .filter(question_count__gt=0)
    )
    order = list(Survey.Kind.values)
    return sorted(surveys, key=lambda s: order.index(s.kind))


def access_survey_to_answer(*, user: Any, slug: str, kind: str) -> tuple[Survey, Membership]:
    """Return an open survey of a program the user is a member of, with its questions."""
    if not getattr(user, "is_authenticated", False) or kind not in Survey.Kind.values:
        raise NotFound()
    membership = (
        Membership.objects.select_related("program")
        .filter(program__slug=slug, user=user, role=Membership.Role.MEMBER)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if membership is None or not survey_is_open(program=membership.program, kind=kind):
        raise NotFound()
    survey = (
        Survey.objects.filter(program=membership.program, kind=kind)
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
        .first()
    )
    if survey is None or not survey.questions.all():
        raise NotFound()
    return survey, membership


def access_question_as_coordinator(*, program: Program, pk: int) -> Question:
    question = Question.objects.select_related("survey").filter(survey__program=program, pk=pk)
    found = question.first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class QuestionResult:
    """The answers to one question in aggregate; texts only where the member allowed it."""

    question: Question
    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    mean: float | None = None
    shared_texts: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return list(self.counts)

    @property
    def values(self) -> list[int]:
        return list(self.counts.values())


@dataclass
class SurveyResult:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_results(*, program: Program) -> list[SurveyResult]:
    """Return every survey's answers in aggregate: counts, mean and distribution.

    A fixed number of queries whatever the number of members or answers.
    """
    surveys = survey_list_for_program(program=program)
    if not surveys:
        return []
    response_counts = dict(
        SurveyResponse.objects.filter(survey__program=program)
        .values_list("survey")
        .annotate(n=Count("id"))
    )
    results: dict[int, QuestionResult] = {}
    for survey in surveys:
        for question in survey.questions.all():
            result = QuestionResult(question=question)
            if question.kind == Question.Kind.SCALE:
                result.counts = {str(n): 0 for n in range(1, 6)}
            elif question.kind == Question.Kind.CHOICE:
                result.counts = {str(choice): 0 for choice in question.choices}
            results[question.pk] = result
    answers = Answer.objects.filter(question__survey__program=program)
    for question_id, scale, choice, n in (
        answers.values_list("question", "scale", "choice").annotate(n=Count("id")).order_by()
    ):
        found = results.get(question_id)
        if found is None:
            continue
        result = found
        kind = result.question.kind
        if kind == Question.Kind.SCALE and scale is not None:
            result.counts[str(scale)] = result.counts.get(str(scale), 0) + n
            result.answered += n
        elif kind == Question.Kind.CHOICE and choice:
            result.counts[choice] = result.counts.get(choice, 0) + n
            result.answered += n
    for question_id, n in (
        answers.filter(question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .values_list("question")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if question_id in results:
            results[question_id].answered = n
    shared: dict[int, list[str]] = defaultdict(list)
    for question_id, text in (
        answers.filter(question__kind=Question.Kind.TEXT, share_text=True)
        .exclude(text="")
        .order_by("-response__submitted_at", "-id")
        .values_list("question", "text")
    ):
        if len(shared[question_id]) < SHARED_TEXT_LIMIT:
            shared[question_id].append(text)
    for question_id, result in results.items():
        result.shared_texts = shared.get(question_id, [])
        if result.question.kind == Question.Kind.SCALE and result.answered:
            total = sum(int(score) * n for score, n in result.counts.items())
            result.mean = round(total / result.answered, 2)
    return [
        SurveyResult(
            survey=survey,
            responses=response_counts.get(survey.pk, 0),
            questions=[results[q.pk] for q in survey.questions.all()],
        )
        for survey in surveys
    ]


# --- Pulse ----------------------------------------------------------------------------------


def pulse_waiting_for(*, membership: Membership) -> list[Any]:
    """Return held meetings the member attended lately and has not rated, newest first."""
    from tandem.meetings.models import Attendance, Meeting

    since = clock.now() - timedelta(days=PULSE_OPEN_DAYS)
    rated = Pulse.objects.filter(membership=membership).values("meeting")
    attended = Attendance.objects.filter(seat__membership=membership, present=True).values(
        "meeting"
    )
    return list(
        Meeting.objects.filter(pk__in=attended, status=Meeting.Status.HELD, marked_at__gte=since)
        .exclude(pk__in=rated)
        .order_by("-starts_at")[:5]
    )


def access_meeting_to_rate(*, user: Any, meeting_id: int) -> tuple[Any, Membership]:
    """Return a held meeting the user attended and their membership; NotFound otherwise."""
    from tandem.meetings.models import Attendance, Meeting

    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    attendance = (
        Attendance.objects.select_related("meeting__partnership__program", "seat__membership")
        .filter(
            meeting_id=meeting_id,
            meeting__status=Meeting.Status.HELD,
            seat__membership__user=user,
            present=True,
        )
        .first()
    )
    if attendance is None:
        raise NotFound()
    return attendance.meeting, attendance.seat.membership


@dataclass
class PulseSummary:
    answered: int
    mean: float | None
    counts: dict[str, int]


def pulse_summary(*, program: Program) -> PulseSummary:
    """Return the program's meeting pulses in aggregate (one query)."""
    counts = {str(n): 0 for n in range(1, 6)}
    rows = (
        Pulse.objects.filter(meeting__partnership__program=program)
        .values_list("score")
        .annotate(n=Count("id"))
        .order_by()
    )
    for score, n in rows:
        counts[str(score)] = n
    answered = sum(counts.values())
    mean = round(sum(int(s) * n for s, n in counts.items()) / answered, 2) if answered else None
    return PulseSummary(answered=answered, mean=mean, counts=counts)


# --- Goal edits -----------------------------------------------------------------------------


def access_goal_as_owner(*, user: Any, pk: int) -> Goal:
    """Return the user's own goal; a partner's goal answers NotFound like a missing one."""
    goal = access_goal(user=user, pk=pk)
    if goal.owner.user_id != user.pk:
        raise NotFound()
    return goal


def access_step_as_owner(*, user: Any, goal_pk: int, step_pk: int) -> tuple[Goal, Step]:
    """Return the user's own goal and one of its steps; NotFound otherwise."""
    goal = access_goal_as_owner(user=user, pk=goal_pk)
    step = Step.objects.filter(goal=goal, pk=step_pk).first()
    if step is None:
        raise NotFound()
    return goal, step
