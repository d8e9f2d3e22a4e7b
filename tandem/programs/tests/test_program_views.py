from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    DocumentFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(name="Spanish for skiers", slug="spanish", status=Program.Status.DRAFT)


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def member(program):
    return MembershipFactory(program=program).user


@pytest.fixture
def outsider():
    """A coordinator of another program."""
    return CoordinatorFactory().user


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def settings_data(program: Program, **changes: object) -> dict:
    data = {
        "name": program.name,
        "slug": program.slug,
        "description": program.description,
        "audience": program.audience,
        "status": program.status,
        "kickoff_on": "",
        "midpoint_on": "",
        "ends_on": "",
        "recap_on": "",
        "cadence_weeks": program.cadence_weeks,
        "meeting_minutes": program.meeting_minutes,
        "format": program.format,
        "circle_size_min": program.circle_size_min,
        "circle_size_max": program.circle_size_max,
        "allow_trios": "on",
        "both_gain": program.both_gain,
        "cooling_off_days": program.cooling_off_days,
        "confidentiality_rules": program.confidentiality_rules,
    }
    data.update(changes)
    return data


# Who may open which page

COORDINATOR_PAGES = [
    "programs:manage",
    "programs:documents_manage",
    "programs:document_create",
    "programs:resources_manage",
    "programs:resource_create",
    "programs:tags_manage",
]
MEMBER_PAGES = ["programs:detail", "programs:help"]


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_are_for_its_coordinators_only(
    client, program, coordinator, member, outsider, name
):
    url = reverse(name, args=[program.slug])
    assert client.get(url).status_code == 404  # anonymous
    for person in (member, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_are_for_people_in_the_program_only(
    client, program, coordinator, member, outsider, name
):
    url = reverse(name, args=[program.slug])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    for person in (member, coordinator):
        client.force_login(person)
        assert client.get(url, follow=True).status_code == 200


def test_missing_program_answers_like_someone_elses(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("programs:manage", args=["no-such-program"])).status_code == 404


def test_removed_coordinator_loses_the_manage_page(client, program, coordinator):
    second = CoordinatorFactory(program=program)
    client.force_login(coordinator)
    client.post(reverse("programs:coordinator_remove", args=[program.slug, second.pk]))
    client.force_login(second.user)
    assert client.get(reverse("programs:manage", args=[program.slug])).status_code == 404


# Starting a program


def test_anonymous_visitor_is_sent_to_sign_in_to_start_a_program(client):
    response = client.get(reverse("programs:create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_starting_a_program_makes_me_its_coordinator(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("programs:create"), {"name": "Book club", "slug": "", "audience": "Readers"}
    )
    program = Program.objects.get(name="Book club")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:manage", args=["book-club"])
    assert program.memberships.get().user == user
    page = client.get(response["Location"])
    assert "“Book club” is ready as a draft." in page.text


def test_start_form_with_an_error_keeps_what_was_typed(client):
    ProgramFactory(slug="taken")
    client.force_login(UserFactory())
    response = client.post(
        reverse("programs:create"),
        {"name": "Mine", "slug": "taken", "audience": "Night owls", "description": "Hello"},
    )
    assert response.status_code == 200
    assert "Another program already uses the web address “taken”; choose another." in (
        response.text
    )
    assert 'value="Night owls"' in response.text
    assert "Hello</textarea>" in response.text


def test_unverified_person_is_told_to_confirm_their_email(client):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    response = client.post(reverse("programs:create"), {"name": "Mine"})
    assert response.status_code == 200
    assert "Confirm your email address before you start a program." in response.text
    assert not Program.objects.exists()


# Settings


def test_coordinator_saves_settings(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:manage", args=[program.slug]),
        settings_data(
            program,
            slug="spanish-2027",
            status="waitlist",
            kickoff_on="2027-02-01",
            ends_on="2027-06-01",
            cadence_weeks=3,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:manage", args=["spanish-2027"])
    program.refresh_from_db()
    assert (program.slug, program.status, program.kickoff_on, program.cadence_weeks) == (
        "spanish-2027",
        "waitlist",
        date(2027, 2, 1),
        3,
    )


def test_settings_with_dates_out_of_order_show_every_problem_and_keep_input(
    client, program, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:manage", args=[program.slug]),
        settings_data(
            program,
            name="New name",
            kickoff_on="2027-03-01",
            ends_on="2027-02-01",
            meeting_minutes=500,
        ),
    )
    assert response.status_code == 200
    assert "The end must be on or after the kick-off (1 March 2027)." in response.text
    assert "A meeting lasts 15 to 240 minutes." in response.text
    assert 'value="New name"' in response.text
    assert 'value="2027-02-01"' in response.text
    program.refresh_from_db()
    assert program.name == "Spanish for skiers"


def test_manage_page_links_sub_pages(client, program, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("programs:manage", args=[program.slug]))
    for name in (
        "roster",
        "waitlist_manage",
        "import",
        "documents_manage",
        "resources_manage",
        "tags_manage",
    ):
        assert reverse(f"programs:{name}", args=[program.slug]) in response.text
    assert reverse("dashboard:cockpit", args=[program.slug]) in response.text


# Coordinators


def test_coordinator_adds_another_by_email_with_htmx(client, program, coordinator):
    other = UserFactory(email="ana@example.org")
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:coordinator_add", args=[program.slug]),
        {"email": "ana@example.org"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert '<section id="coordinators"' in response.text
    assert "<html" not in response.text
    assert "ana@example.org now coordinates this program." in response.text
    assert Membership.objects.get(program=program, user=other).is_coordinator


def test_adding_an_existing_coordinator_shows_why_and_keeps_the_address(
    client, program, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:coordinator_add", args=[program.slug]),
        {"email": coordinator.email},
        headers={"HX-Request": "true"},
    )
    assert f"{coordinator.email} already coordinates this program." in response.text
    assert f'value="{coordinator.email}"' in response.text


def test_last_coordinator_is_told_they_cannot_leave(client, program, coordinator):
    membership = Membership.objects.get(user=coordinator, program=program)
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:coordinator_remove", args=[program.slug, membership.pk]), follow=True
    )
    assert "A program needs at least one coordinator" in response.text
    membership.refresh_from_db()
    assert membership.is_coordinator
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED).exists()


def test_member_cannot_add_coordinators(client, program, member):
    client.force_login(member)
    response = client.post(
        reverse("programs:coordinator_add", args=[program.slug]), {"email": member.email}
    )
    assert response.status_code == 404
    assert not Membership.objects.get(user=member).is_coordinator


# Member home, help page, home page


def test_program_home_is_the_members_home_with_dates_guidebook_and_help(client, program, member):
    program.kickoff_on = date(2027, 2, 1)
    program.save()
    DocumentFactory(program=program, title="How we pair", body="Read me")
    DocumentFactory(program=program, kind="worksheet", title="Goals sheet", body="x")
    client.force_login(member)
    response = client.get(reverse("programs:detail", args=[program.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:member_home", args=[program.slug])
    assert "Monday 1 February 2027" in response.text
    assert "How we pair" in response.text
    assert "Goals sheet" in response.text
    assert reverse("programs:help", args=[program.slug]) in response.text


def test_program_home_sends_a_coordinator_to_the_cockpit_with_the_settings_link(
    client, program, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("programs:detail", args=[program.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:cockpit", args=[program.slug])
    assert reverse("programs:manage", args=[program.slug]) in response.text


def test_member_sees_no_manage_link(client, program, member):
    client.force_login(member)
    response = client.get(reverse("programs:detail", args=[program.slug]), follow=True)
    assert reverse("programs:manage", args=[program.slug]) not in response.text


def test_help_page_lists_each_resource_with_when_to_use_it(client, program, member):
    ResourceFactory(
        program=program,
        name="Samaritans",
        kind="crisis",
        contact="116 123",
        when_to_use="If you or your partner feel unsafe.",
    )
    ResourceFactory(
        program=ProgramFactory(),
        name="Other program's line",
        contact="1",
        when_to_use="Never shown here.",
    )
    client.force_login(member)
    response = client.get(reverse("programs:help", args=[program.slug]))
    assert "Samaritans" in response.text
    assert "If you or your partner feel unsafe." in response.text
    assert "Other program" not in response.text


def test_help_page_without_resources_says_to_ask_the_coordinator_and_has_one_heading(
    client, program, coordinator, member
):
    coordinator.name = "Carmen"
    coordinator.save()
    client.force_login(member)
    response = client.get(reverse("programs:help", args=[program.slug]))
    assert response.text.count("Beyond peer support</") == 1
    assert "ask your coordinator (Carmen) where to turn" in response.text
    assert "these are the right places to turn" not in response.text


def test_home_lists_my_programs_with_role_and_a_start_link(client, program, coordinator):
    open_program = ProgramFactory(name="Open to all", status=Program.Status.INTAKE_OPEN)
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert "Spanish for skiers" in response.text
    assert "Coordinator" in response.text
    assert open_program.name in response.text
    assert reverse("programs:create") in response.text


# Query counts stay flat as rows grow


def test_home_query_count_does_not_grow_with_programs(client):
    user = UserFactory()
    client.force_login(user)
    MembershipFactory(user=user)
    ProgramFactory()
    few = count_queries(client, reverse("home"))
    for _ in range(5):
        MembershipFactory(user=user)
        ProgramFactory()
    assert count_queries(client, reverse("home")) == few


def test_manage_page_query_count_does_not_grow_with_coordinators(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("programs:manage", args=[program.slug])
    few = count_queries(client, url)
    CoordinatorFactory.create_batch(5, program=program)
    assert count_queries(client, url) == few


def test_program_home_and_help_query_counts_do_not_grow(client, program, member):
    client.force_login(member)
    urls = [
        reverse("dashboard:member_home", args=[program.slug]),
        reverse("programs:help", args=[program.slug]),
    ]
    DocumentFactory(program=program, title="One", body="x")
    ResourceFactory(program=program, name="R", contact="c", when_to_use="w")
    few = [count_queries(client, url) for url in urls]
    for i in range(5):
        DocumentFactory(program=program, title=f"Doc {i}", body="x")
        ResourceFactory(program=program, name=f"R{i}", contact="c", when_to_use="w")
        CoordinatorFactory(program=program)
    assert [count_queries(client, url) for url in urls] == few


def test_coordinator_list_pages_query_counts_do_not_grow(client, program, coordinator):
    client.force_login(coordinator)
    urls = [
        reverse(name, args=[program.slug])
        for name in (
            "programs:documents_manage",
            "programs:resources_manage",
            "programs:tags_manage",
        )
    ]
    ProfileFactory(membership__program=program, offers=["Spanish"], themes=["Confidence"])
    DocumentFactory(program=program, title="One", body="x")
    ResourceFactory(program=program, name="R", contact="c", when_to_use="w")
    few = [count_queries(client, url) for url in urls]
    for i in range(5):
        ProfileFactory(membership__program=program, offers=[f"Skill {i}"], wants=["Spanish"])
        DocumentFactory(program=program, title=f"Doc {i}", body="x")
        ResourceFactory(program=program, name=f"R{i}", contact="c", when_to_use="w")
    assert [count_queries(client, url) for url in urls] == few


def test_settings_that_cannot_be_read_say_what_to_fix_in_tandems_words(
    client, program, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:manage", args=[program.slug]),
        settings_data(program, cadence_weeks="two", kickoff_on="31/31/2027", status="paused"),
    )
    assert response.status_code == 200
    html = response.text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "Enter a whole number, like 3." in html
    assert "Enter a date, like 2027-03-14." in html
    assert "Choose one of the options offered; “paused” is not one of them." in html
    for django_wording in ("Enter a whole number.", "Enter a valid date.", "Select a valid choice"):
        assert django_wording not in html


def test_settings_page_explains_and_saves_what_counts_as_both_gaining(client, program, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("programs:manage", args=[program.slug]))
    assert "Pairs where both gain come first" in page.text
    assert "for accountability programs, when they share a goal" in page.text
    assert '<option value="skill_swap" selected>' in page.text
    response = client.post(
        reverse("programs:manage", args=[program.slug]),
        settings_data(program, both_gain="shared_goals"),
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.both_gain == "shared_goals"
