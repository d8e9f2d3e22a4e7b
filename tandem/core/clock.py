"""The one place that reads the time, so tests can set it.

Logic calls ``clock.now()``; tests use the ``frozen`` context manager (or the ``clock``
fixture) instead of patching ``django.utils.timezone``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.utils import timezone

_frozen_at: datetime | None = None


def now() -> datetime:
    """Return the current instant (aware, UTC)."""
    return _frozen_at if _frozen_at is not None else timezone.now()


def today() -> date:
    """Return today's date in UTC."""
    return now().date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Make ``now()`` return ``at`` inside the block."""
    global _frozen_at
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen_at = _frozen_at, at
    try:
        yield
    finally:
        _frozen_at = previous


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    global _frozen_at
    if _frozen_at is None:
        raise RuntimeError("advance() needs a frozen clock")
    _frozen_at += delta
