"""Test-wide fixtures: the injectable clock, inline tasks (browser fixtures: tests/browser/)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest


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
