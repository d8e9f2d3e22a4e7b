"""The one rule for a goal's due date, wherever a goal is set (Goals, the ground rules)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.errors import ValidationFailed

DUE_IN_PAST = _("The due date has passed already: pick today or a later date.")


def due_date_check(due_on: date | None, *, was: date | None = None, field: str = "due_on") -> None:
    """Refuse a due date before today; a date kept unchanged on an edit may lie in the past."""
    if due_on is not None and due_on != was and due_on < clock.today():
        raise ValidationFailed(DUE_IN_PAST, field=field)
