from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """allauth keeps rate-limit counters in the cache: start and end every test clean."""
    cache.clear()
    yield
    cache.clear()
