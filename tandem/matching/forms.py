"""Forms of the coordinator's matching pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import TandemForm
from tandem.matching.engine import Weights
from tandem.matching.models import WEIGHT_NAMES, MatchRun
from tandem.programs.models import Program

MSG_WEIGHTS_ALL_ZERO = _("Give at least one weight above zero; the score is their weighted mean.")

WEIGHT_LABELS = {
    "skill_swap": _("Skill swap (both learn)"),
    "one_way_skill": _("One-way teaching"),
    "stage_closeness": _("Close career stages"),
    "shared_goals": _("Shared goals"),
    "shared_hours": _("Shared free hours"),
    "same_org_other_department": _("Same organisation, other department"),
}


class MatchRunForm(TandemForm):
    """Parameters of a new run; the defaults come from the program."""

    format = forms.ChoiceField(label=_("Format"), choices=MatchRun.Format.choices)
    circle_size = forms.IntegerField(
        label=_("Circle size"),
        min_value=3,
        max_value=5,
        initial=4,
        help_text=_("Circles: people per circle (3 to 5)."),
    )
    allow_trios = forms.BooleanField(
        required=False,
        label=_("Allow trios"),
        help_text=_("Pairs: someone left over may join a pair as a third."),
    )
    maximise_matched = forms.BooleanField(
        required=False, label=_("Match as many people as possible"), initial=True
    )
    both_gain = forms.ChoiceField(
        required=False,
        label=_("Pairs where both gain come first"),
        choices=Program.BothGain.choices,
        help_text=_(
            "Pairs: prefer pairs in which both partners gain (after matching as many people "
            "as possible, when that is ticked), then the best fit. The program's setting."
        ),
    )
    fairness = forms.BooleanField(required=False, label=_("Raise the weakest match first"))
    allow_repeats = forms.BooleanField(required=False, label=_("Allow earlier partners again"))
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, initial=0, help_text=_("Same seed and members, same result.")
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        defaults = Weights()
        kwargs["initial"] = {
            "format": program.format,
            "circle_size": program.circle_size_max,
            "allow_trios": program.allow_trios,
            "both_gain": program.both_gain,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        for name in WEIGHT_NAMES:
            self.fields[f"w_{name}"] = forms.FloatField(
                min_value=0,
                max_value=100,
                label=WEIGHT_LABELS[name],
                initial=getattr(defaults, name),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"w_{name}"] for name in WEIGHT_NAMES]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("allow_trios", "maximise_matched", "fairness", "allow_repeats")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(f"w_{name}") for name in WEIGHT_NAMES]
        if all(w is not None for w in weights) and sum(w or 0 for w in weights) <= 0:
            raise forms.ValidationError(MSG_WEIGHTS_ALL_ZERO)
        return data

    def run_kwargs(self) -> dict[str, Any]:
        """Return the cleaned values as ``match_run_start`` keyword arguments."""
        data = self.cleaned_data
        return {
            "format": data["format"],
            "circle_size": data["circle_size"],
            "allow_trios": data["allow_trios"],
            "maximise_matched": data["maximise_matched"],
            "both_gain": data["both_gain"] or None,
            "fairness": data["fairness"],
            "allow_repeats": data["allow_repeats"],
            "seed": data["seed"],
            "weights": {name: data[f"w_{name}"] for name in WEIGHT_NAMES},
        }


class SwapForm(TandemForm):
    """Two people from two different proposals of the run."""

    a = forms.TypedChoiceField(coerce=int, label=_("Swap"))
    b = forms.TypedChoiceField(coerce=int, label=_("with"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank: list[tuple[Any, str]] = [("", gettext("Pick a person"))]
        self.fields["a"].choices = blank + choices  # type: ignore[attr-defined]
        self.fields["b"].choices = blank + choices  # type: ignore[attr-defined]


class PairForm(TandemForm):
    """Two people of one proposal (for a forbid inside a trio or circle)."""

    a = forms.IntegerField(required=False)
    b = forms.IntegerField(required=False)
