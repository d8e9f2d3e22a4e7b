"""Parse Tandem's member CSV, the interchange format for intake data.

The format is described in ``docs/member-csv.md``. Parsing never raises on bad
input: every problem becomes a :class:`RowError` whose message says what to
fix. The module is pure Python and never imports Django, so the command line
tool and the Django import share it: a problem's ``message`` is in English, and its ``code``
and ``params`` let the Django side put it in the reader's language.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from tandem.interchange.cells import FORMULA_PREFIXES

__all__ = [
    "CHANNELS",
    "CONSENT_NO",
    "CONSENT_YES",
    "DAYS",
    "HEADERS",
    "MAX_BYTES",
    "MAX_GOALS",
    "OPTIONAL_HEADERS",
    "STAGES",
    "MemberRow",
    "ParseResult",
    "RowError",
    "Slot",
    "SlotError",
    "format_availability",
    "normalise_tag",
    "parse_availability",
    "parse_members_csv",
    "tag_key",
]

MAX_BYTES = 10 * 1024 * 1024
HEADERS: tuple[str, ...] = (
    "email",
    "name",
    "pronouns",
    "time_zone",
    "availability",
    "offers",
    "wants",
    "goals",
    "stage",
    "organisation",
    "department",
    "languages",
    "channel",
    "exclude",
)
# Columns a file may leave out; a missing optional column reads as empty cells.
OPTIONAL_HEADERS: tuple[str, ...] = ("consent",)
CONSENT_YES: tuple[str, ...] = ("yes", "y", "true", "1")
CONSENT_NO: tuple[str, ...] = ("no", "n", "false", "0")
STAGES: tuple[str, ...] = ("student", "early", "mid", "senior", "executive")
CHANNELS: tuple[str, ...] = ("phone", "video", "in person")
DAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_GOALS = 5
DEFAULT_LANGUAGE = "English"

# Messages. Kept as constants so that tests (and translations) use the exact text.
MSG_TOO_LARGE = (
    "The file is {size:,} bytes; the limit is {limit:,} bytes (10 MB). "
    "Split it into smaller files and import them one by one."
)
MSG_EMPTY = "The file is empty. Export the members with a header row and try again."
MSG_NO_MEMBERS = (
    "The file has a header row but no members below it. Add one line per member and "
    "upload it again."
)
MSG_NOT_UTF8 = (
    "The file is not UTF-8 text (the first unreadable byte is on line {line}). "
    'Save it as "CSV UTF-8" from your spreadsheet and import it again.'
)
MSG_UNREADABLE = "The file could not be read as CSV ({detail}). Check the quotes on this line."
MSG_MISSING_COLUMNS = (
    "The header row is missing the column(s): {columns}. "
    "Add them (they may be left empty where optional)."
)
MSG_DUPLICATE_HEADER = "The column {column!r} appears more than once in the header row; keep one."
MSG_TOO_MANY_CELLS = (
    "This row has {cells} cells but the header has {headers}; "
    "put double quotes around any cell that contains a comma."
)
MSG_REQUIRED = "This cell is empty; fill in the member's {column}."
MSG_FORMULA = (
    "The cell starts with {char!r}, which spreadsheets run as a formula; "
    "remove the leading character or put a letter before it."
)
MSG_BAD_EMAIL = "{value!r} is not a valid email address (expected something like ana@example.org)."
MSG_DUPLICATE_EMAIL = (
    "The email {email} appears on line {first} and again on line {line}; "
    "each member must appear once, so remove or merge one of the two lines."
)
MSG_BAD_STAGE = "Unknown stage {value!r}; use one of: {allowed}."
MSG_BAD_CHANNEL = "Unknown channel {value!r}; use one of: {allowed}."
MSG_BAD_TIME_ZONE = (
    "Unknown time zone {value!r}; use an IANA zone name such as Europe/Madrid or America/New_York."
)
MSG_TOO_MANY_GOALS = "There are {count} goals; list at most {limit}, separated by ';'."
MSG_EXCLUDES_SELF = "The member excludes their own email {email}; remove it from 'exclude'."
MSG_CONTROL_CHARACTER = (
    "The cell contains an invisible control character (U+{code}), which often comes from "
    "a damaged export; delete and retype the cell."
)
MSG_BAD_EXCLUDE = (
    "{value!r} in 'exclude' is not a valid email address; list emails separated by ';'."
)
MSG_BAD_CONSENT = (
    "{value!r} is not a consent answer; write yes (the member has consented), the day they "
    "consented as YYYY-MM-DD (like 2027-01-15), or leave the cell empty (not yet)."
)

# Availability messages (raised as ValueError by parse_availability).
MSG_SLOT_SHAPE = (
    'Availability part "{part}" is not a day and a time range; write it like "Mon 18:00-20:00".'
)
MSG_SLOT_DAY = (
    'Availability part "{part}": unknown day {day!r}; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.'
)
MSG_SLOT_TIME = (
    'Availability part "{part}": {time!r} is not a time; use 24-hour HH:MM between 00:00 and 24:00.'
)
MSG_SLOT_ORDER = (
    'Availability part "{part}": the end must be after the start on the same day '
    "(a slot cannot run over midnight; split it into two days)."
)

# Each problem's code and its English message; the code and the message's values travel in
# a RowError (or SlotError), so that a caller can word the problem in another language.
MESSAGES: Mapping[str, str] = {
    "too_large": MSG_TOO_LARGE,
    "empty": MSG_EMPTY,
    "no_members": MSG_NO_MEMBERS,
    "not_utf8": MSG_NOT_UTF8,
    "unreadable": MSG_UNREADABLE,
    "missing_columns": MSG_MISSING_COLUMNS,
    "duplicate_header": MSG_DUPLICATE_HEADER,
    "too_many_cells": MSG_TOO_MANY_CELLS,
    "required": MSG_REQUIRED,
    "formula": MSG_FORMULA,
    "bad_email": MSG_BAD_EMAIL,
    "duplicate_email": MSG_DUPLICATE_EMAIL,
    "bad_stage": MSG_BAD_STAGE,
    "bad_channel": MSG_BAD_CHANNEL,
    "bad_time_zone": MSG_BAD_TIME_ZONE,
    "too_many_goals": MSG_TOO_MANY_GOALS,
    "excludes_self": MSG_EXCLUDES_SELF,
    "control_character": MSG_CONTROL_CHARACTER,
    "bad_exclude": MSG_BAD_EXCLUDE,
    "bad_consent": MSG_BAD_CONSENT,
    "slot_shape": MSG_SLOT_SHAPE,
    "slot_day": MSG_SLOT_DAY,
    "slot_time": MSG_SLOT_TIME,
    "slot_order": MSG_SLOT_ORDER,
}

REQUIRED_COLUMNS: tuple[str, ...] = ("email", "name", "time_zone")

# Control characters that white-space folding would keep (NUL, ESC, DEL, ...): they would
# reach the database, the output files and terminals. Tabs, line breaks and the separators
# that str.split() folds away are allowed.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,.]+$")
_SLOT_RE = re.compile(r"^(\S+)\s+(\S+?)\s*[-\u2013]\s*(\S+)$")
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def _day_key(name: str) -> str:
    """Return how a day's name is looked up: case, accents and a final dot do not count.

    >>> _day_key("Mié."), _day_key("SÁB")
    ('mie', 'sab')
    """
    folded = unicodedata.normalize("NFKD", name.casefold().rstrip("."))
    return "".join(char for char in folded if not unicodedata.combining(char))


_DAY_INDEX = {_day_key(name): i for i, name in enumerate(DAYS)} | {
    _day_key(full): i
    for i, full in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
}


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly free slot in the member's local time.

    ``day`` is 0 for Monday to 6 for Sunday; ``start`` and ``end`` are minutes
    from local midnight with ``0 <= start < end <= 1440``.
    """

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class MemberRow:
    """One valid member line of the CSV, normalised."""

    line: int
    email: str
    name: str
    pronouns: str
    time_zone: str
    availability: tuple[Slot, ...]
    offers: tuple[str, ...]
    wants: tuple[str, ...]
    goals: tuple[str, ...]
    stage: str
    organisation: str
    department: str
    languages: tuple[str, ...]
    channel: str
    exclude: tuple[str, ...]
    # The member consented per the file ("yes" or a date); ``consent_on`` is the date if given.
    consent: bool = False
    consent_on: date | None = None


