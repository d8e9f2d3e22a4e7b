"""Forms of the support pages: they parse what was typed; the services hold the rules."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.support.models import (
    EVERY_WEEKS_MAX,
    EVERY_WEEKS_MIN,
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TEMPLATE_NAME_MAX_LENGTH,
)
from tandem.support.services import (
    RECORDABLE_CHANNELS,
    RECORDABLE_OUTCOMES,
    CheckInAnswers,
    check_in_day_problem,
)


class SupportPlanForm(TandemForm):
    every_weeks = forms.IntegerField(
        label=_("Check in with each partnership every (weeks)"),
        min_value=EVERY_WEEKS_MIN,
        max_value=EVERY_WEEKS_MAX,
    )
    after_first_meeting = forms.BooleanField(
        label=_("Also check in after a partnership's first meeting"), required=False
    )


class CheckInForm(TandemForm):
    channel = forms.ChoiceField(
        label=_("How you were in touch"),
        choices=[(c.value, c.label) for c in RECORDABLE_CHANNELS],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("How it is going"),
        choices=[(o.value, o.label) for o in RECORDABLE_OUTCOMES],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(
        label=_("When (empty for today)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note for the program's coordinators (the partners never see it)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_on(self) -> date | None:
        # Checked here too, so a day in the future is named with the other problems at once.
        on = self.cleaned_data.get("on")
        problem = check_in_day_problem(on)
        if problem:
            raise forms.ValidationError(problem)
        return on

    def to_answers(self) -> CheckInAnswers:
        data = self.cleaned_data
        return CheckInAnswers(
            channel=data["channel"],
            outcome=data["outcome"],
            note=data.get("note", ""),
            on=data.get("on"),
        )


class CheckInMessageForm(TandemForm):
    message = forms.CharField(
        label=_("Message to the partners (replies come to your email)"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
    )


class CheckInTemplateForm(TandemForm):
    name = forms.CharField(
        label=_("Name (only coordinators see it)"), max_length=TEMPLATE_NAME_MAX_LENGTH
    )
    body = forms.CharField(
        label=_("Message to the partners"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class HelpFlagForm(TandemForm):
    kind = forms.ChoiceField(label=_("The kind of help I need"), choices=())

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
