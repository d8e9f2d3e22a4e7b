"""Help flags moved from goals to support (support 0002, goals 0004) with every row, and back."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tandem.core import clock
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory
from tandem.support.models import HelpFlag

BEFORE = [("goals", "0002_help_flag_handled"), ("support", "0001_initial")]


def _latest():
    """Every app's newest migration: where the rest of the suite expects the schema to be."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    """Migrate to ``targets``; return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _index_names(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, c in constraints.items() if c["index"] and name.endswith("_idx")}


@pytest.mark.django_db(transaction=True)
def test_help_flags_keep_their_rows_and_content_type_through_the_move_and_back(frozen_clock):
    membership = MembershipFactory(status="matched")
    coordinator = CoordinatorFactory(program=membership.program).user
    flag = HelpFlag.objects.create(
        program=membership.program,
        membership=membership,
        kind="hr",
        handled_at=clock.now(),
        handled_by=coordinator,
    )
    content_type = ContentType.objects.get_for_model(HelpFlag)
    ContentType.objects.clear_cache()
    try:
        old = _migrate(BEFORE)
        assert "goals_helpflag" in _tables() and "support_helpflag" not in _tables()
        assert _index_names("goals_helpflag") == {
            "goals_helpf_program_08fde3_idx",
            "goals_helpf_program_2d57d7_idx",
        }
        old_flag = old.get_model("goals", "HelpFlag").objects.get()
        assert (old_flag.pk, old_flag.kind, old_flag.handled_by_id) == (
            flag.pk,
            "hr",
            coordinator.pk,
        )
        assert ContentType.objects.get(pk=content_type.pk).app_label == "goals"
    finally:
        _migrate(_latest())
        ContentType.objects.clear_cache()

    assert "support_helpflag" in _tables() and "goals_helpflag" not in _tables()
    assert _index_names("support_helpflag") == {index.name for index in HelpFlag._meta.indexes}
    moved = HelpFlag.objects.get()
    assert (moved.pk, moved.kind, moved.handled_by) == (flag.pk, "hr", coordinator)
    assert ContentType.objects.get_for_model(HelpFlag).pk == content_type.pk
    # The rows keep counting on: a new flag takes the next id.
    assert (
        HelpFlag.objects.create(program=moved.program, membership=membership, kind="hr").pk
        > flag.pk
    )
