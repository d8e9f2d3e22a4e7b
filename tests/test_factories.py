"""Every factory saves a row the database accepts from its defaults alone.

The factories are found from the ``tandem/<app>/tests/factories.py`` modules.
"""

import importlib
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from factory.django import DjangoModelFactory

MODULES = sorted(
    ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
    for path in Path(settings.BASE_DIR, "tandem").glob("*/tests/factories.py")
)
FACTORIES = sorted(
    {
        factory
        for module in MODULES
        for _, factory in inspect.getmembers(importlib.import_module(module), inspect.isclass)
        if issubclass(factory, DjangoModelFactory) and not factory._meta.abstract
    },
    key=lambda factory: factory.__name__,
)


def test_the_factories_modules_are_found():
    assert "tandem.programs.tests.factories" in MODULES
    assert len(FACTORIES) > len(MODULES)


@pytest.mark.django_db
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_factory_builds_a_valid_row_from_its_defaults(factory):
    row = factory()
    assert type(row).objects.filter(pk=row.pk).exists()
