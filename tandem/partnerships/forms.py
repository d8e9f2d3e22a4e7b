"""Forms for the ground rules, the life of a partnership and messages.

Forms only parse and check what a person typed; services apply the rules. A form with an error
is shown again with everything typed.
"""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.partnerships.models import (
    EXIT_TEXT_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    AgreementVersion,
    MessagePreference,
    PartnershipEvent,
    PartnershipMember,
)
from tandem.partnerships.selectors.life import seat_name
from tandem.partnerships.services.agreement import (
    GOAL_MAX_LENGTH,
    MSG_GOAL_DEADLINE,
    MSG_PROMISE_REQUIRED,
    AgreementContent,
    Goal,
)
from tandem.partnerships.services.closing import MSG_AGAIN, MSG_USEFULNESS
from tandem.partnerships.services.life import MSG_END_REASON
from tandem.partnerships.services.messages import MSG_EMPTY

MSG_GOAL_NEEDS_TEXT = gettext_noop("Write the goal, or clear its deadline.")
BLANK_GOAL_ROWS = 2


class AgreementForm(TandemForm):
    """The ground rules, with a few goal rows per partner (text and deadline)."""

    base_number = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cadence_weeks = forms.IntegerField(
        label=_("Meet every (weeks)"), min_value=1, max_value=12, error_messages={}
    )
    meeting_minutes = forms.IntegerField(
        label=_("Each meeting lasts (minutes)"), min_value=15, max_value=240
    )
    channel = forms.ChoiceField(label=_("How you meet"), choices=AgreementVersion.Channel.choices)
    where = forms.CharField(
        label=_("Where"),
        max_length=300,
        required=False,
        help_text=_("The phone number, the video link or the place."),
    )
    incentive = forms.CharField(
        label=_("Incentive for reaching your goals"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you will do to celebrate, or what is at stake."),
    )

    def __init__(
        self,
        *args: Any,
        seats: list[PartnershipMember],
        initial_content: AgreementContent,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "cadence_weeks": initial_content.cadence_weeks,
                "meeting_minutes": initial_content.meeting_minutes,
                "channel": initial_content.channel,
                "where": initial_content.where,
                "incentive": initial_content.incentive,
            },
        )
        super().__init__(*args, **kwargs)
        self.partner_rows: list[dict[str, Any]] = []
        for seat in seats:
            existing = [g for g in initial_content.goals if g.seat_id == seat.pk]
            count = len(existing) + BLANK_GOAL_ROWS
            if self.is_bound:
                while self.data.get(f"goal-{seat.pk}-{count}-text") is not None:
                    count += 1
            rows = []
            for i in range(count):
                text_name, deadline_name = (
                    f"goal-{seat.pk}-{i}-text",
                    f"goal-{seat.pk}-{i}-deadline",
                )
                goal = existing[i] if i < len(existing) else None
                self.fields[text_name] = forms.CharField(
                    label=gettext("Goal %(number)d") % {"number": i + 1},
                    max_length=GOAL_MAX_LENGTH,
                    required=False,
                    initial=goal.text if goal else "",
                )
                self.fields[deadline_name] = forms.DateField(
                    label=gettext("Deadline of goal %(number)d") % {"number": i + 1},
                    required=False,
                    initial=goal.deadline if goal else None,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )
                rows.append((self[text_name], self[deadline_name]))
            self.partner_rows.append({"seat": seat, "name": seat_name(seat), "rows": rows})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        goals: list[Goal] = []
        for partner in self.partner_rows:
            for text_field, deadline_field in partner["rows"]:
                text = (cleaned.get(text_field.name) or "").strip()
                deadline = cleaned.get(deadline_field.name)
                if text and not isinstance(deadline, date):
                    if deadline_field.name not in self.errors:
                        self.add_error(deadline_field.name, gettext(MSG_GOAL_DEADLINE))
                elif deadline and not text:
                    self.add_error(text_field.name, gettext(MSG_GOAL_NEEDS_TEXT))
                elif text and isinstance(deadline, date):
                    goals.append(Goal(seat_id=partner["seat"].pk, text=text, deadline=deadline))
        cleaned["goals"] = tuple(goals)
        return cleaned

    def content(self) -> AgreementContent:
        """Return the typed ground rules (call after ``is_valid()``)."""
        data = self.cleaned_data
        return AgreementContent(
            cadence_weeks=data["cadence_weeks"],
            meeting_minutes=data["meeting_minutes"],
            channel=data["channel"],
            where=data.get("where") or "",
            goals=data["goals"],
            incentive=data.get("incentive") or "",
        )


class AgreementAcceptForm(TandemForm):
    number = forms.IntegerField(widget=forms.HiddenInput)
    promise = forms.BooleanField(
        label=_("I keep the confidentiality promise above."),
        error_messages={"required": _(MSG_PROMISE_REQUIRED)},
    )


class PauseForm(TandemForm):
    reason = forms.CharField(
        label=_("Why (optional, your partners see it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EndForm(TandemForm):
    end_reason = forms.ChoiceField(
        label=_("Why does the partnership end?"),
        choices=[("", _("Choose a reason")), *PartnershipEvent.EndReason.choices],
        error_messages={"required": _(MSG_END_REASON)},
    )
    details = forms.CharField(
        label=_("More about it (optional, your partners see it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    feedback = forms.CharField(
        label=_("Feedback for your coordinator (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your program's coordinators read this; your partners do not."),
    )


class MessageForm(TandemForm):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "required": _(MSG_EMPTY),
            "max_length": _(
                "A message can be at most 2,000 characters; yours has %(show_value)s. Shorten it."
            ),
        },
    )


class MessagePreferenceForm(TandemForm):
    notify = forms.ChoiceField(
        label=_("Email me about new messages"),
        choices=MessagePreference.Notify.choices,
        widget=forms.RadioSelect,
    )


class ExitSurveyForm(TandemForm):
    """The short exit survey of an ended partnership (the partner's own answers)."""

    usefulness = forms.TypedChoiceField(
        label=_("How useful was this partnership for you?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 is not useful at all, 5 is very useful."),
        error_messages={"required": MSG_USEFULNESS, "invalid_choice": MSG_USEFULNESS},
    )
    what_worked = forms.CharField(
        label=_("What worked well? (optional)"),
        required=False,
        max_length=EXIT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    could_be_better = forms.CharField(
        label=_("What could be better? (optional)"),
        required=False,
        max_length=EXIT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    would_take_part_again = forms.TypedChoiceField(
        label=_("Would you take part again?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": MSG_AGAIN, "invalid_choice": MSG_AGAIN},
    )


class ClosingChoiceForm(TandemForm):
    """Stay in touch with the partners, and appear in the program's alumni list."""

    stay_in_touch = forms.BooleanField(required=False)
    alumni_listed = forms.BooleanField(
        required=False,
        label=_("Show me in the program's alumni list (my name and email address)"),
    )
