"""Fixtures the dashboard's page tests share: a running program and its signed-in coordinator."""

import pytest

from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory


@pytest.fixture
def program():
    return ProgramFactory(status="running", name="Skiers")


@pytest.fixture
def coordinator(program, client):
    """Return the program's coordinator, signed in on ``client``."""
    user = CoordinatorFactory(program=program).user
    client.force_login(user)
    return user