@dataclass(frozen=True)
class RowError:
    """A problem found in the file.

    ``line`` is the 1-based line in the file (the header is line 1; 0 when the
    problem concerns the whole file), ``column`` the header name or ``""`` for
    a file-level problem.
    """

    line: int
    column: str
    message: str
    # The problem's key in MESSAGES and the values its message names, for other languages.
    code: str = field(default="", compare=False)
    params: Mapping[str, object] = field(default_factory=dict, compare=False)


def _error(line: int, column: str, code: str, /, **params: object) -> RowError:
    return RowError(line, column, MESSAGES[code].format(**params), code, params)


class SlotError(ValueError):
    """An availability text that cannot be read; ``str()`` says why in English."""

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(MESSAGES[code].format(**params))
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ParseResult:
    """Valid rows and all problems found; a row with any problem is left out of ``rows``.

    ``rejected`` holds the rows with problems as far as they could be read (an unreadable
    cell is empty, an unknown time zone UTC), so that callers can check them further and
    report every problem at once; they must never be imported.
    """

    rows: tuple[MemberRow, ...]
    errors: tuple[RowError, ...]
    rejected: tuple[MemberRow, ...] = ()


def normalise_tag(text: str) -> str:
    """Return the display form of a tag: stripped, inner whitespace collapsed.

    >>> normalise_tag("  public   speaking ")
    'public speaking'
    """
    return " ".join(text.split())


