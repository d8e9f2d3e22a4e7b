"""The one display-name rule: intake name, else account name, else from the address."""

import pytest

from tandem.programs.names import member_name
from tandem.programs.tests.factories import MembershipFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    m = MembershipFactory(user__name="", user__email="ana.lopez@example.org")
    return m


def test_without_a_name_partners_read_the_address_before_the_at(membership):
    assert member_name(membership) == "ana.lopez"
    assert member_name(membership, address="full") == "ana.lopez@example.org"
    assert member_name(membership, address="none") == ""


def test_the_account_name_comes_before_the_address(membership):
    membership.user.name = "Ana López"
    assert member_name(membership, address="full") == "Ana López"


def test_the_intake_name_comes_first(membership):
    membership.user.name = "Ana López"
    ProfileFactory(membership=membership, display_name="Ana")
    membership.refresh_from_db()
    assert member_name(membership) == "Ana"
