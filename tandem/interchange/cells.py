"""Spreadsheet cells: what a spreadsheet would run as a formula, and how to neutralise it.

Pure Python, shared by the member CSV import (which refuses such cells) and every CSV export
(which quotes them).
"""

from typing import Any

# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """Return the cell as text, with a quote before anything a spreadsheet would run."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
