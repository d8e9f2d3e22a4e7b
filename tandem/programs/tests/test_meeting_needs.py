"""'What would make meetings easier for you': the member writes it in the intake, their partners
read it on the partnership page, and coordinators never see it (pages, API)."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.meetings.tests.factories import partnership_make
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProfileFactory
from tandem.programs.tests.test_intake_api import BASE, answers, put

pytestmark = pytest.mark.django_db

NEEDS = "Captions on video, please; I lip-read."


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_member_writes_it_and_reads_it_back_and_a_long_one_is_refused(client):
    member = MembershipFactory(status=Membership.Status.INTAKE)
    client.force_login(member.user)
    slug = member.program.slug
    body = put(client, f"{BASE}/{slug}/me", answers(meeting_needs=f"  {NEEDS} ")).json()
    assert body["meeting_needs"] == NEEDS
    page = client.get(reverse("programs:intake", args=[slug])).content.decode()
    assert NEEDS in page and "Only your partners see it, not the coordinators." in page
    refused = put(client, f"{BASE}/{slug}/me", answers(meeting_needs="x" * 1001, display_name=""))
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"meeting_needs", "display_name"}


def test_partners_read_it_and_coordinators_never_do():
    partnership, seats = partnership_make()
    ana, ben = (seat.membership for seat in seats)
    profile = getattr(ana, "profile", None) or ProfileFactory(membership=ana)
    profile.meeting_needs = NEEDS
    profile.save()
    partner_page = _signed_in(ben.user).get(reverse("partnerships:detail", args=[partnership.pk]))
    assert NEEDS in partner_page.content.decode()

    coordinator = _signed_in(CoordinatorFactory(program=partnership.program).user)
    slug = partnership.program.slug
    member_page = coordinator.get(reverse("dashboard:member_detail", args=[slug, ana.pk]))
    assert member_page.status_code == 200
    assert NEEDS not in member_page.content.decode()
    one = coordinator.get(f"{BASE}/{slug}/{ana.pk}").json()
    assert one["meeting_needs"] is None
    assert all(p["meeting_needs"] is None for p in coordinator.get(f"{BASE}/{slug}").json())
