"""Browser-test fixtures: Debian's Chromium for Playwright, live-server glue.

Every test that drives a browser lives in this folder and carries the ``browser`` marker.
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser import axe

# pytest-django's live_server and Playwright's sync API share the main thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TANDEM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests where no Chromium is installed, except in CI where that is an error."""
    if chromium_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"Browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium"
        )
    skip = pytest.mark.skip(reason="Chromium not found: apt-get install -y chromium to run these")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "timezone_id": "Europe/Madrid",
        "locale": "en-GB",
    }


@pytest.fixture(scope="session", autouse=True)
def _axe_on_every_page() -> Iterator[None]:
    """Check every page of every browser context the tests open with axe-core (axe.py)."""
    if not axe.enabled():
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        axe.install(patch, Browser)
        yield


@pytest.fixture(autouse=True)
def _no_axe_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the browser test whose pages broke a WCAG 2.2 AA rule, naming each violation."""
    seen = len(axe.FINDINGS.violations), len(axe.FINDINGS.errors)
    yield
    if "browser" not in request.keywords:
        return
    axe.drain()
    found = axe.FINDINGS.violations[seen[0] :]
    errors = axe.FINDINGS.errors[seen[1] :]
    if found or errors:
        pytest.fail(
            "axe-core found accessibility problems:\n  " + "\n  ".join(found + errors),
            pytrace=False,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Hand a worker's pages checked and violations to the controller (pytest-xdist)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["axe_checked"] = sorted(axe.FINDINGS.checked)
        output["axe_violations"] = len(axe.FINDINGS.violations)


def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {})
    axe.FINDINGS.checked.update(output.get("axe_checked", ()))
    axe.FINDINGS.violations.extend(["(in a worker)"] * output.get("axe_violations", 0))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if axe.FINDINGS.checked:
        swaps = sum(1 for key in axe.FINDINGS.checked if " | after htmx swapped " in key)
        terminalreporter.write_line(
            f"axe-core: {len(axe.FINDINGS.checked)} pages checked at desktop and phone width "
            f"({swaps} of them after an htmx swap), {len(axe.FINDINGS.violations)} violations"
        )
