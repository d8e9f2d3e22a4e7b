"""The site menu, the front page's programs and the member home's call to finish the intake."""

from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching.services import match_run_publish
from tandem.matching.tests.helpers import member, run_with_proposals
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


def matched_pair(program):
    ana, ben = member(program, "Ana"), member(program, "Ben")
    coordinator = CoordinatorFactory(program=program).user
    match_run_publish(run_id=run_with_proposals(program, [ana, ben]).pk, actor=coordinator)
    return ana, ben, coordinator


def test_front_page_lists_each_program_once_with_the_partner_or_the_cockpit(client):
    program = ProgramFactory(name="Skiers", status="running")
    ana, _ben, coordinator = matched_pair(program)
    client.force_login(ana.user)
    page = client.get("/").text
    assert page.count(">Skiers</a>") == 1  # not again among the open programs
    assert "Your partner:" in page and ">Ben</a>" in page
    partnership = ana.seats.get().partnership
    assert reverse("partnerships:detail", args=[partnership.pk]) in page
    client.force_login(coordinator)
    page = client.get("/").text
    assert page.count(">Skiers</a>") == 1
    assert reverse("dashboard:cockpit", args=[program.slug]) in page


def test_menu_reaches_a_members_pages_and_a_coordinators_cockpit(client):
    program = ProgramFactory(status="running")
    ana, _ben, coordinator = matched_pair(program)
    partnership = ana.seats.get().partnership
    client.force_login(ana.user)
    menu = client.get(reverse("meetings:list")).text
    for url in (
        reverse("dashboard:member_home", args=[program.slug]),
        reverse("partnerships:detail", args=[partnership.pk]),
        reverse("goals:partnership", args=[partnership.pk]),
        reverse("partnerships:messages", args=[partnership.pk]),
        reverse("programs:help", args=[program.slug]),
        reverse("meetings:list"),
        reverse("accounts:settings"),
    ):
        assert f'href="{url}"' in menu, url
    assert reverse("dashboard:cockpit", args=[program.slug]) not in menu
    client.force_login(coordinator)
    menu = client.get(reverse("meetings:list")).text
    assert f'href="{reverse("dashboard:cockpit", args=[program.slug])}"' in menu


def test_menu_costs_the_same_queries_however_many_programs(client):
    user = MembershipFactory(program=ProgramFactory()).user
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:settings"))
    for n in range(4):
        program = ProgramFactory(status="running")
        ana = cast(
            Any, ProfileFactory(membership__program=program, membership__user=user)
        ).membership
        match_run_publish(
            run_id=run_with_proposals(program, [ana, member(program, f"Ben {n}")]).pk,
            actor=CoordinatorFactory(program=program).user,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:settings"))
    assert len(many) == len(few)


def test_member_home_asks_to_finish_the_intake_until_it_is_submitted_with_consent(client):
    program = ProgramFactory(status="intake_open")
    profile = ProfileFactory(membership__program=program, consent_at=None)
    client.force_login(profile.membership.user)
    url = reverse("dashboard:member_home", args=[program.slug])
    intake = reverse("programs:intake", args=[program.slug])
    page = client.get(url).text
    assert "Finish your intake" in page and f'href="{intake}"' in page
    profile.consent_at = profile.submitted_at
    profile.save()
    assert "Finish your intake" not in client.get(url).text
    no_intake = MembershipFactory(program=program)
    client.force_login(no_intake.user)
    assert "Finish your intake" in client.get(url).text
