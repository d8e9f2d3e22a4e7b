"""Writes for goals, surveys and pulses. Emails go through the worker, after commit."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.deadlines import DUE_IN_PAST as DUE_IN_PAST
from tandem.core.deadlines import due_date_check
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.core.nudges import NUDGE_INTERVAL, iso_week, nudge_is_too_soon
from tandem.core.zones import day_in_zone
from tandem.goals import selectors
from tandem.goals.models import (
    Answer,
    Goal,
    GoalComment,
    IncentiveEarned,
    Measure,
    Nudge,
    ProgressUpdate,
    Pulse,
    Question,
    Step,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Program
from tandem.programs.names import member_name

TITLE_REQUIRED = _("Give the goal a title: what do you want to reach?")
STEP_TITLE_REQUIRED = _("Say what the step is.")
PERCENT_RANGE = _("Give a percent between 0 and 100.")
UPDATE_TEXT_REQUIRED = _("Write a line about where you stand.")
COMMENT_REQUIRED = _("Write your comment first.")
NOT_YOUR_GOAL = _("Only the goal's owner can change it.")
GOAL_ALREADY_COMPLETE = _("This goal is already complete: well done!")
GOAL_PRIVATE = _("This goal is private: partners can comment on and nudge shared goals only.")
NUDGE_OWN_GOAL = _("This is your own goal: nudges are for your partners' goals.")
NUDGE_TOO_SOON = _(
    "{name} was already nudged about this goal on {day}. "
    "You can nudge again from {next_day}: one nudge a week per goal."
)
PARTNERSHIP_NOT_ACTIVE = _("This partnership is not active, so its goals cannot change.")
SURVEY_ALREADY_ANSWERED = _("You have answered this survey already: thank you.")
ANSWER_REQUIRED = _("Answer this question.")
SCALE_RANGE = _("Pick a number from 1 to 5.")
CHOICE_UNKNOWN = _("Pick one of the options offered.")
QUESTION_TEXT_REQUIRED = _("Write the question.")
CHOICES_REQUIRED = _("A choice question needs at least two options, one a line.")
QUESTION_HAS_ANSWERS = _(
    "Members have answered this question already; it cannot be removed or change kind. "
    "Edit its wording instead, or add a new question."
)
MEASURE_HAS_ANSWERS = _(
    "Members have answered this outcome measure already; it cannot be removed. "
    "Edit its wording instead, or add a new measure."
)
MEASURE_IS_SCALE = _(
    "This question is an outcome measure, asked at kick-off and recap: it stays a 1 to 5 scale."
)
PULSE_ALREADY = _("You have rated this meeting already: thank you.")


def _enqueue(task: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.enqueue(**kwargs))


def _check_active(partnership: Partnership) -> None:
    if partnership.status != Partnership.Status.ACTIVE:
        raise Conflict(PARTNERSHIP_NOT_ACTIVE)


def _check_owner(goal: Goal, user: Any) -> None:
    if goal.owner.user_id != user.pk:
        raise ValidationFailed(NOT_YOUR_GOAL)


def _check_percent(percent: int | None) -> None:
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationFailed(PERCENT_RANGE, field="percent")


def _check_due(due_on: date | None, *, was: date | None = None) -> None:
    due_date_check(due_on, was=was)


def _clean_title(title: str, message: StrOrPromise) -> str:
    """Return the title without surrounding space; refuse an empty one with ``message``."""
    title = title.strip()
    if not title:
        raise ValidationFailed(message, field="title")
    return title


def _clean_visibility(visibility: str) -> str:
    # Anything unknown keeps the goal to its owner rather than showing it.
    return visibility if visibility in Goal.Visibility.values else Goal.Visibility.PRIVATE


def _percent_from_steps(goal: Goal, *, never_lower: bool = False) -> None:
    """Set an open goal's percent to its done steps over all steps (kept when it has none).

    ``never_lower``: a step just done moves the goal forward only; the owner may have given a
    higher percent in a progress update than the share of steps done.
    """
    if goal.is_complete:
        return
    steps = list(Step.objects.filter(goal=goal).values_list("done_at", flat=True))
    if not steps:
        return
    percent = round(100 * sum(1 for d in steps if d is not None) / len(steps))
    if never_lower:
        stored = Goal.objects.filter(pk=goal.pk).values_list("percent", flat=True).first()
        percent = max(percent, stored or 0)
    Goal.objects.filter(pk=goal.pk).update(percent=percent, updated_at=clock.now())
    goal.percent = percent


# --- Goals ----------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    seat: PartnershipMember,
    title: str,
    why: str = "",
    due_on: date | None = None,
    visibility: str = Goal.Visibility.SHARED,
) -> Goal:
    """Create a goal for the partner in ``seat``."""
    _check_active(seat.partnership)
    title = _clean_title(title, TITLE_REQUIRED)
    _check_due(due_on)
    return Goal.objects.create(
        partnership=seat.partnership,
        owner=seat.membership,
        title=title,
        why=why.strip(),
        due_on=due_on,
        visibility=_clean_visibility(visibility),
    )


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    user: Any,
    title: str,
    why: str = "",
    due_on: date | None = None,
    visibility: str = Goal.Visibility.SHARED,
) -> Goal:
    """Change the user's own goal: title, why, due date and who sees it.

    Partners see a goal only while it is shared (every read filters on visibility), so making
    it private hides it from them, its comments included, from the next page they open.
    """
    _check_owner(goal, user)
    _check_active(goal.partnership)
    title = _clean_title(title, TITLE_REQUIRED)
    _check_due(due_on, was=goal.due_on)
    goal.title = title
    goal.why = why.strip()
    goal.due_on = due_on
    goal.visibility = _clean_visibility(visibility)
    goal.save(update_fields=["title", "why", "due_on", "visibility", "updated_at"])
    return goal


@transaction.atomic
def step_add(*, goal: Goal, user: Any, title: str, due_on: date | None = None) -> Step:
    """Add a step to the user's own goal."""
    _check_owner(goal, user)
    _check_active(goal.partnership)
    title = _clean_title(title, STEP_TITLE_REQUIRED)
    _check_due(due_on)
    position = goal.steps.count()
    return Step.objects.create(goal=goal, title=title, due_on=due_on, position=position)


