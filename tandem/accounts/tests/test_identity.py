"""The account page lets a person change the name partners see and their time zone, also once matched."""

import pytest
from django.urls import reverse

from tandem.accounts.views import MSG_IDENTITY_SAVED
from tandem.goals.selectors import viewer_zone
from tandem.interchange.members_csv import MSG_BAD_TIME_ZONE
from tandem.meetings.selectors.access import seat_zone
from tandem.partnerships.selectors.life import seat_name
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Profile
from tandem.programs.services import intake as svc
from tandem.programs.tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(client):
    partnership, people = partnership_of(ProgramFactory(), "Ana", "Ben")
    ana = people["Ana"]
    client.force_login(ana.user)
    return partnership, ana


def test_matched_member_changes_name_and_zone_and_every_page_uses_them(client, matched):
    partnership, ana = matched
    page = client.get(reverse("accounts:settings"))
    assert 'name="display_name"' in page.text and 'name="time_zone"' in page.text
    response = client.post(
        reverse("accounts:identity"),
        {"display_name": "  Ana   Ruiz ", "time_zone": "America/New_York"},
        follow=True,
    )
    assert str(MSG_IDENTITY_SAVED) in response.text
    profile = Profile.objects.get(membership=ana)
    assert (profile.display_name, profile.time_zone) == ("Ana Ruiz", "America/New_York")
    ana.user.refresh_from_db()
    assert ana.user.name == "Ana Ruiz"
    seat = partnership.seats.select_related("membership__user", "membership__profile").get(
        membership=ana
    )
    assert seat_name(seat) == "Ana Ruiz"
    assert seat_zone(seat) == "America/New_York"
    assert viewer_zone(program=partnership.program, user=ana.user) == "America/New_York"


def test_every_problem_is_shown_at_once_and_nothing_is_saved(client, matched):
    _, ana = matched
    before = Profile.objects.get(membership=ana)
    response = client.post(
        reverse("accounts:identity"), {"display_name": " ", "time_zone": "Factory"}
    )
    assert response.status_code == 400
    html = response.text.replace("&#x27;", "'")
    assert svc.MSG_NAME_REQUIRED in html
    assert MSG_BAD_TIME_ZONE.format(value="Factory") in html
    after = Profile.objects.get(membership=ana)
    assert (after.display_name, after.time_zone) == (before.display_name, before.time_zone)


def test_a_person_without_an_intake_changes_only_their_name(client):
    user = UserFactory(name="Coordinator")
    client.force_login(user)
    assert 'name="time_zone"' not in client.get(reverse("accounts:settings")).text
    response = client.post(reverse("accounts:identity"), {"display_name": "Cleo"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.name == "Cleo"
