import pytest
from django.urls import reverse

from tandem.programs.models import Program
from tandem.programs.tests.factories import MembershipFactory, ProfileFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_visitor_sees_open_program_but_not_draft(client):
    open_program = ProgramFactory(name="Spanish for skiers")
    draft = ProgramFactory(name="Secret draft", status=Program.Status.DRAFT)
    home = client.get(reverse("home"))
    assert "Spanish for skiers" in home.text
    assert "Secret draft" not in home.text
    assert client.get(open_program.get_absolute_url()).status_code == 200
    assert client.get(reverse("programs:public", args=[draft.slug])).status_code == 404


def test_member_of_another_program_gets_404_for_program_home(client):
    program_a = ProgramFactory()
    program_b = ProgramFactory()
    member_a = MembershipFactory(program=program_a)
    client.force_login(member_a.user)
    assert (
        client.get(reverse("programs:detail", args=[program_a.slug]), follow=True).status_code
        == 200
    )
    assert client.get(reverse("programs:detail", args=[program_b.slug])).status_code == 404


def test_profile_factory_builds_tags():
    profile = ProfileFactory(offers=["Spanish"], wants=["Skiing", "skiing "])
    assert [t.name for t in profile.offers.all()] == ["Spanish"]
    assert profile.wants.count() == 1
