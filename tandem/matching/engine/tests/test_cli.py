"""The ``tandem match`` command, run as a subprocess on small CSVs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from tandem.cli import MSG_NO_MEMBERS, _summary
from tandem.interchange.members_csv import HEADERS, MSG_CONTROL_CHARACTER
from tandem.matching.engine import MatchResult, MatchStats

ROOT = Path(__file__).resolve().parents[4]

ROWS = [
    "ana@example.org,Ana,she/her,Europe/Madrid,Wed 18:00-20:00,Spanish,skiing,"
    "leadership,mid,Acme,Sales,,video,",
    "ben@example.org,Ben,he/him,America/New_York,Wed 12:00-14:00,skiing,Spanish,"
    "leadership,mid,Acme,IT,,video,",
    "cy@example.org,Cy,,Europe/London,Sat 01:00-02:00,chess,,,,,,,,",
]


def run(tmp_path: Path, rows: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "members.csv"
    source.write_text(",".join(HEADERS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "tandem.cli", "match", str(source)]
    command += ["--out", str(tmp_path / "out.csv"), "--reference-date", "2027-01-06", *args]
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        command, capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_match_writes_csv_and_summary(tmp_path: Path) -> None:
    done = run(tmp_path, ROWS)
    assert done.returncode == 0, done.stderr
    assert "Matched 2 of 3 members in 1 groups" in done.stdout
    assert "cy@example.org: no one shares a free hour" in done.stdout
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["email"] for r in rows] == ["ana@example.org", "ben@example.org", "cy@example.org"]
    assert rows[0]["partners"] == "ben@example.org"
    assert rows[0]["status"] == "matched"
    assert rows[0]["reasons"].startswith("Ana teaches Spanish to Ben; Ben teaches skiing to Ana | ")
    assert rows[2]["status"] == "unmatched"


def test_json_output(tmp_path: Path) -> None:
    done = run(tmp_path, ROWS, "--json", "--seed", "3")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["groups"][0]["members"] == ["ana@example.org", "ben@example.org"]
    assert result["unmatched"] == [
        {"member": "cy@example.org", "reason": "no one shares a free hour"}
    ]
    assert result["stats"]["matched"] == 2
    assert result["stats"]["exact"] is True
    assert result["stats"]["certified_gap"] == 0.0


def test_summary_states_the_proven_bound_of_a_large_run() -> None:
    stats = MatchStats(100_000, 100_000, 50_000, 0.64, 0.33, 32_000.0, 1_338_578, False, 3.6e-6)
    out = io.StringIO()
    _summary(MatchResult((), (), stats), out)
    assert "Solved within a proven 0.0004% of the best possible total" in out.getvalue()
    assert "--exact to solve exactly" in out.getvalue()


def test_bad_rows_are_listed_and_exit_2(tmp_path: Path) -> None:
    bad = [*ROWS[:2], "dan@example.org,Dan,,Mars/Base,,,,,guru,,,,,"]
    done = run(tmp_path, bad)
    assert done.returncode == 2
    assert "line 4, column time_zone: Unknown time zone 'Mars/Base'" in done.stderr
    assert "line 4, column stage: Unknown stage 'guru'" in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_circles_format(tmp_path: Path) -> None:
    rows = [
        f"m{k}@example.org,M{k},,Europe/London,Mon 18:00-20:00,s{k % 3},s{(k + 1) % 3},,,,,,,"
        for k in range(6)
    ]
    done = run(tmp_path, rows, "--format", "circles", "--circle-size", "3")
    assert done.returncode == 0, done.stderr
    assert "Matched 6 of 6 members in 2 groups" in done.stdout


def test_a_file_with_a_header_and_no_members_says_so_and_exits_2(tmp_path: Path) -> None:
    done = run(tmp_path, ["", ",,,,,,,,,,,,,"])
    assert done.returncode == 2
    assert done.stderr == MSG_NO_MEMBERS.format(path=tmp_path / "members.csv") + "\n"
    assert "Matched" not in done.stdout
    assert not (tmp_path / "out.csv").exists()


def test_a_nul_byte_in_a_cell_is_refused_with_its_line(tmp_path: Path) -> None:
    nul = ROWS[2].replace("Cy,", "C\x00y,")
    done = run(tmp_path, [*ROWS[:2], nul])
    assert done.returncode == 2
    assert done.stderr == (f"line 4, column name: {MSG_CONTROL_CHARACTER.format(code='0000')}\n")
    assert "\x00" not in done.stdout + done.stderr
    assert not (tmp_path / "out.csv").exists()
