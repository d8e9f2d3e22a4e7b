"""The foundation journey in a real browser, from the public page to the coordinator's roster.

A visitor joins the waitlist and confirms; the coordinator opens the doors; the invited person
creates an account, fills the intake and reads what happens next; the coordinator sees them
in the roster. Emails go through the real worker into the shared locmem outbox. Screenshots of
the pages are saved to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import cast

import pytest
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.programs.models import Membership, Profile, Program, WaitlistEntry
from tandem.programs.services.waitlist import (
    WAITLIST_SIGNUP_ANSWER,
    waitlist_confirm,
    waitlist_signup,
)
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    TagFactory,
    UserFactory,
)
from tests.browser.helpers import (
    cell,
    drag_across,
    failure_shots,
    link_in_last_email,
    run_worker,
    shot,
    sign_in,
    watch_for_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "peer-mentoring-circle"


def make_program() -> Program:
    program = cast(
        Program,
        ProgramFactory(
            name="Peer Mentoring Circle",
            slug=SLUG,
            status=Program.Status.WAITLIST,
            audience="Everyone at Northwind Health who wants to learn from a peer",
            description=(
                "Twenty weeks of peer mentoring. You are paired with a peer whose skills complement "
                "yours: you teach what they want to learn, and they teach you."
            ),
            kickoff_on=date(2027, 2, 3),
            midpoint_on=date(2027, 4, 14),
            ends_on=date(2027, 6, 23),
            recap_on=date(2027, 6, 30),
        ),
    )
    CoordinatorFactory(
        program=program, user=UserFactory(email="cora@example.org", name="Cora Lindqvist")
    )
    for name in ("Public speaking", "Python", "Spanish"):
        TagFactory(program=program, name=name)
    # People already in the program and on the waitlist, so the pages show real lists.
    for name, email in (("Ben Okafor", "ben@example.org"), ("Chen Wei", "chen@example.org")):
        member = MembershipFactory(program=program, user=UserFactory(email=email, name=name))
        ProfileFactory(membership=member, display_name=name)
    waitlist_signup(program=program, email="dara@example.org")
    waitlist_confirm(entry=waitlist_signup(program=program, email="eli@example.org"))
    return program


def test_visitor_joins_from_the_waitlist_to_the_roster(
    live_server, page, browser, settings, tmp_path
):
    with failure_shots({"failure.png": page}):
        journey(live_server, page, browser, settings)


def journey(live_server, page, browser, settings) -> None:
    settings.SITE_URL = live_server.url
    base = live_server.url
    program = make_program()
    run_worker()  # the confirmation emails of the seeded waitlist entries
    problems = watch_for_problems(page)

    # A visitor reads the public page and asks to hear when the doors open.
    page.goto(f"{base}/p/{SLUG}/")
    expect(page.get_by_role("heading", name="Peer Mentoring Circle")).to_be_visible()
    expect(page.get_by_role("heading", name="Tell me when the doors open")).to_be_visible()
    page.get_by_label("Your email").fill("ada@example.org")
    shot(page, "program-public.png")
    page.get_by_role("button", name="Tell me when the doors open").click()
    expect(page.get_by_role("status").filter(has_text=WAITLIST_SIGNUP_ANSWER)).to_be_visible()

    # The confirmation email arrives through the worker; one click confirms.
    run_worker()
    page.goto(link_in_last_email("ada@example.org", r"https?://\S+/waitlist/confirm/\S+/"))
    expect(page.get_by_text("ada@example.org")).to_be_visible()
    page.get_by_role("button", name="Confirm my place").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("on the waitlist")
    entry = WaitlistEntry.objects.get(email="ada@example.org")
    assert entry.status == WaitlistEntry.Status.CONFIRMED

    # The coordinator signs in (another browser) and opens the doors.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    coordinator_page = desk.new_page()
    problems += watch_for_problems(coordinator_page)
    sign_in(coordinator_page, base, "cora@example.org")
    coordinator_page.goto(f"{base}/p/{SLUG}/manage/")
    coordinator_page.get_by_role("link", name="Waitlist").click()
    expect(coordinator_page.get_by_role("heading", name="Waitlist")).to_be_visible()
    expect(coordinator_page.locator('dd[data-count="confirmed"]')).to_have_text("2")
    expect(coordinator_page.locator('dd[data-count="pending"]')).to_have_text("1")
    coordinator_page.get_by_role("button", name="Open the doors").click()
    expect(coordinator_page.get_by_role("status")).to_have_text(
        "The doors are open: 2 invitations are on the way."
    )
    expect(coordinator_page.get_by_role("row", name=re.compile("ada@example.org"))).to_contain_text(
        "Invited"
    )
    shot(coordinator_page, "waitlist.png")

    # The invitation reaches Ada; she creates her account with the invited address.
    run_worker()
    page.goto(link_in_last_email("ada@example.org", r"https?://\S+/p/invitation/\S+/"))
    expect(page.get_by_role("heading", name="Join Peer Mentoring Circle")).to_be_visible()
    page.get_by_role("button", name="Create your account").click()
    expect(page.get_by_label("Email")).to_have_value("ada@example.org")
    expect(page.get_by_label("Email")).to_be_disabled()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Join Peer Mentoring Circle").click()

    # The intake: name, tags with suggestions, time zone and the availability grid.
    expect(page.get_by_role("heading", name="Tell us about your goals")).to_be_visible()
    page.get_by_label("Name to show your partner").fill("Ada Byron")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Career stage").select_option(label="Mid-career")
    page.get_by_label("My goals").fill("Speak with confidence at conferences; learn Spanish.")
    page.locator("#id_offers").fill("pyth")
    offers = page.locator("#suggest-offers").get_by_role("button")
    expect(offers).to_have_text(["Python"])
    offers.click()
    expect(page.locator("#id_offers")).to_have_value("Python; ")
    page.locator("#id_wants").fill("Spanish; public spe")
    wants = page.locator("#suggest-wants").get_by_role("button")
    expect(wants).to_have_text(["Public speaking"])
    wants.click()
    expect(page.locator("#id_wants")).to_have_value("Spanish; Public speaking; ")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Madrid")  # the browser's zone
    page.locator("#id_time_zone").fill("Europe/Lisbon")
    # Drag Monday 18:00 to 19:30, then click Wednesday 12:00 and 12:30.
    drag_across(page, [cell(page, 0, 1080), cell(page, 0, 1110), cell(page, 0, 1140)])
    cell(page, 2, 720).click()
    cell(page, 2, 750).click()
    expect(cell(page, 0, 1110)).to_have_class(re.compile(r"\bon\b"))
    expect(cell(page, 2, 750)).to_have_class(re.compile(r"\bon\b"))
    page.get_by_label("I agree to the program's confidentiality rules").check()
    shot(page, "intake.png")
    page.get_by_role("button", name="Save my intake").click()

    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_text("Mon 18:00-19:30")).to_be_visible()
    expect(page.get_by_text("Wed 12:00-13:00")).to_be_visible()
    expect(page.get_by_text("before the kick-off on Wednesday 3 February 2027")).to_be_visible()
    shot(page, "next-steps.png")

    ada = User.objects.get(email="ada@example.org")
    profile = Profile.objects.get(membership__user=ada, membership__program=program)
    assert profile.time_zone == "Europe/Lisbon"
    assert profile.availability == [[0, 1080, 1170], [2, 720, 780]]
    assert [t.name for t in profile.offers.all()] == ["Python"]
    assert profile.consent_at is not None

    # The coordinator finds Ada in the roster, ready for matching.
    coordinator_page.goto(f"{base}/p/{SLUG}/manage/")
    coordinator_page.get_by_role("link", name="Members", exact=True).click()
    ada_row = coordinator_page.get_by_role("row", name=re.compile("ada@example.org"))
    expect(ada_row).to_contain_text("Ada Byron")
    expect(ada_row).to_contain_text("Ready for matching")
    expect(ada_row).to_contain_text("Complete")
    shot(coordinator_page, "roster.png")
    # On a phone the status filters wrap: the page itself never scrolls sideways.
    coordinator_page.set_viewport_size({"width": 390, "height": 844})
    expect(coordinator_page.get_by_role("navigation", name="Filter by status")).to_be_visible()
    assert coordinator_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Membership.objects.get(user=ada).status == Membership.Status.READY
    desk.close()
    assert problems == []