def tag_key(text: str) -> str:
    """Return the comparison key of a tag (display form, case-folded).

    >>> tag_key("Public  Speaking") == tag_key("public speaking")
    True
    """
    return normalise_tag(text).casefold()


def _parse_time(part: str, text: str) -> int:
    match = _TIME_RE.match(text)
    if match is None:
        raise SlotError("slot_time", part=part, time=text)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise SlotError("slot_time", part=part, time=text)
    return hours * 60 + minutes


def parse_availability(text: str, *, days: Sequence[str] = ()) -> tuple[Slot, ...]:
    """Parse weekly slots such as ``"Mon 18:00-20:00; Wed 07:30-09:00"``.

    Slots are returned sorted; overlapping or touching slots on the same day
    are merged. An empty text gives no slots.

    Parameters
    ----------
    text : str
        Slots separated by ``;``, each a day and a 24-hour time range.
    days : sequence of str, optional
        Seven more day abbreviations, Monday first (those of the reader's language), accepted
        beside the English ones. Days are matched ignoring case, accents and a final dot.

    Raises
    ------
    SlotError
        A ``ValueError`` whose message names the part that could not be read; for an unknown
        day its ``params["days"]`` lists the abbreviations to use.

    Examples
    --------
    >>> parse_availability("Wed 07:30-09:00; mon 18:00-24:00")
    (Slot(day=0, start=1080, end=1440), Slot(day=2, start=450, end=540))
    >>> parse_availability("mié 18:00-19:00", days=("lun", "mar", "mié", "jue", "vie", "sáb", "dom"))
    (Slot(day=2, start=1080, end=1140),)
    """
    index = _DAY_INDEX | {_day_key(name): i for i, name in enumerate(days)}
    slots: list[Slot] = []
    for raw in text.split(";"):
        part = " ".join(raw.split())
        if not part:
            continue
        match = _SLOT_RE.match(part)
        if match is None:
            raise SlotError("slot_shape", part=part, example=f"{(days or DAYS)[0]} 18:00-20:00")
        day_text, start_text, end_text = match.groups()
        day = index.get(_day_key(day_text))
        if day is None:
            raise SlotError("slot_day", part=part, day=day_text, days=", ".join(days or DAYS))
        start = _parse_time(part, start_text)
        end = _parse_time(part, end_text)
        if start == 1440 or end <= start:
            raise SlotError("slot_order", part=part)
        slots.append(Slot(day, start, end))
    slots.sort()
    merged: list[Slot] = []
    for slot in slots:
        if merged and merged[-1].day == slot.day and slot.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Slot(last.day, last.start, max(last.end, slot.end))
        else:
            merged.append(slot)
    return tuple(merged)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_availability(slots: Iterable[Slot], *, days: Sequence[str] = DAYS) -> str:
    """Format slots back to the CSV form (the inverse of :func:`parse_availability`).

    ``days`` names the days, Monday first: the CSV's English abbreviations unless given.

    >>> format_availability([Slot(0, 1080, 1200), Slot(2, 450, 540)])
    'Mon 18:00-20:00; Wed 07:30-09:00'
    """
    return "; ".join(f"{days[s.day]} {_hhmm(s.start)}-{_hhmm(s.end)}" for s in slots)


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _valid_time_zone(name: str) -> bool:
    # The listing excludes files that ZoneInfo would also load but that are not
    # zones a person means ("posixrules", "Factory", "localtime").
    return name in _time_zones()


