"""Every Tandem form says what to fix in the person's words, never Django's built-in text."""

import importlib
import pkgutil

import pytest
from django import forms

import tandem
from tandem.core.forms import TandemForm, TandemMessagesMixin

DJANGO_WORDING = (
    "Ensure this value",
    "This field is required.",
    "Select a valid choice",
    "Enter a valid",
)


class Sample(TandemForm):
    weeks = forms.IntegerField(min_value=1, max_value=12)
    name = forms.CharField(max_length=5)
    day = forms.DateField()
    email = forms.EmailField(required=False)
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])
    agree = forms.BooleanField()
    own = forms.IntegerField(required=False, error_messages={"invalid": "Type the house number."})


def errors_of(**data: str) -> dict[str, list[str]]:
    form = Sample(data=data)
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_numbers_out_of_range_say_which_numbers_are_allowed():
    assert errors_of(weeks="0")["weeks"] == ["Enter 1 or more."]
    assert errors_of(weeks="13")["weeks"] == ["Enter 12 or less."]
    assert errors_of(weeks="two")["weeks"] == ["Enter a whole number, like 3."]


def test_every_kind_of_problem_is_in_tandems_words():
    errors = errors_of(name="Ana Maria", day="31/31/2027", email="ana@", colour="green")
    assert errors == {
        "weeks": ["This is needed: fill it in."],
        "name": ["Keep this to 5 characters or fewer (it has 9)."],
        "day": ["Enter a date, like 2027-03-14."],
        "email": ["Enter a whole email address, like name@example.org."],
        "colour": ["Choose one of the options offered; “green” is not one of them."],
        "agree": ["Tick this box to go on."],
    }


def test_a_message_the_form_gives_its_field_is_kept():
    assert errors_of(own="twelve")["own"] == ["Type the house number."]


def test_django_itself_is_left_as_it_is():
    class Plain(forms.Form):
        weeks = forms.IntegerField()

    Sample(data={})
    assert Plain(data={"weeks": "x"}).errors["weeks"] == ["Enter a whole number."]


def _tandem_form_classes() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(tandem.__path__, "tandem."):
        if ".tests" not in info.name and ".migrations" not in info.name:
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.BaseForm]
    while todo:
        klass = todo.pop()
        todo.extend(klass.__subclasses__())
        module = klass.__module__
        if module.startswith("tandem.") and ".tests" not in module:
            found.append(klass)
    return found


def test_every_form_in_tandem_uses_tandems_messages():
    classes = _tandem_form_classes()
    assert len(classes) > 30  # the walk found the app's forms
    plain = sorted(
        f"{k.__module__}.{k.__qualname__}"
        for k in classes
        if not issubclass(k, TandemMessagesMixin) and k is not TandemForm
    )
    assert plain == [], "build these forms on tandem.core.forms.TandemForm"


@pytest.mark.parametrize("wording", DJANGO_WORDING)
def test_no_tandem_message_uses_djangos_wording(wording):
    form = Sample()
    for field in form.fields.values():
        for message in field.error_messages.values():
            assert wording not in str(message)
