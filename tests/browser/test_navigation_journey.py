"""Tandem run by clicking, from the demo data: the cockpit, matching, the member's home.

After the sign-in page nothing is typed into the address bar: the coordinator opens the
program's cockpit from the front page, follows its next step to matching, runs it, reviews
and publishes; Ana finds her partner on the front page and on her home, proposes a slot,
her partner accepts it, and Ana opens the next meeting from her home. With
``TANDEM_SCREENSHOTS=1`` the cockpit and the navigation are saved at desktop and phone width
into docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

from contextlib import closing

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from tandem.accounts.models import User
from tandem.partnerships.models import PartnershipMember
from tandem.programs.tests.factories import PASSWORD
from tests.browser.helpers import failure_shots, run_worker, shot, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = ("coordinator@demo.tandem.test", "demo-coordinator")
ANA = ("ana@demo.tandem.test", "demo-member")
PROGRAM = "Peer Mentoring Circle 2027"
NEXT_PROGRAM = "Peer Mentoring Circle 2028"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()


def open_menu(page: Page) -> None:
    page.locator(".site-menu summary").click()
    expect(page.locator(".site-menu ul")).to_be_visible()


def close_menu(page: Page) -> None:
    page.locator(".site-menu summary").click()


def to_cockpit(page: Page) -> None:
    """From any page: the brand to the front page, then the program's cockpit."""
    page.locator("a.brand").click()
    page.get_by_role("button", name="Open the cockpit").click()
    expect(page.get_by_role("heading", name=PROGRAM)).to_be_visible()


def cockpit_page(page: Page, label: str) -> None:
    """Follow one of the cockpit's coordinator pages."""
    page.locator("ul.cockpit-pages").get_by_role("link", name=label, exact=True).click()


