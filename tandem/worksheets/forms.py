"""Forms of the worksheet pages: they parse what was typed; the services hold the rules."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm, field_use_tandem_messages
from tandem.worksheets.models import (
    ANSWER_MAX_LENGTH,
    DUE_MEETING_MAX,
    PROMPT_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    TITLE_MAX_LENGTH,
    WorksheetQuestion,
    WorksheetTemplate,
)
from tandem.worksheets.selectors import answer_field
from tandem.worksheets.services import AnswerInput, TemplateAnswers

Kind = WorksheetQuestion.Kind


def version_field(question_id: int) -> str:
    """Return the hidden field holding the version an answer was read at."""
    return f"v{question_id}"


def _answer_field(question: WorksheetQuestion) -> forms.Field:
    label = question.prompt
    hint = question.help_text
    if question.kind == Kind.SCALE:
        return forms.ChoiceField(
            label=label,
            help_text=hint,
            required=False,
            choices=[("", _("No answer yet"))]
            + [(str(n), str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)],
            widget=forms.RadioSelect(attrs={"class": "scale"}),
        )
    if question.kind == Kind.DATE:
        return forms.DateField(
            label=label,
            help_text=hint,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    rows = 5 if question.kind == Kind.LIST else 4
    return forms.CharField(
        label=label,
        help_text=hint or (_("One item a line.") if question.kind == Kind.LIST else ""),
        required=False,
        strip=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class WorksheetAnswersForm(TandemForm):
    """Every answer of a worksheet (or of the questions given), each with its version."""

    def __init__(self, *args: Any, questions: list[WorksheetQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[answer_field(question.pk)] = _answer_field(question)
            self.fields[version_field(question.pk)] = forms.IntegerField(
                min_value=0, widget=forms.HiddenInput, required=False
            )
        # Tandem's messages for the fields added here (the mixin ran before they existed).
        for field in self.fields.values():
            field_use_tandem_messages(field)

    def to_inputs(self) -> list[AnswerInput]:
        data = self.cleaned_data
        inputs = []
        for question in self.questions:
            if answer_field(question.pk) not in self.data:
                continue  # not sent (a scale left unticked): nothing to change
            value = data.get(answer_field(question.pk))
            text = value.isoformat() if isinstance(value, date) else (value or "")
            version = data.get(version_field(question.pk)) or 0
            inputs.append(AnswerInput(question.pk, text, version))
        return inputs


class TemplateForm(TandemForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    intro = forms.CharField(
        label=_("Introduction for the partners"),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due = forms.ChoiceField(label=_("Due"), choices=WorksheetTemplate.Due.choices)
    due_meeting = forms.IntegerField(
        label=_("At which meeting (1 is the first; only when due at a meeting)"),
        required=False,
        min_value=1,
        max_value=DUE_MEETING_MAX,
    )

    def to_answers(self) -> TemplateAnswers:
        data = self.cleaned_data
        return TemplateAnswers(
            title=data["title"],
            intro=data.get("intro", ""),
            due=data["due"],
            due_meeting=data.get("due_meeting"),
        )


class SectionForm(TandemForm):
    title = forms.CharField(label=_("Section title"), max_length=TITLE_MAX_LENGTH)


class QuestionForm(TandemForm):
    prompt = forms.CharField(label=_("Question"), max_length=PROMPT_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Kind.choices)
    help_text = forms.CharField(
        label=_("Hint for the partners (optional)"), required=False, max_length=PROMPT_MAX_LENGTH
    )
