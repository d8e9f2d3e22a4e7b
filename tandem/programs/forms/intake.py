"""The intake form: turns what the browser sends into an IntakeData for the service.

The form only parses (tag boxes, the availability grid, the "other times" text); every rule
lives in ``services.intake.intake_clean`` so the API and the page answer the same. The form's
``clean`` runs those rules on every answer it could read, even when another answer could not
be read, so the page lists every problem at once.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.interchange.members_csv import (
    DAYS,
    Slot,
    SlotError,
    format_availability,
    parse_availability,
)
from tandem.programs.models import Profile
from tandem.programs.services.intake import (
    TEXT_LIMITS,
    IntakeData,
    IntakeInvalid,
    intake_clean,
    split_list,
)
from tandem.programs.services.member_csv import problem_text

GRID_START = 6 * 60
GRID_END = 23 * 60
GRID_STEP = 30


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_abbreviations() -> tuple[str, ...]:
    """Return the days' short names in the reader's language, Monday first (Django's own)."""
    return tuple(str(WEEKDAYS_ABBR[day]) for day in range(7))


def cell_value(day: int, start: int) -> str:
    """Return the checkbox value of the grid cell starting at ``start`` on ``day``."""
    return f"{day}-{start}"


GRID_CHOICES = [
    (cell_value(day, start), f"{DAYS[day]} {_hhmm(start)}-{_hhmm(start + GRID_STEP)}")
    for day in range(7)
    for start in range(GRID_START, GRID_END, GRID_STEP)
]


@dataclass(frozen=True)
class GridCell:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class GridRow:
    label: str
    cells: list[GridCell]


def slots_to_grid(slots: list[Slot]) -> tuple[list[str], list[Slot]]:
    """Split slots into the grid cells they fill and the parts the grid cannot show."""
    cells: list[str] = []
    other: list[Slot] = []
    for slot in slots:
        first = max(slot.start, GRID_START)
        first += -first % GRID_STEP
        covered = [
            m for m in range(first, min(slot.end, GRID_END), GRID_STEP) if m + GRID_STEP <= slot.end
        ]
        if not covered:
            other.append(slot)
            continue
        cells.extend(cell_value(slot.day, m) for m in covered)
        if slot.start < covered[0]:
            other.append(Slot(slot.day, slot.start, covered[0]))
        if covered[-1] + GRID_STEP < slot.end:
            other.append(Slot(slot.day, covered[-1] + GRID_STEP, slot.end))
    return cells, other


def intake_initial(*, profile: Profile | None, user: Any) -> dict[str, Any]:
    """Return the form's starting values: the saved profile, or the account's name."""
    if profile is None:
        return {"display_name": user.name, "languages": "English", "channel": Profile.Channel.VIDEO}
    slots = [Slot(*item) for item in profile.availability]
    cells, other = slots_to_grid(slots)
    return {
        "display_name": profile.display_name,
        "pronouns": profile.pronouns,
        "goals_text": profile.goals_text,
        "meeting_needs": profile.meeting_needs,
        "themes": "; ".join(t.name for t in profile.themes.all()),
        "offers": "; ".join(t.name for t in profile.offers.all()),
        "wants": "; ".join(t.name for t in profile.wants.all()),
        "stage": profile.stage,
        "organisation": profile.organisation,
        "department": profile.department,
        "time_zone": profile.time_zone,
        "availability": cells,
        "availability_other": format_availability(other, days=day_abbreviations()),
        "channel": profile.channel,
        "city": profile.city,
        "languages": "; ".join(profile.languages),
        "excluded_emails": "\n".join(profile.excluded_emails),
        # Consent is asked again on every submission.
        "consent": False,
    }


TAG_HELP = _("Separate with ; or commas.")


def _limited(name: str) -> forms.TextInput:
    # The browser keeps to the limit; the service checks it (with its own message) for the API.
    return forms.TextInput(attrs={"maxlength": TEXT_LIMITS[name]})


class IntakeForm(TandemForm):
    # Lengths and required answers are checked by the service, which says what to fix.
    display_name = forms.CharField(
        label=_("Name to show your partner"),
        required=False,
        widget=forms.TextInput(attrs={"required": True, "maxlength": TEXT_LIMITS["display_name"]}),
    )
    pronouns = forms.CharField(required=False, widget=_limited("pronouns"))
    goals_text = forms.CharField(
        label=_("My goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to get out of the program?"),
    )
    meeting_needs = forms.CharField(
        label=_("What would make meetings easier for you? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example captions on video, a quiet place, breaks, written notes ahead. "
            "Only your partners see it, not the coordinators."
        ),
    )
    themes = forms.CharField(
        label=_("Goal themes"), required=False, help_text=_("Up to 5. Separate with ; or commas.")
    )
    offers = forms.CharField(label=_("Skills I can offer"), required=False, help_text=TAG_HELP)
    wants = forms.CharField(label=_("Skills I want to learn"), required=False, help_text=TAG_HELP)
    stage = forms.ChoiceField(
        label=_("Career stage"),
        required=False,
        choices=[("", _("Prefer not to say")), *Profile.Stage.choices],
    )
    organisation = forms.CharField(required=False, widget=_limited("organisation"))
    department = forms.CharField(required=False, widget=_limited("department"))
    time_zone = forms.CharField(
        required=False,
        help_text=_("An IANA zone such as Europe/Madrid; your free hours below are in this zone."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When I am free each week"), required=False, choices=GRID_CHOICES
    )
    availability_other = forms.CharField(
        label=_("Other free times"),
        required=False,
        help_text=_("Times the grid does not show, like: Mon 05:00-06:00; Sat 23:00-24:00"),
    )
    channel = forms.ChoiceField(
        label=_("Preferred way to meet"),
        # Not required here: the service says what to choose, along with every other problem.
        required=False,
        choices=Profile.Channel.choices,
        widget=forms.RadioSelect,
    )
    city = forms.CharField(
        required=False,
        widget=_limited("city"),
        help_text=_("Needed when you meet in person."),
    )
    languages = forms.CharField(
        required=False,
        help_text=_("Languages you can meet in. Separate with ; or commas."),
    )
    excluded_emails = forms.CharField(
        label=_("People I should not be paired with"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Their email addresses, one a line or separated by commas. "
            "Only the matching uses this list; nobody is told."
        ),
    )
    consent = forms.BooleanField(
        label=_("I agree to the program's confidentiality rules"), required=False
    )

    @property
    def day_names(self) -> list[str]:
        """Return the grid's column headings, Monday first, in the reader's language."""
        return list(day_abbreviations())

    tag_fields = ("themes", "offers", "wants")

    def __init__(
        self, *args: Any, suggest_url: str = "", own_email: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.own_email = own_email
        for name in self.tag_fields:
            attrs = {"autocomplete": "off", "aria-controls": f"suggest-{name}"}
            if suggest_url:
                attrs |= {
                    "hx-get": f"{suggest_url}?field={name}",
                    "hx-trigger": "input changed delay:250ms, focus once",
                    "hx-target": f"#suggest-{name}",
                    "hx-swap": "innerHTML",
                }
            self.fields[name].widget.attrs.update(attrs)
        self.fields["time_zone"].widget.attrs.update(
            {"list": "time-zones", "autocomplete": "off", "data-browser-zone": ""}
        )

    def tag_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.tag_fields]

    def clean_availability_other(self) -> list[Slot]:
        text = self.cleaned_data.get("availability_other", "")
        # The reader's day names, and always the English ones of the member CSV.
        try:
            return list(parse_availability(text, days=day_abbreviations()))
        except SlotError as exc:
            raise forms.ValidationError(problem_text(exc.code, exc.params)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            intake_clean(data=self.to_data(), own_email=self.own_email)
        except IntakeInvalid as exc:
            for name, message in exc.errors.items():
                # An answer the form could not read already says why; one message per answer.
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned

    def to_data(self) -> IntakeData:
        """Return the parsed answers; an answer the form could not read counts as empty."""
        data = self.cleaned_data
        slots = list(data.get("availability_other", []))
        for value in data.get("availability", []):
            day, start = (int(part) for part in value.split("-"))
            slots.append(Slot(day, start, start + GRID_STEP))
        emails = data.get("excluded_emails", "").replace(",", "\n").replace(";", "\n").split()
        return IntakeData(
            display_name=data.get("display_name", ""),
            pronouns=data.get("pronouns", ""),
            goals_text=data.get("goals_text", ""),
            meeting_needs=data.get("meeting_needs", ""),
            themes=split_list(data.get("themes", "")),
            offers=split_list(data.get("offers", "")),
            wants=split_list(data.get("wants", "")),
            stage=data.get("stage", ""),
            organisation=data.get("organisation", ""),
            department=data.get("department", ""),
            time_zone=data.get("time_zone", ""),
            availability=slots,
            channel=data.get("channel", ""),
            city=data.get("city", ""),
            languages=split_list(data.get("languages", "")),
            excluded_emails=emails,
            consent=data.get("consent", False),
        )

    def grid_rows(self) -> list[GridRow]:
        """Return the availability grid as rows of half-hour cells, with what is ticked now."""
        if self.is_bound:
            ticked = set(self.data.getlist("availability"))  # type: ignore[attr-defined]
        else:
            ticked = set(self.initial.get("availability", []))
        return [
            GridRow(
                label=_hhmm(start),
                cells=[
                    GridCell(
                        value=cell_value(day, start),
                        label=f"{WEEKDAYS[day]} {_hhmm(start)}-{_hhmm(start + GRID_STEP)}",
                        checked=cell_value(day, start) in ticked,
                    )
                    for day in range(7)
                ],
            )
            for start in range(GRID_START, GRID_END, GRID_STEP)
        ]