def _owned_step(goal: Goal, user: Any, step_id: int) -> Step:
    """Return a step of the user's own goal, locked for the change (the goal must be live)."""
    _check_owner(goal, user)
    _check_active(goal.partnership)
    step = Step.objects.select_for_update().filter(goal=goal, pk=step_id).first()
    if step is None:
        raise NotFound()
    return step


@transaction.atomic
def step_complete(*, goal: Goal, user: Any, step_id: int) -> Step:
    """Mark a step of the user's goal done, and record it as a progress update."""
    step = _owned_step(goal, user, step_id)
    if step.done_at is None:
        step.done_at = clock.now()
        step.save(update_fields=["done_at"])
        _percent_from_steps(goal, never_lower=True)
        ProgressUpdate.objects.create(
            goal=goal, text=f"Done: {step.title}"[:280], percent=goal.percent, step=step
        )
    return step


@transaction.atomic
def step_update(
    *, goal: Goal, user: Any, step_id: int, title: str, due_on: date | None = None
) -> Step:
    """Change a step of the user's own goal: its title and due date."""
    step = _owned_step(goal, user, step_id)
    title = _clean_title(title, STEP_TITLE_REQUIRED)
    _check_due(due_on, was=step.due_on)
    step.title = title
    step.due_on = due_on
    step.save(update_fields=["title", "due_on", "updated_at"])
    return step


@transaction.atomic
def step_delete(*, goal: Goal, user: Any, step_id: int) -> None:
    """Remove a step of the user's own goal; an open goal's percent follows its steps."""
    step = _owned_step(goal, user, step_id)
    step.delete()
    _percent_from_steps(goal)


@transaction.atomic
def progress_add(*, goal: Goal, user: Any, text: str, percent: int | None = None) -> ProgressUpdate:
    """Record a short progress update on the user's goal (and its percent, when given)."""
    _check_owner(goal, user)
    _check_active(goal.partnership)
    text = text.strip()
    if not text:
        raise ValidationFailed(UPDATE_TEXT_REQUIRED, field="text")
    _check_percent(percent)
    if goal.is_complete:
        raise Conflict(GOAL_ALREADY_COMPLETE)
    update = ProgressUpdate.objects.create(goal=goal, text=text[:280], percent=percent)
    if percent is not None:
        Goal.objects.filter(pk=goal.pk).update(percent=percent, updated_at=clock.now())
        goal.percent = percent
    return update


