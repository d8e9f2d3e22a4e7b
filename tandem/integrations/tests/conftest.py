from collections.abc import Iterator

import pytest

from tandem.integrations.tests.receiver import Receiver, serve


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 (a thread) that checks signatures and answers as told."""
    yield from serve()
