"""Who may start programs: everyone, or only people a site admin approved (TANDEM_PROGRAM_CREATORS)."""

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import User
from tandem.programs.models import Program
from tandem.programs.services import program as svc
from tandem.programs.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_needed(settings):
    settings.TANDEM_PROGRAM_CREATORS = "approved"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_everyone_may_start_programs_where_the_site_says_so(settings):
    settings.TANDEM_PROGRAM_CREATORS = "everyone"
    response = signed_in(UserFactory()).post(reverse("programs:create"), {"name": "Book club"})
    assert response.status_code == 302
    assert Program.objects.filter(name="Book club").exists()


def test_person_without_approval_sees_how_to_ask_instead_of_the_form(approval_needed):
    user = UserFactory(email="newcomer@example.org")
    client = signed_in(user)
    page = client.get(reverse("programs:create"))
    assert page.status_code == 403
    assert svc.NOT_APPROVED_TO_START in page.text
    assert "newcomer@example.org" in page.text
    assert "<form" not in page.text.split("<main", 1)[-1]
    response = client.post(reverse("programs:create"), {"name": "Book club"})
    assert response.status_code == 403
    assert not Program.objects.exists()


def test_the_api_refuses_a_person_without_approval_with_the_same_words(approval_needed):
    response = signed_in(UserFactory()).post(
        "/api/v1/programs/", {"name": "Book club"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == svc.NOT_APPROVED_TO_START
    assert not Program.objects.exists()


def test_a_site_admin_approves_a_person_in_the_admin_and_they_may_start(approval_needed):
    person = UserFactory(email="approved@example.org")
    admin = UserFactory(is_staff=True, is_superuser=True)
    change = reverse("admin:accounts_user_change", args=[person.pk])
    page = signed_in(admin).get(change)
    assert page.status_code == 200 and "may start programs" in page.text.lower()
    response = signed_in(admin).post(change, {"may_start_programs": "on", "is_active": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.may_start_programs
    created = signed_in(person).post(reverse("programs:create"), {"name": "Book club"})
    assert created.status_code == 302
    assert Program.objects.get(name="Book club").memberships.get().user == person


def test_site_admins_may_always_start_programs(approval_needed):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert svc.user_may_start_programs(admin)
    assert User in site._registry  # where the approval is given
