"""What the programs app asks of the apps above it (see core/slots).

A new program starts with what the apps above it suggest to every program (the worksheets
partners fill in together), so ``program_create`` calls :func:`program_created` in its
transaction; the worksheets app fills it in ``WorksheetsConfig.ready()``.

Closing a program ends its live partnerships the way any partnership ends, so
``program_update`` calls :func:`program_closing` in its transaction when the status becomes
"closed"; the partnerships app fills it in ``PartnershipsConfig.ready()``.
"""

from typing import Any

from tandem.core.slots import slot
from tandem.programs.models import Program


@slot
def program_created(*, program: Program, creator: Any) -> None:
    """Give a program just created what every new program starts with (nothing by default)."""
    return None


@slot
def program_closing(*, program: Program, actor: Any) -> None:
    """End what still runs in a program a coordinator is closing (nothing by default)."""
    return None
