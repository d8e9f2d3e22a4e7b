"""The member CSV's problems in the reader's language.

``tandem.interchange.members_csv`` never imports Django, so it words each problem in English
(for the command line tool) and gives it a code and the values it names. This module holds
the translatable words of every code, those of the member import's own checks too, and puts
a problem into words in the active language; numbers are written the language's way.
"""

from collections.abc import Mapping
from dataclasses import replace

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tandem.interchange.members_csv import RowError

__all__ = ["PROBLEMS", "problem_localise", "problem_text", "row_problem"]

# Placeholders are named after the values each code carries; a plural follows the value
# named last in ngettext_lazy.
PROBLEMS: Mapping[str, Promise] = {
    # Found by the parser (tandem.interchange.members_csv).
    "too_large": ngettext_lazy(
        "The file is %(size)s byte; the limit is %(limit)s bytes (10 MB). "
        "Split it into smaller files and import them one by one.",
        "The file is %(size)s bytes; the limit is %(limit)s bytes (10 MB). "
        "Split it into smaller files and import them one by one.",
        "size",
    ),
    "empty": _("The file is empty. Export the members with a header row and try again."),
    "no_members": _(
        "The file has a header row but no members below it. Add one line per member and "
        "upload it again."
    ),
    "not_utf8": _(
        "The file is not UTF-8 text (the first unreadable byte is on line %(line)s). "
        'Save it as "CSV UTF-8" from your spreadsheet and import it again.'
    ),
    "unreadable": _(
        "The file could not be read as CSV (%(detail)s). Check the quotes on this line."
    ),
    "missing_columns": ngettext_lazy(
        "The header row is missing the column %(columns)s. "
        "Add it (it may be left empty where optional).",
        "The header row is missing the columns %(columns)s. "
        "Add them (they may be left empty where optional).",
        "count",
    ),
    "duplicate_header": _(
        "The column “%(column)s” appears more than once in the header row; keep one."
    ),
    "too_many_cells": ngettext_lazy(
        "This row has %(cells)s cell but the header has %(headers)s; "
        "put double quotes around any cell that contains a comma.",
        "This row has %(cells)s cells but the header has %(headers)s; "
        "put double quotes around any cell that contains a comma.",
        "cells",
    ),
    "required": _("This cell is empty; fill in the member's %(column)s."),
    "formula": _(
        "The cell starts with “%(char)s”, which spreadsheets run as a formula; "
        "remove the leading character or put a letter before it."
    ),
    "bad_email": _(
        "“%(value)s” is not a valid email address (expected something like ana@example.org)."
    ),
    "duplicate_email": _(
        "The email %(email)s appears on line %(first)s and again on line %(line)s; "
        "each member must appear once, so remove or merge one of the two lines."
    ),
    "bad_stage": _("Unknown stage “%(value)s”; use one of: %(allowed)s."),
    "bad_channel": _("Unknown channel “%(value)s”; use one of: %(allowed)s."),
    "bad_time_zone": _(
        "Unknown time zone “%(value)s”; use an IANA zone name such as Europe/Madrid or "
        "America/New_York."
    ),
    "too_many_goals": ngettext_lazy(
        "There is %(count)s goal; list at most %(limit)s, separated by “;”.",
        "There are %(count)s goals; list at most %(limit)s, separated by “;”.",
        "count",
    ),
    "excludes_self": _("The member excludes their own email %(email)s; remove it from “exclude”."),
    "control_character": _(
        "The cell contains an invisible control character (U+%(code)s), which often comes "
        "from a damaged export; delete and retype the cell."
    ),
    "bad_exclude": _(
        "“%(value)s” in “exclude” is not a valid email address; list emails separated by “;”."
    ),
    "bad_consent": _(
        "“%(value)s” is not a consent answer; write yes (the member has consented), the day "
        "they consented as YYYY-MM-DD (like 2027-01-15), or leave the cell empty (not yet)."
    ),
    "slot_shape": _(
        "Availability part “%(part)s” is not a day and a time range; write it like “%(example)s”."
    ),
    "slot_day": _("Availability part “%(part)s”: unknown day “%(day)s”; use %(days)s."),
    "slot_time": _(
        "Availability part “%(part)s”: “%(time)s” is not a time; use 24-hour HH:MM between "
        "00:00 and 24:00."
    ),
    "slot_order": _(
        "Availability part “%(part)s”: the end must be after the start on the same day "
        "(a slot cannot run over midnight; split it into two days)."
    ),
    # Found by the member import (tandem.programs.services.member_import).
    "not_csv": _(
        "This is not a CSV file: it looks like %(kind)s. In your spreadsheet choose "
        '"Save as" (or "Download") > "CSV UTF-8", then upload that file.'
    ),
    "utf16": _(
        'The file is UTF-16 text (what spreadsheets call "Unicode text"), not UTF-8. '
        'Save it as "CSV UTF-8" from your spreadsheet and import it again.'
    ),
    "coordinator_row": _(
        "%(email)s coordinates this program; coordinators are not imported as members. "
        "Remove this line."
    ),
    "left_row": _(
        "%(email)s has left this program, and Tandem does not add people back on their "
        "behalf. Remove this line; they can rejoin from the program's page."
    ),
    "cell_too_long": ngettext_lazy(
        "This cell has %(length)s character; the limit is %(limit)s. Shorten it.",
        "This cell has %(length)s characters; the limit is %(limit)s. Shorten it.",
        "length",
    ),
    "tag_too_long": ngettext_lazy(
        "“%(value)s” has %(length)s character; an item may have at most %(limit)s. Shorten it.",
        "“%(value)s” has %(length)s characters; an item may have at most %(limit)s. Shorten it.",
        "length",
    ),
    "in_person_needs_city": _(
        "Meeting in person needs the member's city, which the CSV cannot hold. "
        "Write “video” or “phone” here; the member can choose “in person” with their city "
        "in their intake."
    ),
    "consent_in_future": _(
        "The consent date %(day)s is after today; write the day the member consented, or yes."
    ),
}


class _Number(int):
    """A count that picks the plural form as a number and prints the language's way."""

    def __str__(self) -> str:
        return number_format(int(self), force_grouping=True)


def problem_text(code: str, params: Mapping[str, object]) -> str:
    """Return the problem ``code`` with its ``params`` in the active language."""
    values = {
        name: _Number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in params.items()
    }
    return str(PROBLEMS[code] % values)


def problem_localise(error: RowError) -> RowError:
    """Return the parser's problem with its message in the active language."""
    return replace(error, message=problem_text(error.code, error.params))


def row_problem(line: int, column: str, code: str, /, **params: object) -> RowError:
    """Return a problem the import found on ``line``, in the active language."""
    return RowError(line, column, problem_text(code, params), code, params)
