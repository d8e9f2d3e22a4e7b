"""The ``tandem`` command: match members from a member CSV, no database needed.

Usage: ``tandem match members.csv --format pairs --out matches.csv``
(``python -m tandem.cli`` works too). See ``docs/matching.md``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tandem.interchange.members_csv import MSG_NO_MEMBERS as MSG_FILE_HAS_NO_MEMBERS
from tandem.interchange.members_csv import MemberRow, parse_members_csv
from tandem.matching.engine import MatchConfig, MatchResult, Member, Slot, match_members

__all__ = ["OUTPUT_COLUMNS", "main", "member_from_row"]

OUTPUT_COLUMNS = ("group", "status", "email", "name", "partners", "score", "reasons")
EXIT_BAD_INPUT = 2
MSG_NO_MEMBERS = (
    "{path} has a header row but no member lines; add one line per member "
    "(see docs/member-csv.md) and run again."
)
REASON_SEPARATOR = " | "


def member_from_row(row: MemberRow) -> Member:
    """Convert a parsed CSV row to an engine member (the email is the id)."""
    return Member(
        id=row.email,
        name=row.name,
        time_zone=row.time_zone,
        availability=tuple(Slot(s.day, s.start, s.end) for s in row.availability),
        offers=row.offers,
        wants=row.wants,
        goals=row.goals,
        stage=row.stage,
        organisation=row.organisation,
        department=row.department,
        languages=row.languages,
        exclude=frozenset(row.exclude),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tandem", description="Tandem peer-mentoring tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("match", help="match the members of a member CSV")
    m.add_argument("members", type=Path, help="member CSV (see docs/member-csv.md)")
    m.add_argument("--format", choices=("pairs", "circles"), default="pairs")
    m.add_argument("--out", type=Path, required=True, help="output CSV")
    m.add_argument("--json", action="store_true", help="print the full result as JSON")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--allow-trios", action="store_true")
    m.add_argument("--circle-size", type=int, default=4, choices=(3, 4, 5))
    m.add_argument("--maximise-matched", action="store_true")
    m.add_argument(
        "--both-gain",
        choices=("off", "skill_swap", "shared_goals"),
        default="off",
        help="pairs where both gain first: a skill swap, or shared goals (default: off)",
    )
    m.add_argument("--fairness", action="store_true")
    m.add_argument("--allow-repeats", action="store_true")
    m.add_argument(
        "--exact",
        action="store_true",
        help="solve exactly at any size (above 20,000 members the default is a relaxation "
        "within a proven bound, much faster)",
    )
    m.add_argument(
        "--reference-date",
        type=dt.date.fromisoformat,
        default=None,
        help="a day of the week the schedule applies to (YYYY-MM-DD; default today)",
    )
    return parser


def _write_csv(path: Path, result: MatchResult, names: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for number, group in enumerate(result.groups, start=1):
            for email in group.members:
                partners = ";".join(x for x in group.members if x != email)
                writer.writerow(
                    (
                        number,
                        "locked" if group.locked else "matched",
                        email,
                        names[email],
                        partners,
                        f"{group.score:.3f}",
                        REASON_SEPARATOR.join(group.reasons),
                    )
                )
        for item in result.unmatched:
            writer.writerow(("", "unmatched", item.member, names[item.member], "", "", item.reason))


def _summary(result: MatchResult, out: TextIO) -> None:
    s = result.stats
    print(
        f"Matched {s.matched} of {s.members} members in {s.groups} groups; "
        f"mean score {s.mean_score:.3f}, lowest {s.min_score:.3f}.",
        file=out,
    )
    if not s.exact:
        print(
            f"Solved within a proven {s.certified_gap:.4%} of the best possible total "
            "(assignment relaxation with exact repair; --exact to solve exactly).",
            file=out,
        )
    if result.unmatched:
        print(f"Unmatched ({len(result.unmatched)}):", file=out)
        for item in result.unmatched:
            print(f"  {item.member}: {item.reason}", file=out)


def _match(args: argparse.Namespace) -> int:
    try:
        data = args.members.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.members}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parsed = parse_members_csv(data)
    if not parsed.rows and [e.message for e in parsed.errors] in ([], [MSG_FILE_HAS_NO_MEMBERS]):
        # The parser's own wording speaks of uploading; on the command line, name the file.
        print(MSG_NO_MEMBERS.format(path=args.members), file=sys.stderr)
        return EXIT_BAD_INPUT
    if parsed.errors:
        for error in parsed.errors:
            column = error.column or "-"
            print(f"line {error.line}, column {column}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    members = [member_from_row(row) for row in parsed.rows]
    config = MatchConfig(
        reference_date=args.reference_date or dt.date.today(),
        format=args.format,
        circle_size=args.circle_size,
        allow_trios=args.allow_trios,
        maximise_matched=args.maximise_matched,
        both_gain=args.both_gain,
        fairness=args.fairness,
        allow_repeats=args.allow_repeats,
        seed=args.seed,
        exact_limit=None if args.exact else MatchConfig.exact_limit,
    )
    result = match_members(members, config)
    _write_csv(args.out, result, {m.id: m.name for m in members})
    if args.json:
        json.dump(dataclasses.asdict(result), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        _summary(result, sys.stderr)
    else:
        _summary(result, sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tandem`` command; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "match":
        return _match(args)
    return EXIT_BAD_INPUT  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
