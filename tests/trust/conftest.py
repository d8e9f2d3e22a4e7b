"""One seeded world per module, rolled back at the end (see world.py)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.trust.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Build the world once for the module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        yield w
        transaction.set_rollback(True)