def _split_list(text: str) -> list[str]:
    return [normalise_tag(part) for part in text.split(";") if normalise_tag(part)]


class _TagCanon:
    """Map each tag to the first spelling seen in the file."""

    def __init__(self) -> None:
        self._display: dict[str, str] = {}

    def canon(self, items: Iterable[str]) -> tuple[str, ...]:
        out: list[str] = []
        seen: set[str] = set()
        for item in items:
            key = item.casefold()
            if key in seen:
                continue
            seen.add(key)
            out.append(self._display.setdefault(key, item))
        return tuple(out)


def _decode(data: bytes) -> tuple[str | None, RowError | None]:
    if len(data) > MAX_BYTES:
        return None, _error(0, "", "too_large", size=len(data), limit=MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, _error(0, "", "not_utf8", line=line)
    if not text.strip():
        return None, _error(0, "", "empty")
    return text, None


def parse_members_csv(data: bytes) -> ParseResult:
    """Parse the member CSV.

    Parameters
    ----------
    data : bytes
        The file's content, UTF-8 (a byte-order mark is accepted).

    Returns
    -------
    ParseResult
        Valid rows in file order, and every problem found. A row with any
        problem is left out of ``rows``; nothing is raised for bad input.

    Examples
    --------
    >>> result = parse_members_csv(
    ...     b"email,name,pronouns,time_zone,availability,offers,wants,goals,stage,"
    ...     b"organisation,department,languages,channel,exclude\\n"
    ...     b"Ana@Example.org,Ana,she/her,Europe/Madrid,Wed 18:00-20:00,"
    ...     b"Spanish,skiing,,mid,,,,video,\\n"
    ... )
    >>> result.errors
    ()
    >>> row = result.rows[0]
    >>> row.email, row.offers, row.languages
    ('ana@example.org', ('Spanish',), ('English',))
    """
    text, error = _decode(data)
    if error is not None or text is None:
        return ParseResult((), (error,) if error else ())
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RowError] = []
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        return ParseResult((), (_error(1, "", "unreadable", detail=str(exc)),))
    names = [cell.strip().lower() for cell in header]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in (*HEADERS, *OPTIONAL_HEADERS) and name in index:
            errors.append(_error(1, name, "duplicate_header", column=name))
        index.setdefault(name, i)
    missing = [name for name in HEADERS if name not in index]
    if missing:
        errors.append(
            _error(1, "", "missing_columns", columns=", ".join(missing), count=len(missing))
        )
    if errors:
        return ParseResult((), tuple(errors))

    rows: list[MemberRow] = []
    rejected: list[MemberRow] = []
    first_line_of: dict[str, int] = {}
    canon = _TagCanon()
    previous_end = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(_error(previous_end + 1, "", "unreadable", detail=str(exc)))
            break
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row, row_errors = _parse_record(record, line, index, len(header), canon)
        if row is not None and _EMAIL_RE.match(row.email):
            first = first_line_of.get(row.email)
            if first is not None:
                row_errors.append(
                    _error(
                        line, "email", "duplicate_email", email=row.email, first=first, line=line
                    )
                )
            else:
                first_line_of[row.email] = line
        errors.extend(row_errors)
        if row is not None:
            (rejected if row_errors else rows).append(row)
    if not rows and not errors:
        errors.append(_error(0, "", "no_members"))
    return ParseResult(tuple(rows), tuple(errors), tuple(rejected))


