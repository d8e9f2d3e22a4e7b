"""Member CSV files for tests: one valid row of every column, changed cell by cell."""

from tandem.interchange.members_csv import HEADERS

HEADER = ",".join(HEADERS)


def row(**cells: str) -> str:
    """A valid CSV line for Ana Souza; ``cells`` replace the columns they name."""
    values = {
        "email": "ana@example.org",
        "name": "Ana Souza",
        "pronouns": "she/her",
        "time_zone": "Europe/Madrid",
        "availability": "Wed 18:00-20:00",
        "offers": "Spanish",
        "wants": "skiing",
        "goals": "public speaking",
        "stage": "mid",
        "organisation": "Acme",
        "department": "Sales",
        "languages": "English; Spanish",
        "channel": "video",
        "exclude": "",
    } | cells
    return ",".join(quote(values[h]) for h in HEADERS)


def quote(value: str) -> str:
    """One CSV cell, quoted when it must be."""
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    """The file's bytes: the header line, then ``rows``."""
    return ("\n".join([header, *rows]) + "\n").encode()
