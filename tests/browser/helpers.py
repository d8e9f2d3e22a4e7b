"""Helpers shared by the journeys in this folder: signing in, the worker, screenshots.

A normal test run never changes tracked files: screenshots go to ``test-results/``.
``make screenshots`` sets ``TANDEM_SCREENSHOTS=1`` to refresh the ones the README shows
in ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from tandem.programs.tests.factories import PASSWORD

_BASE = Path(settings.BASE_DIR)
SCREENSHOTS = (
    _BASE / "docs" / "screenshots"
    if os.environ.get("TANDEM_SCREENSHOTS")
    else _BASE / "test-results" / "screenshots"
)
FAILURES = _BASE / "test-results" / "failures"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
FAILURES.mkdir(parents=True, exist_ok=True)


def run_worker() -> None:
    """Run the real django-tasks-db worker over everything queued so far."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def link_in_last_email(to: str, pattern: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    found = re.search(pattern, str(message.body))
    assert found, message.body
    return found.group(0)


def watch_for_problems(page: Page) -> list[str]:
    """Collect script errors and CSP refusals (console errors); the site has no favicon."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@contextmanager
def failure_shots(pages: dict[str, Page]) -> Iterator[None]:
    """On an error, save each page (file name -> page) in ``FAILURES`` and re-raise."""
    try:
        yield
    except Exception:
        for name, page in pages.items():
            page.screenshot(path=str(FAILURES / name), full_page=True)
        raise


def cell(page: Page, day: int, minute: int) -> Any:
    """Return the availability grid's cell for ``day`` (0 is Monday) at ``minute``."""
    return page.locator(f'td:has(input[name="availability"][value="{day}-{minute}"])')


def sign_in_as(page: Page, live_server: Any, user: Any) -> None:
    """Give the browser a signed-in session for ``user``, without the sign-in form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name=email)).to_be_visible()


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
