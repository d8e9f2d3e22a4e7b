"""Domain errors: raised by services, mapped by views to a form error and by the API to 400/404/409.

Every message is written for the person who has to act on it, in their language: a message
may be lazily translated (``gettext_lazy``), or a plain string marked with ``gettext_noop``; it
is put into words when raised, in the language of the request that raised it.
"""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NOT_FOUND = _("Not found.")


def _in_words(message: str | Promise) -> str:
    """Return ``message`` put into words in the current language.

    A lazy message translates itself; a plain one is looked up too, so a constant that other
    code compares as plain text can be marked with ``gettext_noop`` and still be translated.
    """
    if isinstance(message, str):
        return gettext(message) if message else message
    return str(message)


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        self.message = _in_words(message)
        super().__init__(self.message)
        self.field = field

    def problems(self) -> list[tuple[str | None, str]]:
        """Return each problem as (field, message); a field of None is about the whole form.

        One error is one problem; an error that checked every answer first (the intake, the
        program's settings) carries all of them, so a form shows everything to fix at once.
        """
        return [(self.field, self.message)]


class ValidationFailed(DomainError):
    """The input breaks a rule; the message says what to change."""


class AnswersInvalid(ValidationFailed):
    """Several answers break a rule; ``errors`` maps each field to what to fix, first one first.

    A service that checks every answer before refusing raises this (or a subclass that names
    what was checked), so a form or an API client fixes everything in one go.
    """

    def __init__(self, errors: Mapping[str, str | Promise]) -> None:
        self.errors = {field: _in_words(message) for field, message in errors.items()}
        first_field, first_message = next(iter(self.errors.items()))
        super().__init__(first_message, field=first_field)

    def problems(self) -> list[tuple[str | None, str]]:
        return list(self.errors.items())


class NotFound(DomainError):
    """The object does not exist, or belongs to someone the caller may not see (same answer)."""

    status_code = 404

    def __init__(self, message: str | Promise = NOT_FOUND, *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class Conflict(DomainError):
    """The action clashes with the current state (already done, already taken)."""

    status_code = 409


class NotAllowed(DomainError):
    """The person may not do this here at all (the site's rules, not the input)."""

    status_code = 403
