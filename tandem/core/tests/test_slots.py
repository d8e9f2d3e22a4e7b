"""Slots: a lower app's question answered by the one higher app that fills it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem.accounts import slots as account_slots
from tandem.core.slots import Slot, required_slot, slot
from tandem.partnerships import slots as partnership_slots


def test_a_slot_answers_with_its_body_until_an_app_fills_it():
    @slot
    def greeting(*, name: str) -> str:
        return f"hello {name}"

    assert greeting(name="Ada") == "hello Ada"
    greeting.fill(lambda *, name: f"welcome back, {name}")
    assert greeting(name="Ada") == "welcome back, Ada"


def test_an_empty_required_slot_fails_loudly_and_names_itself():
    @required_slot
    def partners(*, user: object) -> list[str]:
        raise AssertionError("the body of a required slot never runs")

    with pytest.raises(ImproperlyConfigured, match="partners"):
        partners(user=None)


def test_a_second_different_filler_is_refused_and_the_first_kept():
    @required_slot
    def answer() -> int:
        raise NotImplementedError

    def first() -> int:
        return 1

    answer.fill(first)
    answer.fill(first)  # the same filler again (a second ready()) is harmless
    with pytest.raises(ImproperlyConfigured, match=r"filled already, by .*first"):
        answer.fill(lambda: 2)
    assert answer() == 1


@pytest.mark.parametrize("module", [account_slots, partnership_slots])
def test_every_slot_of_the_site_is_filled_once_the_apps_are_ready(module):
    found = [value for value in vars(module).values() if isinstance(value, Slot)]
    assert found, f"{module.__name__} declares no slot"
    assert [s.name for s in found if not s.filled] == []
