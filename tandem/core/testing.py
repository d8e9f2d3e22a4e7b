"""Helpers shared by the browser tests.

A normal test run never changes tracked files: screenshots go to ``test-results/``.
``make screenshots`` sets ``TANDEM_SCREENSHOTS=1`` to refresh the ones the README shows
in ``docs/screenshots/``.
"""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

_BASE = Path(settings.BASE_DIR)
SCREENSHOTS = (
    _BASE / "docs" / "screenshots"
    if os.environ.get("TANDEM_SCREENSHOTS")
    else _BASE / "test-results" / "screenshots"
)
FAILURES = _BASE / "test-results" / "failures"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
FAILURES.mkdir(parents=True, exist_ok=True)


def drag_across(page: Any, locators: Sequence[Any]) -> None:
    """Press on the first element and drag through the others, as a person's mouse would.

    The elements are scrolled into view first: a scroll during the drag would sweep
    whatever passes under the pointer.
    """
    locators[-1].scroll_into_view_if_needed()
    locators[0].scroll_into_view_if_needed()
    page.mouse.move(*_centre(locators[0]))
    page.mouse.down()
    for locator in locators[1:]:
        page.mouse.move(*_centre(locator), steps=3)
    page.mouse.up()


def _centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None, "the element is not visible"
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