def _parse_record(
    record: list[str],
    line: int,
    index: dict[str, int],
    header_len: int,
    canon: _TagCanon,
) -> tuple[MemberRow | None, list[RowError]]:
    errors: list[RowError] = []
    if len(record) > header_len and any(cell.strip() for cell in record[header_len:]):
        errors.append(_error(line, "", "too_many_cells", cells=len(record), headers=header_len))
        return None, errors
    raw: dict[str, str] = {name: "" for name in OPTIONAL_HEADERS}
    # A formula cell or one with a control character is reported and then read as empty, so
    # the row's other cells are still checked (every problem at once), without a second
    # "empty" message for the same cell.
    refused: set[str] = set()
    for name in (*HEADERS, *(n for n in OPTIONAL_HEADERS if n in index)):
        i = index[name]
        cell = record[i] if i < len(record) else ""
        control = _CONTROL_RE.search(cell)
        if control is not None:
            errors.append(
                _error(line, name, "control_character", code=f"{ord(control.group()):04X}")
            )
            raw[name] = ""
            refused.add(name)
            continue
        stripped = cell.lstrip(" ")
        if stripped and stripped[0] in FORMULA_PREFIXES:
            errors.append(_error(line, name, "formula", char=stripped[0]))
            raw[name] = ""
            refused.add(name)
            continue
        raw[name] = " ".join(cell.split()) if name != "availability" else cell.strip()

    for name in REQUIRED_COLUMNS:
        if not raw[name] and name not in refused:
            errors.append(_error(line, name, "required", column=name.replace("_", " ")))

    email = raw["email"].lower()
    if email and not _EMAIL_RE.match(email):
        errors.append(_error(line, "email", "bad_email", value=raw["email"]))

    zone = raw["time_zone"]
    if zone and not _valid_time_zone(zone):
        errors.append(_error(line, "time_zone", "bad_time_zone", value=zone))
    if not zone or not _valid_time_zone(zone):
        zone = "UTC"  # only in a rejected row: a valid row has a valid zone

    availability: tuple[Slot, ...] = ()
    try:
        availability = parse_availability(raw["availability"])
    except SlotError as exc:
        errors.append(RowError(line, "availability", str(exc), exc.code, exc.params))

    stage = raw["stage"].lower()
    if stage and stage not in STAGES:
        errors.append(
            _error(line, "stage", "bad_stage", value=raw["stage"], allowed=", ".join(STAGES))
        )
    channel = raw["channel"].lower()
    if channel and channel not in CHANNELS:
        errors.append(
            _error(
                line, "channel", "bad_channel", value=raw["channel"], allowed=", ".join(CHANNELS)
            )
        )

    goals = canon.canon(_split_list(raw["goals"]))
    if len(goals) > MAX_GOALS:
        errors.append(_error(line, "goals", "too_many_goals", count=len(goals), limit=MAX_GOALS))

    exclude: list[str] = []
    for item in _split_list(raw["exclude"]):
        value = item.lower()
        if not _EMAIL_RE.match(value):
            errors.append(_error(line, "exclude", "bad_exclude", value=item))
        elif value == email:
            errors.append(_error(line, "exclude", "excludes_self", email=email))
        elif value not in exclude:
            exclude.append(value)

    consent, consent_on = _parse_consent(raw["consent"])
    if consent is None:
        errors.append(_error(line, "consent", "bad_consent", value=raw["consent"]))

    languages = canon.canon(_split_list(raw["languages"])) or (DEFAULT_LANGUAGE,)
    row = MemberRow(
        line=line,
        email=email,
        name=raw["name"],
        pronouns=raw["pronouns"],
        time_zone=zone,
        availability=availability,
        offers=canon.canon(_split_list(raw["offers"])),
        wants=canon.canon(_split_list(raw["wants"])),
        goals=goals,
        stage=stage,
        organisation=raw["organisation"],
        department=raw["department"],
        languages=languages,
        channel=channel,
        exclude=tuple(exclude),
        consent=bool(consent),
        consent_on=consent_on,
    )
    return row, errors


def _parse_consent(text: str) -> tuple[bool | None, date | None]:
    """Read a consent cell: (consented, on which day); ``(None, None)`` when unreadable.

    >>> _parse_consent("Yes"), _parse_consent(""), _parse_consent("2027-01-15")
    ((True, None), (False, None), (True, datetime.date(2027, 1, 15)))
    """
    value = text.strip().casefold()
    if value in CONSENT_YES:
        return True, None
    if not value or value in CONSENT_NO:
        return False, None
    try:
        return True, date.fromisoformat(value)
    except ValueError:
        return None, None