@transaction.atomic
def comment_add(*, goal: Goal, user: Any, body: str) -> GoalComment:
    """Add a partner's comment to a shared goal."""
    if not goal.is_shared:
        raise ValidationFailed(GOAL_PRIVATE)
    body = body.strip()
    if not body:
        raise ValidationFailed(COMMENT_REQUIRED, field="body")
    seat = PartnershipMember.objects.filter(
        partnership=goal.partnership, membership__user=user
    ).first()
    if seat is None:
        raise NotFound()
    return GoalComment.objects.create(goal=goal, author_id=seat.membership_id, body=body)


@transaction.atomic
def goal_nudge(*, goal: Goal, user: Any) -> Nudge:
    """Send the goal's owner a "how is it going?" email: at most one a week per goal.

    The goal row is locked while the last nudge is read, and the (goal, ISO week) unique key
    stops a second nudge in the same week even when two partners press at once.
    """
    if goal.owner.user_id == user.pk:
        raise ValidationFailed(NUDGE_OWN_GOAL)
    if not goal.is_shared:
        raise ValidationFailed(GOAL_PRIVATE)
    _check_active(goal.partnership)
    if goal.is_complete:
        raise Conflict(GOAL_ALREADY_COMPLETE)
    seat = (
        PartnershipMember.objects.select_related("membership__profile")
        .filter(partnership=goal.partnership, membership__user=user, active=True)
        .first()
    )
    if seat is None:
        raise NotFound()
    Goal.objects.select_for_update().filter(pk=goal.pk).first()
    now = clock.now()
    last = Nudge.objects.filter(goal=goal).order_by("-sent_at").first()
    zone = selectors.membership_zone(membership=seat.membership)
    if last is not None and nudge_is_too_soon(last.sent_at, now=now):
        raise Conflict(_too_soon(goal, last, zone))
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                goal=goal, sender_id=seat.membership_id, week=iso_week(now), sent_at=now
            )
    except IntegrityError:
        last = Nudge.objects.filter(goal=goal).order_by("-sent_at").first()
        raise Conflict(_too_soon(goal, last, zone)) from None
    from tandem.goals import tasks

    _enqueue(tasks.goal_nudge_email_send, nudge_id=nudge.pk)
    return nudge


def _too_soon(goal: Goal, last: Nudge | None, zone: str) -> str:
    if last is None:  # pragma: no cover - only when the row vanished in between
        return NUDGE_TOO_SOON.format(
            name=_("Your partner"), day=_("this week"), next_day=_("next week")
        )
    # The weekly rule counts in UTC weeks; the days are told in the nudger's own zone.
    next_day = max(last.sent_at + NUDGE_INTERVAL, _next_monday(last.sent_at))
    return NUDGE_TOO_SOON.format(
        name=member_name(goal.owner),
        day=day_in_zone(last.sent_at, zone),
        next_day=day_in_zone(next_day, zone),
    )


def _next_monday(at: datetime) -> datetime:
    start = at - timedelta(days=at.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=7)


def agreed_incentive(*, partnership: Partnership) -> str:
    """Return the incentive of the partnership's latest agreed ground rules ("" when none)."""
    from tandem.partnerships.models import AgreementVersion

    version = (
        AgreementVersion.objects.filter(agreement__partnership=partnership, agreed_at__isnull=False)
        .order_by("-number")
        .first()
    )
    return version.incentive if version is not None else ""


@transaction.atomic
def goal_complete(*, goal: Goal, user: Any) -> Goal:
    """Complete the user's goal: celebrate it, tell the partners, mark the incentive earned."""
    _check_owner(goal, user)
    _check_active(goal.partnership)
    goal = (
        Goal.objects.select_for_update()
        .select_related("partnership", "owner__user")
        .get(pk=goal.pk)
    )
    if goal.completed_at is not None:
        raise Conflict(GOAL_ALREADY_COMPLETE)
    now = clock.now()
    goal.completed_at = now
    goal.percent = 100
    goal.save(update_fields=["completed_at", "percent"])
    IncentiveEarned.objects.create(
        partnership=goal.partnership,
        goal=goal,
        incentive=agreed_incentive(partnership=goal.partnership),
        earned_at=now,
    )
    from tandem.goals import tasks

    _enqueue(tasks.goal_completed_email_send, goal_id=goal.pk)
    return goal


# --- Surveys --------------------------------------------------------------------------------


