"""Forms of the meetings pages; the services hold the rules, forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.forms import TandemForm
from tandem.core.zones import zone_names_offered
from tandem.meetings.models import Meeting, Note


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in zone_names_offered()]


class SlotForm(TandemForm):
    """A first meeting (local date and time) in a zone: the start of a weekly series."""

    starts_on = forms.DateField(
        label=_("First meeting on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(label=_("At"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)


class RescheduleForm(TandemForm):
    """A new local date and time for one meeting."""

    on = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("At"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)


class CancelForm(TandemForm):
    """Why one meeting is cancelled (optional); the other partners read it in their email."""

    reason = forms.CharField(
        label=_("Reason (optional, sent to your partners)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. I am travelling that week")}),
    )


class MarkForm(TandemForm):
    status = forms.ChoiceField(
        label=_("The meeting was"),
        choices=[
            (Meeting.Status.HELD, pgettext_lazy("meeting status", "Held")),
            (Meeting.Status.MISSED, pgettext_lazy("meeting status", "Missed")),
        ],
        widget=forms.RadioSelect,
    )
    present = forms.TypedMultipleChoiceField(
        label=_("Who was there"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, seats: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = seats  # type: ignore[attr-defined]


class CommitmentForm(TandemForm):
    text = forms.CharField(
        label=_("What I'll do before next time"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. send two job applications")}),
    )


class NoteForm(TandemForm):
    body = forms.CharField(
        label=_("Note (Markdown)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=Note.Visibility.choices,
        initial=Note.Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
