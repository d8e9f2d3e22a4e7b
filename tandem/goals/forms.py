"""Forms of the goals pages. Services hold the rules; these only parse what was typed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.goals.models import Goal, Question, Survey


class GoalForm(TandemForm):
    title = forms.CharField(max_length=160, label=_("Goal"))
    why = forms.CharField(
        label=_("Why it matters"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    visibility = forms.ChoiceField(
        choices=Goal.Visibility.choices, initial=Goal.Visibility.SHARED, label=_("Who sees it")
    )


class StepForm(TandemForm):
    title = forms.CharField(max_length=160, label=_("Step"))
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProgressForm(TandemForm):
    text = forms.CharField(max_length=280, label=_("Where I stand"))
    percent = forms.IntegerField(
        label=_("Percent done"), required=False, min_value=0, max_value=100
    )


class CommentForm(TandemForm):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(TandemForm):
    text = forms.CharField(max_length=300, label=_("Question"))
    kind = forms.ChoiceField(choices=Question.Kind.choices, label=_("Answer as"))
    choices = forms.CharField(
        label=_("Options (one a line, for a choice question)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def choice_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]


class MeasureForm(TandemForm):
    text = forms.CharField(
        max_length=300,
        label=_("Question (answered from 1 to 5)"),
        help_text=_("For example: How confident am I that I will reach my goal?"),
    )


SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyAnswerForm(TandemForm):
    """One field per question (``q<id>``); a text question adds ``share<id>``, off by default."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        for question in survey.questions.all():
            name = f"q{question.pk}"
            if question.kind == Question.Kind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=SCALE_CHOICES,
                    widget=forms.RadioSelect,
                    help_text=_("1 = not at all, 5 = very much"),
                )
            elif question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=[(c, c) for c in question.choices],
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
                self.fields[f"share{question.pk}"] = forms.BooleanField(
                    label=_("Let the coordinators read this answer"), required=False, initial=False
                )

    def answers(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            q.pk: {"value": data.get(f"q{q.pk}"), "share_text": data.get(f"share{q.pk}", False)}
            for q in self.survey.questions.all()
        }

    def rows(self) -> list[tuple[Any, Any]]:
        """Return (answer field, share field or None) per question, for the template."""
        return [
            (self[f"q{q.pk}"], self[f"share{q.pk}"] if f"share{q.pk}" in self.fields else None)
            for q in self.survey.questions.all()
        ]


class PulseForm(TandemForm):
    score = forms.TypedChoiceField(
        choices=SCALE_CHOICES, coerce=int, widget=forms.RadioSelect, label=_("How useful was it?")
    )
