"""Test-wide fixtures: the injectable clock, inline tasks (browser fixtures: tests/browser/)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Start every test in the site's language: a request in Spanish leaves Spanish active."""
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:  # the engine's doctests run without Django
        yield
        return
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    """Freeze Tandem's clock at a known instant (2027-01-11 09:00 UTC, a Monday)."""
    from tandem.core import clock

    at = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    with clock.frozen(at):
        yield at


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run background tasks inline (for tests that are not about the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def program() -> Any:
    """Return a running program, "Skiers" (a module that needs another defines its own)."""
    from tandem.programs.tests.factories import ProgramFactory

    return ProgramFactory(status="running", name="Skiers")


@pytest.fixture
def coordinator(program: Any, client: Any) -> Any:
    """Return the ``program`` fixture's coordinator, signed in on ``client``."""
    from tandem.programs.tests.factories import CoordinatorFactory

    user = CoordinatorFactory(program=program).user
    client.force_login(user)
    return user
