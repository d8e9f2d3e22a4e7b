"""A partner opens "Your first month" from the partnership page on a phone, in a real browser.

Ben (New York, on his phone) is matched with Ana (Madrid): both are free on Wednesdays at the
same hours. From the partnership page he follows "Preview your first month" and reads the
suggested meetings at his own noon, how turns go and what to prepare, on a page that fits the
phone's width. Screenshot ``first-month-phone.png``.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tandem.matching.tests.helpers import member
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Program
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import failure_shots, shot, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_partner_opens_the_first_month_from_the_partnership_page_on_a_phone(
    live_server: Any, browser: Browser
) -> None:
    program = ProgramFactory(name="Harbour Peers", status=Program.Status.RUNNING)
    ana = member(
        program, "Ana Ruiz", time_zone="Europe/Madrid", availability=[[2, 18 * 60, 20 * 60]]
    )
    ben = member(
        program, "Ben Carter", time_zone="America/New_York", availability=[[2, 12 * 60, 14 * 60]]
    )
    partnership = partnership_create_from_match(program=program, memberships=[ana, ben])
    phone = browser.new_context(
        viewport=PHONE, locale="en-US", timezone_id="America/New_York", is_mobile=True
    )
    page = phone.new_page()
    with closing(phone), failure_shots({"first-month-failure.png": page}):
        problems = watch_for_problems(page)
        sign_in_as(page, live_server, ben.user)
        page.goto(f"{live_server.url}{partnership.get_absolute_url()}")
        page.get_by_role("button", name="Preview your first month").click()

        expect(page.get_by_role("heading", name="Your first month", level=1)).to_be_visible()
        meetings = page.locator(".first-month-meetings li")
        expect(meetings.first).to_contain_text("12:00")
        expect(meetings.first).to_contain_text("18:00 for Ana Ruiz (Europe/Madrid)")
        expect(page.get_by_text("in your time (America/New_York)")).to_be_visible()
        expect(
            page.get_by_text("Ana Ruiz takes the first turn as mentee, and you take")
        ).to_be_visible()
        expect(page.get_by_role("heading", name="What to prepare")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("button", name="Pick a time on the schedule page").click()
        expect(page).to_have_url(f"{live_server.url}/meetings/partnership/{partnership.pk}/")
        page.go_back()
        shot(page, "first-month-phone.png")
        assert problems == []
