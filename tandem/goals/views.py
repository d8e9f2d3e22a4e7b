"""Goal pages for partners, survey pages for members and coordinators, the pulse button.

Views parse, call a selector or a service, and render; a domain error becomes a form error
(everything typed stays) and NotFound becomes 404.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from tandem.core.errors import DomainError
from tandem.core.forms import add_domain_error, submit
from tandem.goals import selectors, services
from tandem.goals.forms import (
    CommentForm,
    GoalForm,
    MeasureForm,
    ProgressForm,
    PulseForm,
    QuestionForm,
    StepForm,
    SurveyAnswerForm,
)
from tandem.goals.models import Goal, Survey
from tandem.partnerships.selectors.agreement import agreement_goals_agreed
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.programs.names import member_name
from tandem.programs.selectors import access_program_as_coordinator

# The goal pages put every refusal on the form, a step that has gone meanwhile included.
EVERY_REFUSAL = (DomainError,)

MSG_GOAL_CREATED = _("Goal added. Break it into steps so you know what to do next.")
MSG_GOAL_SAVED = _("Goal saved.")
MSG_GOAL_NOW_PRIVATE = _("Goal saved. It is private now: your partners no longer see it.")
MSG_STEP_SAVED = _("Step saved.")
MSG_STEP_DELETED = _("Step removed.")
MSG_STEP_ADDED = _("Step added.")
MSG_STEP_DONE = _("Step done. Nice work.")
MSG_PROGRESS = _("Progress saved.")
MSG_COMMENT = _("Comment added.")
MSG_NUDGED = _("Nudge sent: {name} gets an email asking how it is going.")
MSG_COMPLETED = _("Goal complete. Congratulations!")
MSG_QUESTION_ADDED = _("Question added.")
MSG_QUESTION_SAVED = _("Question saved.")
MSG_QUESTION_DELETED = _("Question removed.")
MSG_MEASURE_ADDED = _(
    "Outcome measure added: it is asked at the end of the kick-off and the recap surveys."
)
# The survey_kind of the form that adds an outcome measure (the surveys use their kinds).
MEASURE = "measure"
MSG_SURVEY_THANKS = _("Thank you: your answers are saved.")
MSG_PULSE_THANKS = _("Thank you for rating the meeting.")

View = Callable[..., HttpResponse]


# --- Goals ----------------------------------------------------------------------------------


@login_required
def goal_list(request: HttpRequest, pk: int) -> HttpResponse:
    """List my goals and my partners' shared goals in one partnership; add a goal."""
    partnership, seat = access_partnership_seat(user=request.user, pk=pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and (
        goal := submit(
            form, lambda data: services.goal_create(seat=seat, **data), refusals=EVERY_REFUSAL
        )
    ):
        messages.success(request, MSG_GOAL_CREATED)
        return redirect(goal)
    goals = list(selectors.goal_list_for_partnership(partnership=partnership, user=request.user))
    return render(
        request,
        "goals/list.html",
        {
            "partnership": partnership,
            "program": partnership.program,
            "mine": [g for g in goals if g.owner_id == seat.membership_id],
            "theirs": [g for g in goals if g.owner_id != seat.membership_id],
            "agreed": agreement_goals_agreed(partnership=partnership),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, goal: Goal, status: int = 200, **forms_: Any) -> HttpResponse:
    is_owner = goal.owner.user_id == request.user.pk
    context = {
        "goal": goal,
        "program": goal.partnership.program,
        "is_owner": is_owner,
        "owner_name": member_name(goal.owner),
        "step_form": forms_.get("step_form") or StepForm(),
        "progress_form": forms_.get("progress_form") or ProgressForm(),
        "comment_form": forms_.get("comment_form") or CommentForm(),
        "error": forms_.get("error"),
        **selectors.goal_detail(goal=goal),
    }
    return render(request, "goals/detail.html", context, status=status)


@login_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a goal: steps, progress, comments, and the celebration once it is complete."""
    return _detail(request, selectors.access_goal(user=request.user, pk=pk))


def _goal_action(
    service: Callable[..., object],
    message: StrOrPromise | Callable[[Goal], str],
    form_class: type[StepForm | ProgressForm | CommentForm] | None = None,
    form_name: str = "",
) -> View:
    """Return the view that posts to a goal: ``service(goal=, user=, **form data, **URL args)``.

    An invalid form or a domain error shows the goal page again with it; success says
    ``message`` and goes back to the goal.
    """

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, **url_kwargs: Any) -> HttpResponse:
        goal = selectors.access_goal(user=request.user, pk=pk)
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            return _detail(request, goal, status=400, **{form_name: form})
        data = form.cleaned_data if form is not None else {}
        try:
            service(goal=goal, user=request.user, **data, **url_kwargs)
        except DomainError as exc:
            if form is None:
                return _detail(request, goal, status=exc.status_code, error=exc.message)
            add_domain_error(form, exc)
            return _detail(request, goal, status=exc.status_code, **{form_name: form})
        messages.success(request, message(goal) if callable(message) else message)
        return redirect(goal)

    return view


def _goal_initial(goal: Goal) -> dict[str, Any]:
    return {
        "title": goal.title,
        "why": goal.why,
        "due_on": goal.due_on,
        "visibility": goal.visibility,
    }


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Let the owner change a goal's title, why, due date and who sees it."""
    goal = selectors.access_goal_as_owner(user=request.user, pk=pk)
    was_shared = goal.is_shared
    form = GoalForm(request.POST or None, initial=_goal_initial(goal))
    if (
        request.method == "POST"
        and submit(
            form,
            lambda data: services.goal_update(goal=goal, user=request.user, **data),
            refusals=EVERY_REFUSAL,
        )
        is not None
    ):
        hidden = was_shared and not goal.is_shared
        messages.success(request, MSG_GOAL_NOW_PRIVATE if hidden else MSG_GOAL_SAVED)
        return redirect(goal)
    return render(
        request,
        "goals/goal_edit.html",
        {"goal": goal, "program": goal.partnership.program, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def step_edit(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    """Let the owner change a step's title and due date."""
    goal, step = selectors.access_step_as_owner(user=request.user, goal_pk=pk, step_pk=step_id)
    form = StepForm(request.POST or None, initial={"title": step.title, "due_on": step.due_on})
    if (
        request.method == "POST"
        and submit(
            form,
            lambda data: services.step_update(
                goal=goal, user=request.user, step_id=step.pk, **data
            ),
            refusals=EVERY_REFUSAL,
        )
        is not None
    ):
        messages.success(request, MSG_STEP_SAVED)
        return redirect(goal)
    return render(
        request,
        "goals/step_edit.html",
        {"goal": goal, "step": step, "program": goal.partnership.program, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def step_delete(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    """Remove a step of the owner's goal."""
    goal, step = selectors.access_step_as_owner(user=request.user, goal_pk=pk, step_pk=step_id)
    try:
        services.step_delete(goal=goal, user=request.user, step_id=step.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, MSG_STEP_DELETED)
    return redirect(goal)


step_add = _goal_action(services.step_add, MSG_STEP_ADDED, StepForm, "step_form")
step_done = _goal_action(services.step_complete, MSG_STEP_DONE)
progress_add = _goal_action(services.progress_add, MSG_PROGRESS, ProgressForm, "progress_form")
comment_add = _goal_action(services.comment_add, MSG_COMMENT, CommentForm, "comment_form")
goal_nudge = _goal_action(
    services.goal_nudge, lambda goal: MSG_NUDGED.format(name=member_name(goal.owner))
)
goal_complete = _goal_action(services.goal_complete, MSG_COMPLETED)


# --- Surveys --------------------------------------------------------------------------------


@login_required
def survey_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Let a coordinator write the kick-off, mid-point and recap questions."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    surveys = {s.kind: s for s in selectors.survey_list_for_program(program=program)}
    adding = request.POST.get("survey_kind", "") if request.method == "POST" else ""
    forms_by_kind: dict[str, QuestionForm] = {}
    for kind in Survey.Kind.values:
        bound = request.POST if adding == kind else None
        forms_by_kind[kind] = QuestionForm(bound, prefix=kind)
    measure_form = MeasureForm(request.POST if adding == MEASURE else None, prefix=MEASURE)
    if adding == MEASURE:
        if submit(
            measure_form,
            lambda data: services.measure_add(
                program=program, text=data["text"], actor=request.user
            ),
            refusals=EVERY_REFUSAL,
        ):
            messages.success(request, MSG_MEASURE_ADDED)
            return redirect("goals:survey_manage", slug=program.slug)
    elif adding in forms_by_kind:
        form = forms_by_kind[adding]
        if submit(
            form,
            lambda data: services.question_add(
                program=program,
                survey_kind=adding,
                text=data["text"],
                kind=data["kind"],
                choices=form.choice_list(),
            ),
            refusals=EVERY_REFUSAL,
        ):
            messages.success(request, MSG_QUESTION_ADDED)
            return redirect("goals:survey_manage", slug=program.slug)
    sections = [
        {
            "kind": kind,
            "label": label,
            "date": selectors.survey_date(program=program, kind=kind),
            "questions": list(surveys[kind].questions.all()) if kind in surveys else [],
            "form": forms_by_kind[kind],
        }
        for kind, label in Survey.Kind.choices
    ]
    has_errors = measure_form.errors or any(f.errors for f in forms_by_kind.values())
    return render(
        request,
        "goals/survey_manage.html",
        {
            "program": program,
            "sections": sections,
            "measures": selectors.measure_list(program=program),
            "measure_form": measure_form,
            "measure_kind": MEASURE,
        },
        status=400 if has_errors else 200,
    )


@login_required
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a question's wording (and kind or options while nobody has answered)."""
    program = access_program_as_coordinator(user=request.user, slug=slug)
    question = selectors.access_question_as_coordinator(program=program, pk=pk)
    initial = {"text": question.text, "kind": question.kind, "choices": "\n".join(question.choices)}
    form = QuestionForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and submit(
            form,
            lambda data: services.question_update(
                question=question,
                text=data["text"],
                kind=data["kind"],
                choices=form.choice_list(),
                actor=request.user,
            ),
            refusals=EVERY_REFUSAL,
        )
        is not None
    ):
        messages.success(request, MSG_QUESTION_SAVED)
        return redirect("goals:survey_manage", slug=program.slug)
    return render(
        request,
        "goals/question_edit.html",
        {"program": program, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = access_program_as_coordinator(user=request.user, slug=slug)
    question = selectors.access_question_as_coordinator(program=program, pk=pk)
    try:
        services.question_delete(question=question, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, MSG_QUESTION_DELETED)
    return redirect("goals:survey_manage", slug=program.slug)


@login_required
def survey_answer(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Let a member answer an open survey once."""
    survey, membership = selectors.access_survey_to_answer(user=request.user, slug=slug, kind=kind)
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.survey_answer(survey=survey, membership=membership, answers=form.answers())
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, MSG_SURVEY_THANKS)
                return redirect("dashboard:member_home", slug=slug)
    return render(
        request,
        "goals/survey_answer.html",
        {"program": survey.program, "survey": survey, "form": form},
        status=status,
    )


# --- Pulse ---------------------------------------------------------------------------------


@login_required
@require_POST
def pulse_answer(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Record how useful a held meeting was (from the member home)."""
    meeting, membership = selectors.access_meeting_to_rate(user=request.user, meeting_id=meeting_id)
    home = reverse("dashboard:member_home", kwargs={"slug": membership.program.slug})
    form = PulseForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.SCALE_RANGE)
        return redirect(home)
    try:
        services.pulse_record(
            meeting=meeting, membership=membership, score=form.cleaned_data["score"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, MSG_PULSE_THANKS)
    return redirect(home)