def test_coordinator_matches_from_the_cockpit_and_ana_finds_partner_and_meeting(
    live_server, browser: Browser, settings
) -> None:
    settings.SITE_URL = live_server.url
    base = live_server.url
    call_command("load_demo", verbosity=0)
    desk = browser.new_context(viewport=DESKTOP, locale="en-GB")
    phone = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
    # One browser context per person: a context shares its sign-in between its pages.
    partner_desk = browser.new_context(viewport=DESKTOP, locale="en-GB")
    coordinator_phone_context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
    coordinator = desk.new_page()
    ana = phone.new_page()
    problems = watch_for_problems(coordinator) + watch_for_problems(ana)
    failures = {"nav-coordinator-failure.png": coordinator, "nav-ana-failure.png": ana}
    with (
        closing(desk),
        closing(phone),
        closing(partner_desk),
        closing(coordinator_phone_context),
        failure_shots(failures),
    ):
        # The coordinator: front page -> cockpit -> next step -> run, review, publish.
        sign_in(coordinator, base, *COORDINATOR)
        coordinator.get_by_role("button", name="Open the cockpit").click()
        expect(coordinator.get_by_role("heading", name=PROGRAM)).to_be_visible()
        expect(coordinator.locator("ol.stages li.current")).to_have_text("Matching")
        shot(coordinator, "cockpit.png")
        open_menu(coordinator)
        shot(coordinator, "navigation.png")
        close_menu(coordinator)
        coordinator.locator("#next-step").click()
        expect(coordinator.get_by_role("heading", name="Matching", exact=True)).to_be_visible()
        coordinator.get_by_role("button", name="Run matching").click()
        run_worker()  # a queued run is computed by the worker; the page polls until it is done
        publish = coordinator.locator("#publish")
        expect(publish).to_be_visible(timeout=30_000)
        publish.click()
        expect(coordinator.get_by_text("partnerships created")).to_be_visible()
        run_worker()  # the introductions
        # Back to the cockpit by the breadcrumbs: the program now runs.
        coordinator.locator('nav[aria-label="breadcrumb"] a', has_text=PROGRAM).click()
        expect(coordinator.locator("ol.stages li.current")).not_to_have_text("Matching")

        # Ana, on her phone: the front page names her partner; her home too.
        ana_seat = PartnershipMember.objects.select_related("partnership").get(
            membership__user__email=ANA[0], active=True
        )
        partner_seat = ana_seat.partnership.seats.exclude(pk=ana_seat.pk).select_related(
            "membership__user", "membership__profile"
        )[0]
        partner_name = partner_seat.membership.profile.display_name
        sign_in(ana, base, *ANA)
        expect(ana.locator("#my-programs")).to_contain_text(partner_name)
        open_menu(ana)
        shot(ana, "navigation-phone.png")
        close_menu(ana)
        ana.get_by_role("link", name=PROGRAM).click()
        expect(ana.locator("#home-partner")).to_contain_text(partner_name)
        ana.locator("#home-meeting").get_by_role("link", name="Agree a time").click()
        ana.get_by_role("button", name="Propose this slot").first.click()

        # The partner (an imported member: given a password and a verified address here) accepts from their home.
        partner_user = User.objects.get(pk=partner_seat.membership.user_id)
        partner_user.set_password(PASSWORD)
        partner_user.save()
        EmailAddress.objects.update_or_create(
            user=partner_user,
            email=partner_user.email,
            defaults={"verified": True, "primary": True},
        )
        other = partner_desk.new_page()
        sign_in(other, base, partner_user.email, PASSWORD)
        other.get_by_role("link", name=PROGRAM).click()
        # Their home says Ana's proposal waits for their answer, and links to it.
        waiting = other.locator("#home-meeting")
        expect(waiting).to_contain_text("proposed a meeting time")
        waiting.get_by_role("link", name="Accept or decline it").click()
        other.get_by_role("button", name="Accept", exact=True).click()
        expect(other.get_by_text("Agreed:")).to_be_visible()

        # Ana: from the front page to her home, where the next meeting is; open it.
        ana.locator("a.brand").click()
        ana.get_by_role("link", name=PROGRAM).click()
        ana.locator("#home-meeting").get_by_role("link", name="Meeting page").click()
        expect(ana.get_by_role("heading", name=f"Meeting · {PROGRAM}")).to_be_visible()
        expect(ana.locator('nav[aria-label="breadcrumb"]')).to_contain_text(PROGRAM)

        # The cockpit at phone width, for the README.
        coordinator_phone = coordinator_phone_context.new_page()
        sign_in(coordinator_phone, base, *COORDINATOR)
        coordinator_phone.get_by_role("button", name="Open the cockpit").click()
        expect(coordinator_phone.locator("#next-step")).to_be_visible()
        shot(coordinator_phone, "cockpit-phone.png")

        # The coordinator, from the cockpit: the partnerships and their health.
        to_cockpit(coordinator)
        cockpit_page(coordinator, "Partnerships")
        expect(coordinator.get_by_role("heading", name="Partnerships", exact=True)).to_be_visible()
        health = coordinator.locator("table.partnership-health tbody")
        expect(health.locator("tr", has_text="Ana Souza")).to_contain_text("Active")
        expect(health.locator("tr", has_text="Ana Souza")).to_contain_text(partner_name)
        expect(
            coordinator.get_by_role("navigation", name="Filter by health").get_by_role(
                "link", name="Any health"
            )
        ).to_be_visible()
        shot(coordinator, "partnerships-list.png")

        # Ana's page, from the roster: her status and the partnerships she has had.
        to_cockpit(coordinator)
        cockpit_page(coordinator, "Members")
        coordinator.get_by_role("link", name="Ana Souza", exact=True).click()
        expect(coordinator.get_by_role("heading", name="Ana Souza", exact=True)).to_be_visible()
        expect(coordinator.locator("#member-status")).to_have_text("Matched")
        expect(coordinator.locator("#member-partnerships tbody")).to_contain_text(partner_name)
        shot(coordinator, "member-page.png")

        # An announcement: write, preview, send; the worker mails the members.
        to_cockpit(coordinator)
        cockpit_page(coordinator, "Announcements")
        coordinator.get_by_role("button", name="Write an announcement").click()
        coordinator.get_by_label("Subject").fill("Mid-point check-in")
        coordinator.locator("textarea[name=body]").fill(
            "Halfway there: tell us how your partnership is going."
        )
        coordinator.get_by_role("button", name="Preview").click()
        expect(coordinator.get_by_role("heading", name="Preview")).to_be_visible()
        expect(coordinator.locator('[data-count="recipients"]')).to_contain_text("get this email")
        coordinator.get_by_role("button", name="Send").click()
        expect(coordinator.get_by_role("heading", name="Announcements", exact=True)).to_be_visible()
        run_worker()
        sent = [m for m in mail.outbox if m.subject.endswith("Mid-point check-in")]
        assert sent, [m.subject for m in mail.outbox]
        assert [ANA[0]] in [m.to for m in sent], [m.to for m in sent]

        # The next cohort: copy the program into a draft and open its cockpit.
        to_cockpit(coordinator)
        cockpit_page(coordinator, "Next cohort")
        expect(coordinator.get_by_role("heading", name="Start the next cohort")).to_be_visible()
        coordinator.get_by_label("Name").fill(NEXT_PROGRAM)
        coordinator.get_by_role("button", name="Create the next cohort").click()
        expect(coordinator.get_by_text("is ready as a draft")).to_be_visible()
        coordinator.locator("nav.manage-nav").get_by_role("link", name="Cockpit").click()
        expect(coordinator.get_by_role("heading", name=NEXT_PROGRAM)).to_be_visible()
        expect(coordinator.locator("ol.stages li.current")).to_have_text("Draft")
        expect(coordinator.locator("#count-members")).to_have_text("0")
    assert not problems, problems
