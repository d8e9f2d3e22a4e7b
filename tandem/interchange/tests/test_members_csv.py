"""Tests for the member CSV parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.interchange import members_csv as m
from tandem.interchange.members_csv import (
    HEADERS,
    MAX_BYTES,
    RowError,
    Slot,
    format_availability,
    normalise_tag,
    parse_availability,
    parse_members_csv,
    tag_key,
)
from tandem.interchange.tests.csv_rows import HEADER, csv_bytes, quote, row


def only_error(data: bytes) -> RowError:
    result = parse_members_csv(data)
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_valid_row_is_normalised() -> None:
    result = parse_members_csv(
        csv_bytes(
            row(
                email=" Ana@Example.ORG ",
                offers="Spanish;  public   speaking ;spanish",
                languages="",
                stage="Mid",
                availability="wed 18:00 - 20:00; Mon 07:30-09:00",
                exclude="Ben@example.org",
            )
        )
    )
    assert result.errors == ()
    (member,) = result.rows
    assert member.line == 2
    assert member.email == "ana@example.org"
    assert member.offers == ("Spanish", "public speaking")
    assert member.languages == ("English",)
    assert member.stage == "mid"
    assert member.availability == (Slot(0, 450, 540), Slot(2, 1080, 1200))
    assert member.exclude == ("ben@example.org",)


def test_first_seen_spelling_is_display_form_across_file() -> None:
    result = parse_members_csv(
        csv_bytes(
            row(offers="Public Speaking", goals=""),
            row(email="ben@example.org", wants="public  speaking", offers="skiing"),
        )
    )
    assert result.errors == ()
    assert result.rows[1].wants == ("Public Speaking",)


def test_extra_columns_are_ignored_and_order_is_free() -> None:
    header = ",".join(reversed(HEADERS)) + ",notes"
    values = row().split(",")
    data = (header + "\n" + ",".join(reversed(values)) + ",hello\n").encode()
    result = parse_members_csv(data)
    assert result.errors == ()
    assert result.rows[0].name == "Ana Souza"


def test_utf8_bom_is_accepted() -> None:
    result = parse_members_csv(b"\xef\xbb\xbf" + csv_bytes(row(name="Zoë")))
    assert result.errors == ()
    assert result.rows[0].name == "Zoë"


def test_file_over_limit_is_rejected() -> None:
    data = b"x" * (MAX_BYTES + 1)
    assert only_error(data) == RowError(
        0, "", m.MSG_TOO_LARGE.format(size=MAX_BYTES + 1, limit=MAX_BYTES)
    )


@pytest.mark.parametrize("data", [b"", b"  \n\n"])
def test_empty_file_is_rejected(data: bytes) -> None:
    assert only_error(data) == RowError(0, "", m.MSG_EMPTY)


def test_non_utf8_file_names_line_and_suggests_utf8() -> None:
    data = csv_bytes(row()) + "ben@example.org,Zoë".encode("latin-1")
    error = only_error(data)
    assert error == RowError(0, "", m.MSG_NOT_UTF8.format(line=3))
    assert "UTF-8" in error.message


def test_missing_columns_are_named() -> None:
    header = ",".join(h for h in HEADERS if h not in {"stage", "exclude"})
    assert only_error(csv_bytes(header=header)) == RowError(
        1, "", m.MSG_MISSING_COLUMNS.format(columns="stage, exclude")
    )


def test_duplicate_emails_name_both_lines() -> None:
    data = csv_bytes(row(), row(name="Other"), row(email="ANA@example.org"))
    result = parse_members_csv(data)
    assert [r.line for r in result.rows] == [2]
    assert result.errors == (
        RowError(
            3, "email", m.MSG_DUPLICATE_EMAIL.format(email="ana@example.org", first=2, line=3)
        ),
        RowError(
            4, "email", m.MSG_DUPLICATE_EMAIL.format(email="ana@example.org", first=2, line=4)
        ),
    )


@pytest.mark.parametrize(
    "value", ["ana", "ana@", "ana@example", "a b@example.org", "ana@@example.org"]
)
def test_invalid_email(value: str) -> None:
    assert only_error(csv_bytes(row(email=value))) == RowError(
        2, "email", m.MSG_BAD_EMAIL.format(value=value)
    )


@pytest.mark.parametrize("char", ["=", "+", "-", "@", "\t"])
def test_formula_cells_are_rejected(char: str) -> None:
    value = char + "HYPERLINK(1)"
    assert only_error(csv_bytes(row(name=value))) == RowError(
        2, "name", m.MSG_FORMULA.format(char=char)
    )


def test_formula_after_leading_spaces_is_rejected() -> None:
    assert only_error(csv_bytes(row(offers="  =1+1"))) == RowError(
        2, "offers", m.MSG_FORMULA.format(char="=")
    )


def test_carriage_return_at_cell_start_is_rejected() -> None:
    assert only_error(csv_bytes(row(pronouns="\rthey"))) == RowError(
        2, "pronouns", m.MSG_FORMULA.format(char="\r")
    )


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [("name", "An\x00a", 0), ("offers", "Spanish\x00", 0), ("email", "a\x1b[31m@x.org", 0x1B)],
)
def test_control_characters_are_refused_with_line_and_column(
    column: str, value: str, code: int
) -> None:
    data = csv_bytes(row(email="ben@example.org", name="Ben"), "", row(**{column: value}))
    result = parse_members_csv(data)
    assert [r.email for r in result.rows] == ["ben@example.org"]
    assert result.errors == (
        RowError(4, column, m.MSG_CONTROL_CHARACTER.format(code=f"{code:04X}")),
    )
    assert "U+0000" in m.MSG_CONTROL_CHARACTER.format(code="0000")


def test_line_breaks_and_tabs_inside_a_cell_are_still_fine() -> None:
    result = parse_members_csv(csv_bytes(row(name="Ana\nMaria", department="Sales\tEMEA")))
    assert result.errors == ()
    assert (result.rows[0].name, result.rows[0].department) == ("Ana Maria", "Sales EMEA")


def test_unknown_stage_lists_allowed_values() -> None:
    error = only_error(csv_bytes(row(stage="guru")))
    assert error == RowError(
        2,
        "stage",
        m.MSG_BAD_STAGE.format(value="guru", allowed="student, early, mid, senior, executive"),
    )


def test_unknown_channel_lists_allowed_values() -> None:
    error = only_error(csv_bytes(row(channel="fax")))
    assert error == RowError(
        2, "channel", m.MSG_BAD_CHANNEL.format(value="fax", allowed="phone, video, in person")
    )


def test_in_person_channel_is_accepted() -> None:
    assert parse_members_csv(csv_bytes(row(channel="In  Person"))).rows[0].channel == "in person"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "posixrules", "../etc/passwd", "CET+1"])
def test_bad_time_zone(zone: str) -> None:
    assert only_error(csv_bytes(row(time_zone=zone))) == RowError(
        2, "time_zone", m.MSG_BAD_TIME_ZONE.format(value=zone)
    )


def test_bad_availability_names_the_part() -> None:
    error = only_error(csv_bytes(row(availability="Mon 18:00-20:00; Wed 9-10")))
    assert error == RowError(2, "availability", m.MSG_SLOT_TIME.format(part="Wed 9-10", time="9"))


def test_more_than_five_goals() -> None:
    assert only_error(csv_bytes(row(goals="a;b;c;d;e;f"))) == RowError(
        2, "goals", m.MSG_TOO_MANY_GOALS.format(count=6, limit=5)
    )


def test_five_goals_are_fine_and_duplicates_count_once() -> None:
    result = parse_members_csv(csv_bytes(row(goals="a;b;c;d;e;E")))
    assert result.rows[0].goals == ("a", "b", "c", "d", "e")


def test_member_excluding_themselves() -> None:
    assert only_error(csv_bytes(row(exclude="ben@example.org; ANA@example.org"))) == RowError(
        2, "exclude", m.MSG_EXCLUDES_SELF.format(email="ana@example.org")
    )


def test_bad_exclude_email() -> None:
    assert only_error(csv_bytes(row(exclude="ben"))) == RowError(
        2, "exclude", m.MSG_BAD_EXCLUDE.format(value="ben")
    )


@pytest.mark.parametrize("column", ["email", "name", "time_zone"])
def test_required_cells(column: str) -> None:
    assert only_error(csv_bytes(row(**{column: ""}))) == RowError(
        2, column, m.MSG_REQUIRED.format(column=column.replace("_", " "))
    )


def test_row_with_unquoted_comma_is_reported() -> None:
    data = csv_bytes(row() + ",Smith")
    assert only_error(data) == RowError(
        2, "", m.MSG_TOO_MANY_CELLS.format(cells=len(HEADERS) + 1, headers=len(HEADERS))
    )


def test_short_row_takes_empty_cells() -> None:
    short = ",".join(row().split(",")[:5])
    result = parse_members_csv(csv_bytes(short))
    assert result.errors == ()
    assert result.rows[0].offers == ()


def test_line_numbers_count_multiline_cells_and_blank_lines() -> None:
    data = csv_bytes(row(pronouns="she\nher"), "", row(email="ben@example.org", stage="x"))
    result = parse_members_csv(data)
    assert result.rows[0].line == 2
    assert result.errors[0].line == 5


def test_several_errors_in_one_row_are_all_reported() -> None:
    result = parse_members_csv(csv_bytes(row(stage="x", channel="y", time_zone="Nowhere")))
    assert {e.column for e in result.errors} == {"stage", "channel", "time_zone"}
    assert result.rows == ()


def test_unterminated_quote_is_an_error_not_an_exception() -> None:
    data = csv_bytes(row(), 'ben@example.org,"Ben')
    result = parse_members_csv(data)
    assert len(result.rows) == 1
    assert result.errors and result.errors[0].line == 3


# --- availability ---------------------------------------------------------


def test_parse_availability_allows_24_00_end() -> None:
    assert parse_availability("Sun 22:00-24:00") == (Slot(6, 1320, 1440),)


def test_parse_availability_merges_overlaps() -> None:
    assert parse_availability("Mon 08:00-10:00; Mon 09:00-11:00") == (Slot(0, 480, 660),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 18:00", m.MSG_SLOT_SHAPE.format(part="Mon 18:00")),
        ("Fun 18:00-19:00", m.MSG_SLOT_DAY.format(part="Fun 18:00-19:00", day="Fun")),
        ("Mon 18:60-19:00", m.MSG_SLOT_TIME.format(part="Mon 18:60-19:00", time="18:60")),
        ("Mon 25:00-26:00", m.MSG_SLOT_TIME.format(part="Mon 25:00-26:00", time="25:00")),
        ("Mon 24:00-24:00", m.MSG_SLOT_ORDER.format(part="Mon 24:00-24:00")),
        ("Mon 22:00-02:00", m.MSG_SLOT_ORDER.format(part="Mon 22:00-02:00")),
        ("Mon 10:00-10:00", m.MSG_SLOT_ORDER.format(part="Mon 10:00-10:00")),
    ],
)
def test_parse_availability_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_availability(text)
    assert str(info.value) == message


slots = st.builds(
    lambda day, a, b: Slot(day, min(a, b), max(a, b)),
    st.integers(0, 6),
    st.integers(0, 1440),
    st.integers(0, 1440),
).filter(lambda s: s.start < s.end)


@given(st.lists(slots, max_size=8))
def test_format_then_parse_round_trips(values: list[Slot]) -> None:
    parsed = parse_availability(format_availability(values))
    assert parse_availability(format_availability(parsed)) == parsed
    minutes = {(s.day, t) for s in values for t in range(s.start, s.end)}
    assert {(s.day, t) for s in parsed for t in range(s.start, s.end)} == minutes


def test_tags() -> None:
    assert normalise_tag("  Public \t Speaking ") == "Public Speaking"
    assert tag_key("  Public \t Speaking ") == "public speaking"
    assert tag_key("STRASSE") == tag_key("straße")


# Consent (an optional column)


def _with_consent(value: str) -> bytes:
    return csv_bytes(row() + "," + quote(value), header=HEADER + ",consent")


def test_file_without_a_consent_column_records_no_consent() -> None:
    result = parse_members_csv(csv_bytes(row()))
    assert result.errors == ()
    assert (result.rows[0].consent, result.rows[0].consent_on) == (False, None)


@pytest.mark.parametrize("value", ["yes", "Yes", "TRUE", "1", " y "])
def test_consent_yes_is_read(value: str) -> None:
    result = parse_members_csv(_with_consent(value))
    assert result.errors == ()
    assert (result.rows[0].consent, result.rows[0].consent_on) == (True, None)


@pytest.mark.parametrize("value", ["", "no", "False", "0"])
def test_consent_empty_or_no_is_not_consent(value: str) -> None:
    result = parse_members_csv(_with_consent(value))
    assert result.errors == ()
    assert result.rows[0].consent is False


def test_consent_date_is_the_day_of_consent() -> None:
    from datetime import date

    result = parse_members_csv(_with_consent("2027-01-15"))
    assert result.errors == ()
    assert (result.rows[0].consent, result.rows[0].consent_on) == (True, date(2027, 1, 15))


@pytest.mark.parametrize("value", ["maybe", "15/01/2027", "2027-02-30"])
def test_unreadable_consent_names_the_cell_and_the_fix(value: str) -> None:
    assert only_error(_with_consent(value)) == RowError(
        2, "consent", m.MSG_BAD_CONSENT.format(value=value)
    )


def test_consent_column_given_twice_is_an_error() -> None:
    data = csv_bytes(row() + ",yes,yes", header=HEADER + ",consent,Consent")
    assert only_error(data) == RowError(
        1, "consent", m.MSG_DUPLICATE_HEADER.format(column="consent")
    )


def test_a_formula_cell_does_not_hide_the_rows_other_problems() -> None:
    result = parse_members_csv(csv_bytes(row(name="=1+1", time_zone="Nowhere", stage="guru")))
    assert [(e.column, e.message) for e in result.errors] == [
        ("name", m.MSG_FORMULA.format(char="=")),
        ("time_zone", m.MSG_BAD_TIME_ZONE.format(value="Nowhere")),
        ("stage", m.MSG_BAD_STAGE.format(value="guru", allowed=", ".join(m.STAGES))),
    ]
    assert result.rows == ()
    # The row is handed back as read, for further checks, but never as a valid row.
    assert [r.email for r in result.rejected] == ["ana@example.org"]


@pytest.mark.parametrize("extra", ["", "\n\n", ",,,\n"])
def test_a_header_without_members_says_the_file_has_no_members(extra: str) -> None:
    assert only_error((HEADER + "\n" + extra).encode()) == RowError(0, "", m.MSG_NO_MEMBERS)
