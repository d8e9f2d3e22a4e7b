"""Tandem's form base: every form says what to fix in the person's words.

Django's built-in messages ("Ensure this value is greater than or equal to 1.", "Select a
valid choice. x is not one of the available choices.") are replaced here, once, for every
field of every form built on :class:`TandemForm`. A message a form gives a field itself
(``error_messages={...}``) is kept.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import Conflict, DomainError, ValidationFailed

# Messages by field class; a field takes those of its own class over those of its bases.
# Codes from validators (min_value, max_length, ...) are looked up in the field's messages
# too (``Field.run_validators``), so they are replaced here as well.
MESSAGES: dict[type[forms.Field], dict[str, Promise]] = {
    forms.Field: {
        "required": _("This is needed: fill it in."),
        "min_value": _("Enter %(limit_value)s or more."),
        "max_value": _("Enter %(limit_value)s or less."),
        "step_size": _("Enter a multiple of %(limit_value)s."),
        "max_length": _(
            "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."
        ),
        "min_length": _("Write at least %(limit_value)d characters (it has %(show_value)d)."),
    },
    forms.IntegerField: {"invalid": _("Enter a whole number, like 3.")},
    forms.FloatField: {"invalid": _("Enter a number, like 2.5.")},
    forms.DecimalField: {
        "invalid": _("Enter a number, like 2.5."),
        "max_digits": _("Use at most %(max)s digits."),
        "max_decimal_places": _("Use at most %(max)s digits after the decimal point."),
        "max_whole_digits": _("Use at most %(max)s digits before the decimal point."),
    },
    forms.DateField: {"invalid": _("Enter a date, like 2027-03-14.")},
    forms.TimeField: {"invalid": _("Enter a time, like 18:30.")},
    forms.DateTimeField: {"invalid": _("Enter a date and a time, like 2027-03-14 18:30.")},
    forms.DurationField: {"invalid": _("Enter a length of time, like 01:30:00.")},
    forms.EmailField: {"invalid": _("Enter a whole email address, like name@example.org.")},
    forms.URLField: {"invalid": _("Enter a full web address, like https://example.org.")},
    forms.BooleanField: {"required": _("Tick this box to go on.")},
    forms.ChoiceField: {
        "required": _("Choose one of the options."),
        "invalid_choice": _("Choose one of the options offered; “%(value)s” is not one of them."),
    },
    forms.MultipleChoiceField: {
        "required": _("Choose at least one of the options."),
        "invalid_choice": _(
            "Choose only from the options offered; “%(value)s” is not one of them."
        ),
        "invalid_list": _("Choose from the options offered."),
    },
    forms.ModelChoiceField: {
        "required": _("Choose one of the options."),
        "invalid_choice": _("That choice is no longer available: choose another one."),
    },
    forms.ModelMultipleChoiceField: {
        "required": _("Choose at least one of the options."),
        "invalid_choice": _("“%(value)s” is no longer available: choose from the options shown."),
        "invalid_list": _("Choose from the options offered."),
        "invalid_pk_value": _("“%(pk)s” is not one of the options: choose from those shown."),
    },
    forms.FileField: {
        "required": _("Choose a file to upload."),
        "invalid": _("No file arrived: choose the file again."),
        "missing": _("No file arrived: choose the file again."),
        "empty": _("The file is empty: choose one with something in it."),
        "max_length": _(
            "Shorten the file's name to %(max)d characters or fewer (it has %(length)d)."
        ),
        "contradiction": _("Either choose a new file or tick Clear, not both."),
    },
}


def _django_defaults(field: forms.Field) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(
            {k: str(v) for k, v in getattr(klass, "default_error_messages", {}).items()}
        )
    return defaults


def tandem_messages(field: forms.Field) -> dict[str, Promise]:
    """Return Tandem's messages for ``field``, by error code, most specific class first."""
    messages: dict[str, Promise] = {}
    for klass in reversed(type(field).__mro__):
        messages.update(MESSAGES.get(klass, {}))
    return messages


def field_use_tandem_messages(field: forms.Field) -> None:
    """Replace Django's built-in messages of ``field`` with Tandem's, keeping the form's own."""
    defaults = _django_defaults(field)
    for code, message in tandem_messages(field).items():
        current = field.error_messages.get(code)
        if current is None or str(current) == defaults.get(code):
            field.error_messages[code] = message  # type: ignore[assignment]


class TandemMessagesMixin:
    """Give every field of the form Tandem's messages (see the module docstring)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The form's fields are copies made for this instance, so this changes no other form.
        for field in self.fields.values():
            field_use_tandem_messages(field)


class TandemForm(TandemMessagesMixin, forms.Form):
    """A Django form whose messages say what to fix in the person's words."""


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Put what a service refused on the form: each problem on its field, else above the form.

    The one way a view turns a domain error into a form error: forms parse what was typed, the
    services hold the rules, and the page shows the service's words (the API says the same).
    """
    for field, message in exc.problems():
        form.add_error(field if field in form.fields else None, message)


# What a form shows as its own error: the input breaks a rule, or clashes with the current
# state. A NotFound or NotAllowed is not the form's business: it answers 404 or 403.
FORM_REFUSALS: tuple[type[DomainError], ...] = (ValidationFailed, Conflict)


def submit[T](
    form: forms.BaseForm,
    service: Callable[[dict[str, Any]], T],
    *,
    refusals: tuple[type[DomainError], ...] = FORM_REFUSALS,
) -> T | None:
    """Call ``service`` with a valid form's data; return its result, or None to show the form again.

    The form handling every page shares: an invalid form, or a service that refuses (one of
    ``refusals``, put on the form by :func:`add_domain_error`), leaves the form with its errors
    and returns None; the view then renders it again with status 400. A service that returns
    nothing on success is given as ``lambda data: service(...) or True``.
    """
    if not form.is_valid():
        return None
    try:
        return service(form.cleaned_data)
    except refusals as exc:
        add_domain_error(form, exc)
        return None