def _clean_choices(kind: str, choices: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if kind == Question.Kind.CHOICE and len(cleaned) < 2:
        raise ValidationFailed(CHOICES_REQUIRED, field="choices")
    return cleaned if kind == Question.Kind.CHOICE else []


@transaction.atomic
def question_add(
    *, program: Program, survey_kind: str, text: str, kind: str, choices: list[str] | None = None
) -> Question:
    """Add a question to the program's survey of ``survey_kind`` (the survey is made if new)."""
    if survey_kind not in Survey.Kind.values:
        raise NotFound()
    text = text.strip()
    if not text:
        raise ValidationFailed(QUESTION_TEXT_REQUIRED, field="text")
    if kind not in Question.Kind.values:
        kind = Question.Kind.SCALE
    cleaned = _clean_choices(kind, choices or [])
    survey, _ = Survey.objects.get_or_create(program=program, kind=survey_kind)
    position = survey.questions.count()
    return Question.objects.create(
        survey=survey, text=text, kind=kind, choices=cleaned, position=position
    )


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    kind: str,
    choices: list[str] | None = None,
    actor: Any = None,
) -> Question:
    """Change a question's wording; its kind and options only while nobody has answered.

    The question of an outcome measure changes with its measure: the new wording goes to
    both its kick-off and recap questions, and it stays a scale.
    """
    text = text.strip()
    if not text:
        raise ValidationFailed(QUESTION_TEXT_REQUIRED, field="text")
    if question.measure is not None:
        if kind != Question.Kind.SCALE:
            raise Conflict(MEASURE_IS_SCALE)
        measure_update(measure=question.measure, text=text, actor=actor)
        question.refresh_from_db()
        return question
    if kind not in Question.Kind.values:
        kind = question.kind
    cleaned = _clean_choices(kind, choices or [])
    answered = question.answers.exists()
    if answered and (kind != question.kind or cleaned != list(question.choices)):
        raise Conflict(QUESTION_HAS_ANSWERS)
    question.text = text
    question.kind = kind
    question.choices = cleaned
    question.save(update_fields=["text", "kind", "choices"])
    return question


@transaction.atomic
def question_delete(*, question: Question, actor: Any = None) -> None:
    """Remove a question nobody has answered yet (an outcome measure's: the whole measure)."""
    if question.measure is not None:
        measure_delete(measure=question.measure, actor=actor)
        return
    if question.answers.exists():
        raise Conflict(QUESTION_HAS_ANSWERS)
    question.delete()


# The two surveys that ask an outcome measure: the baseline, then the end.
MEASURE_SURVEYS = (Survey.Kind.KICKOFF, Survey.Kind.RECAP)


@transaction.atomic
def measure_add(*, program: Program, text: str, actor: Any = None) -> Measure:
    """Add an outcome measure: one 1-5 question at the end of the kick-off and recap surveys."""
    text = text.strip()
    if not text:
        raise ValidationFailed(QUESTION_TEXT_REQUIRED, field="text")
    measure = Measure.objects.create(
        program=program, text=text, position=Measure.objects.filter(program=program).count()
    )
    for kind in MEASURE_SURVEYS:
        survey, _ = Survey.objects.get_or_create(program=program, kind=kind)
        Question.objects.create(
            survey=survey,
            text=text,
            kind=Question.Kind.SCALE,
            position=survey.questions.count(),
            measure=measure,
        )
    audit_record(
        action=AuditEvent.Action.PROGRAM_CHANGED,
        actor=actor,
        subject_label=f"Outcome measure of {program.name}"[:254],
        program=program,
        after={"outcome_measure": text},
    )
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, text: str, actor: Any = None) -> Measure:
    """Reword a measure and both of its questions (answers keep counting: it is one measure)."""
    text = text.strip()
    if not text:
        raise ValidationFailed(QUESTION_TEXT_REQUIRED, field="text")
    before = measure.text
    measure.text = text
    measure.save(update_fields=["text"])
    measure.questions.update(text=text)
    if before != text:
        audit_record(
            action=AuditEvent.Action.PROGRAM_CHANGED,
            actor=actor,
            subject_label=f"Outcome measure of {measure.program.name}"[:254],
            program=measure.program,
            before={"outcome_measure": before},
            after={"outcome_measure": text},
        )
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure, actor: Any = None) -> None:
    """Remove a measure and its two questions while nobody has answered either."""
    if Answer.objects.filter(question__measure=measure).exists():
        raise Conflict(MEASURE_HAS_ANSWERS)
    audit_record(
        action=AuditEvent.Action.PROGRAM_CHANGED,
        actor=actor,
        subject_label=f"Outcome measure of {measure.program.name}"[:254],
        program=measure.program,
        before={"outcome_measure": measure.text},
    )
    measure.delete()


