"""Imported members in a real browser: import a file, send set-up links, set a password, review.

The coordinator imports a small member file and sends "set up your account" invitations; the
worker emails them; one member sets a password on the account the import created and lands
on the intake, pre-filled from the file, to review it and agree to the rules.
"""

from __future__ import annotations

import re
from contextlib import closing
from typing import cast

import pytest
from django.core import mail
from playwright.sync_api import expect

from tandem.accounts.models import User
from tandem.interchange.members_csv import HEADERS
from tandem.programs.models import Membership, Profile, Program
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.programs.views.invitations import ACCOUNT_SETUP_DONE, ACCOUNT_SETUP_SENT
from tests.browser.helpers import cell, failure_shots, run_worker, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ROWS = [
    "ana@example.org,Ana Souza,she/her,Europe/Madrid,Mon 18:00-20:00,Spanish,Python,"
    "public speaking,mid,Northwind Health,Marketing,English; Spanish,video,",
    "ben@example.org,Ben Okafor,he/him,America/New_York,Mon 12:00-14:00,Python; SQL,Spanish,"
    "confidence,early,Acme Logistics,Engineering,English,video,",
    "chen@example.org,Chen Wei,,Asia/Singapore,,,,,,,,,,",
]


def test_imported_member_sets_a_password_and_reviews_the_prefilled_intake(
    live_server, page, browser, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    program = cast(Program, ProgramFactory(name="Peer Mentoring Circle", slug="circle"))
    CoordinatorFactory(program=program, user=UserFactory(email="cora@example.org"))
    members_file = tmp_path / "members.csv"
    members_file.write_text("\n".join([",".join(HEADERS), *ROWS]) + "\n")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    coordinator_page = desk.new_page()
    failures = {"member-failure.png": page, "coordinator-failure.png": coordinator_page}
    with closing(desk), failure_shots(failures):
        # The coordinator imports the file, then sends the set-up invitations.
        coordinator_page.goto(f"{base}/accounts/login/")
        coordinator_page.get_by_label("Email").fill("cora@example.org")
        coordinator_page.get_by_label("Password").fill(PASSWORD)
        coordinator_page.get_by_role("button", name="Sign In").click()
        coordinator_page.goto(f"{base}/p/circle/manage/import/")
        coordinator_page.get_by_label("Member CSV file").set_input_files(str(members_file))
        coordinator_page.get_by_role("button", name="Preview").click()
        coordinator_page.get_by_role("button", name="Import 3 members").click()
        expect(coordinator_page.get_by_role("status")).to_contain_text("3 new")
        users_after_import = User.objects.count()

        coordinator_page.get_by_role(
            "link", name="Invite imported members to set up their accounts"
        ).click()
        expect(coordinator_page.get_by_role("row", name=re.compile("Ben Okafor"))).to_contain_text(
            "Not sent yet"
        )
        shot(coordinator_page, "account-setup.png")
        coordinator_page.get_by_role("button", name="Send 3 set-up invitations").click()
        expect(coordinator_page.get_by_role("status")).to_have_text(
            ACCOUNT_SETUP_SENT.format(count=3, noun="members")
        )
        assert mail.outbox == []  # queued for the worker
        run_worker()
        assert sorted(m.to[0] for m in mail.outbox) == [
            "ana@example.org",
            "ben@example.org",
            "chen@example.org",
        ]
        coordinator_page.reload()
        expect(
            coordinator_page.get_by_role("button", name="Send 0 set-up invitations")
        ).to_be_disabled()

        # Ben follows his link and chooses a password for the account the import made.
        message = next(m for m in mail.outbox if m.to == ["ben@example.org"])
        assert message.subject == "Set up your Tandem account for Peer Mentoring Circle"
        found = re.search(r"https?://\S+/p/invitation/\S+/", str(message.body))
        assert found
        page.goto(found.group(0))
        expect(page.get_by_role("heading", name="Set up your account")).to_be_visible()
        expect(page.get_by_text("ben@example.org")).to_be_visible()
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill("not the same")
        page.get_by_role("button", name="Set my password").click()
        expect(page.get_by_text("The two passwords are not the same")).to_be_visible()
        shot(page, "set-password.png")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill(PASSWORD)
        page.get_by_role("button", name="Set my password").click()

        # The intake holds what the file said; Ben reviews it and agrees to the rules.
        expect(page.get_by_role("status")).to_have_text(ACCOUNT_SETUP_DONE)
        expect(page.get_by_role("heading", name="Tell us about your goals")).to_be_visible()
        expect(page.get_by_role("link", name="ben@example.org")).to_be_visible()  # signed in
        expect(page.get_by_label("Name to show your partner")).to_have_value("Ben Okafor")
        expect(page.locator("#id_time_zone")).to_have_value("America/New_York")
        expect(page.locator("#id_offers")).to_have_value(re.compile(r"Python; SQL"))
        expect(cell(page, 0, 720)).to_have_class(re.compile(r"\bon\b"))
        expect(cell(page, 0, 810)).to_have_class(re.compile(r"\bon\b"))
        expect(cell(page, 0, 840)).not_to_have_class(re.compile(r"\bon\b"))
        consent = page.get_by_label("I agree to the program's confidentiality rules")
        expect(consent).not_to_be_checked()
        consent.check()
        page.get_by_role("button", name="Save my intake").click()
        expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
        expect(page.get_by_text("Mon 12:00-14:00")).to_be_visible()

        assert User.objects.count() == users_after_import  # the same account, not a second
        ben = User.objects.get(email="ben@example.org")
        assert ben.check_password(PASSWORD)
        profile = Profile.objects.get(membership__user=ben)
        assert profile.consent_at is not None
        assert Membership.objects.get(user=ben).status == Membership.Status.READY
