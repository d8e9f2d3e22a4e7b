"""Field types shared by the API's routers."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator

MSG_DATETIME_FORMAT = "Give a date and time such as 2027-03-01T18:00:00Z."
_BARE_NUMBER = re.compile(r"\s*[-+]?[\d.]+\s*")


def _reject_bare_numbers(value: object) -> object:
    # pydantic would read a bare number as a Unix timestamp; the schema promises ISO 8601.
    if isinstance(value, int | float) or (isinstance(value, str) and _BARE_NUMBER.fullmatch(value)):
        raise ValueError(MSG_DATETIME_FORMAT)
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_reject_bare_numbers)]