@transaction.atomic
def survey_answer(
    *, survey: Survey, membership: Membership, answers: dict[int, dict[str, Any]]
) -> SurveyResponse:
    """Record a member's answers: ``{question_id: {"value": ..., "share_text": bool}}``.

    Every question needs an answer (free text may stay empty); errors name the question's
    field (``q<id>``) so a form can show them in place.
    """
    if SurveyResponse.objects.filter(survey=survey, membership=membership).exists():
        raise Conflict(SURVEY_ALREADY_ANSWERED)
    rows = []
    for question in survey.questions.all():
        given = answers.get(question.pk, {})
        value = given.get("value")
        field = f"q{question.pk}"
        answer = Answer(question=question)
        if question.kind == Question.Kind.SCALE:
            try:
                scale = int(str(value))
            except (TypeError, ValueError):
                raise ValidationFailed(
                    ANSWER_REQUIRED if value in (None, "") else SCALE_RANGE, field=field
                ) from None
            if not 1 <= scale <= 5:
                raise ValidationFailed(SCALE_RANGE, field=field)
            answer.scale = scale
        elif question.kind == Question.Kind.CHOICE:
            if value in (None, ""):
                raise ValidationFailed(ANSWER_REQUIRED, field=field)
            if value not in question.choices:
                raise ValidationFailed(CHOICE_UNKNOWN, field=field)
            answer.choice = str(value)
        else:
            answer.text = str(value or "").strip()
            answer.share_text = bool(given.get("share_text")) and bool(answer.text)
        rows.append(answer)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, membership=membership)
    except IntegrityError:
        raise Conflict(SURVEY_ALREADY_ANSWERED) from None
    for answer in rows:
        answer.response = response
    Answer.objects.bulk_create(rows)
    return response


def survey_invitations_due(*, today: date | None = None) -> list[int]:
    """Create the invitations due today and queue their emails; return the new invitation ids.

    A survey is due from its program date for ``SURVEY_OPEN_DAYS``; each member of the program
    gets one invitation per survey ever (the unique key holds it), so running this again, or
    on two machines at once, sends nothing twice.
    """
    day = today or clock.today()
    created: list[int] = []
    surveys = Survey.objects.select_related("program").filter(questions__isnull=False).distinct()
    for survey in surveys:
        if survey.program.status in (Program.Status.DRAFT, Program.Status.CLOSED):
            continue
        if not selectors.survey_is_open(program=survey.program, kind=survey.kind, today=day):
            continue
        created.extend(_survey_invite_members(survey=survey))
    return created


@transaction.atomic
def _survey_invite_members(*, survey: Survey) -> list[int]:
    invited = SurveyInvitation.objects.filter(survey=survey).values("membership")
    members = (
        Membership.objects.filter(program=survey.program, role=Membership.Role.MEMBER)
        .exclude(status__in=[Membership.Status.LEFT, Membership.Status.INVITED])
        .exclude(pk__in=invited)
        .values_list("pk", flat=True)
    )
    new = [SurveyInvitation(survey=survey, membership_id=pk) for pk in members]
    SurveyInvitation.objects.bulk_create(new, ignore_conflicts=True)
    ids = list(
        SurveyInvitation.objects.filter(
            survey=survey, membership_id__in=[i.membership_id for i in new], sent_at__isnull=True
        ).values_list("pk", flat=True)
    )
    from tandem.goals import tasks

    for pk in ids:
        _enqueue(tasks.survey_invitation_email_send, invitation_id=pk)
    return ids


# --- Pulse ----------------------------------------------------------------------------------


@transaction.atomic
def pulse_record(*, meeting: Any, membership: Membership, score: int) -> Pulse:
    """Record how useful an attendee found a held meeting (1 to 5), once."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(SCALE_RANGE, field="score")
    try:
        with transaction.atomic():
            return Pulse.objects.create(meeting=meeting, membership=membership, score=score)
    except IntegrityError:
        raise Conflict(PULSE_ALREADY) from None
