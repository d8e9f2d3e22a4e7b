"""Forms for programs, coordinators, documents, referral resources and tags.

Forms parse what was typed (text, numbers, dates, files); the rules live in the services,
whose messages the views put back on the form, so the page and the API say the same thing.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.programs.models import Document, Program, Resource, Tag


class ProgramCreateForm(TandemForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=500)
    slug = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=500,
        help_text=_("Leave empty to make one from the name."),
    )
    audience = forms.CharField(
        label=_("Audience"), required=False, max_length=500, help_text=_("Who the program is for.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


def _number(low: int, high: int) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": low, "max": high})


class ProgramSettingsForm(TandemForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=500)
    slug = forms.CharField(label=_("Web address"), required=False, max_length=500)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience = forms.CharField(
        label=_("Audience"), required=False, max_length=500, help_text=_("Who the program is for.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=Program.Status.choices)
    kickoff_on = forms.DateField(
        label=_("Kick-off"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    midpoint_on = forms.DateField(
        label=_("Mid-point check-in"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    recap_on = forms.DateField(
        label=_("Recap"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cadence_weeks = forms.IntegerField(label=_("Meet every (weeks)"), widget=_number(1, 12))
    meeting_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"), widget=_number(15, 240)
    )
    format = forms.ChoiceField(label=_("Format"), choices=Program.Format.choices)
    circle_size_min = forms.IntegerField(label=_("Smallest circle"), widget=_number(3, 5))
    circle_size_max = forms.IntegerField(label=_("Largest circle"), widget=_number(3, 5))
    allow_trios = forms.BooleanField(
        label=_("Allow trios"),
        required=False,
        help_text=_("When the count is odd, the last person joins a pair as a trio."),
    )
    both_gain = forms.ChoiceField(
        label=_("Pairs where both gain come first"),
        choices=Program.BothGain.choices,
        help_text=_(
            "After matching as many people as possible, prefer pairs in which both partners "
            "gain, even over a pair with a slightly higher score. For skills programs, both "
            "gain when each teaches the other a skill they asked for; for accountability "
            "programs, when they share a goal."
        ),
    )
    cooling_off_days = forms.IntegerField(
        label=_("Cooling-off after an ending (days)"),
        widget=_number(0, 90),
        help_text=_(
            "After a partnership ends, its partners wait this many days before a match run "
            "pairs them again, so an ending has time to settle (0: no wait). A change applies "
            "to endings from then on."
        ),
    )
    confidentiality_rules = forms.CharField(
        label=_("Confidentiality rules"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_for(cls, program: Program) -> dict[str, Any]:
        """Return the form's starting values from the program."""
        return {name: getattr(program, name) for name in cls.base_fields}


class CoordinatorAddForm(TandemForm):
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class DocumentForm(TandemForm):
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    body = forms.CharField(
        label=_("Page (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Write the page here, or upload a file instead."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, ODT, PNG or JPG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )


class ResourceForm(TandemForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    contact = forms.CharField(
        label=_("Contact"),
        required=False,
        max_length=500,
        help_text=_("Phone, email or web address."),
    )
    when_to_use = forms.CharField(
        label=_("When to use it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When is this the right place to turn, rather than your partner?"),
    )


class TagMergeForm(TandemForm):
    merge = forms.TypedChoiceField(label=_("Merge"), coerce=int)
    keep = forms.TypedChoiceField(label=_("into"), coerce=int)

    def __init__(self, *args: Any, tags: list[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a tag"))] + [
            (tag.pk, f"{tag.name} ({tag.get_kind_display().lower()})") for tag in tags
        ]
        self.fields["merge"].choices = choices  # type: ignore[attr-defined]
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]
