"""The core forms work with JavaScript off: a browser that runs no script at all joins a
waitlist, signs in, saves the intake, writes a note and marks a meeting held.

htmx and Tandem's own scripts only enhance these pages; each form is a plain form that posts
and comes back with what happened.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Browser, expect

from tandem.core import clock
from tandem.matching.tests.helpers import member
from tandem.meetings.models import Meeting, Note
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.models import Program, WaitlistEntry
from tandem.programs.services.waitlist import WAITLIST_SIGNUP_ANSWER
from tandem.programs.tests.factories import PASSWORD, ProgramFactory
from tests.browser.helpers import failure_shots, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_core_forms_work_without_javascript(live_server: Any, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    base = live_server.url
    with failure_shots({"no-js-failure.png": page}):
        # The waitlist: the form posts and the page answers.
        waiting = ProgramFactory(name="Quiet Peers", status=Program.Status.WAITLIST)
        page.goto(f"{base}{waiting.get_absolute_url()}")
        page.get_by_label("Your email").fill("ada@example.org")
        page.get_by_role("button", name="Tell me when the doors open").click()
        expect(page.get_by_text(WAITLIST_SIGNUP_ANSWER)).to_be_visible()
        assert WaitlistEntry.objects.get(program=waiting).email == "ada@example.org"

        # Sign in with the form.
        program = ProgramFactory(name="Plain Peers", status=Program.Status.INTAKE_OPEN)
        ana = member(program, "Ana Plain", time_zone="Europe/Madrid")
        EmailAddress.objects.update_or_create(
            user=ana.user, email=ana.user.email, defaults={"verified": True, "primary": True}
        )
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email").fill(ana.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("link", name=ana.user.email)).to_be_visible()

        # The intake: the grid is plain checkboxes; tick one more and save.
        page.goto(f"{base}/p/{program.slug}/intake/")
        box = page.locator("table.availability input[value='5-600']")
        box.check()
        consent = page.locator("input[name=consent]")
        if not consent.is_checked():
            consent.check()
        page.get_by_role("button", name="Save my intake").click()
        expect(page).to_have_url(f"{base}/p/{program.slug}/next/")
        page.goto(f"{base}/p/{program.slug}/intake/")
        expect(page.locator("table.availability input[value='5-600']")).to_be_checked()

        # A note and marking a meeting held, in a partnership's past meeting.
        partnership, (seat, _ben) = partnership_make()
        sign_in_as(page, live_server, seat.membership.user)
        started = clock.now() - timedelta(hours=2)
        meeting = MeetingFactory(
            partnership=partnership, original_start=started, starts_at=started, duration_minutes=60
        )
        page.goto(f"{base}{meeting.get_absolute_url()}")
        page.get_by_label("Note (Markdown)").fill("Written with scripts off.")
        page.get_by_role("button", name="Save note").click()
        expect(page.get_by_text("Note saved.")).to_be_visible()
        assert Note.objects.get().body == "Written with scripts off."
        page.get_by_label("Held").check()
        page.locator("form.mark-form").get_by_role("button", name="Save").click()
        expect(page.get_by_text("Marked held.")).to_be_visible()
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.HELD
    context.close()
