"""Fixtures shared by the partnerships tests; each module brings its own ``program``."""

import pytest

from tandem.partnerships.tests.builders import partnership_of


@pytest.fixture
def pair(program):
    """Return (partnership, people by name) for Ana and Ben in the module's program."""
    return partnership_of(program, "Ana", "Ben")
