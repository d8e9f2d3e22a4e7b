"""Two partners fill their first worksheet together at their first meeting, in real browsers.

Ana (at her desk) and Ben (on his phone) each open their first meeting's page and follow its
link to "Getting to know each other and our ground rules". Ana saves one answer on its own
(htmx); Ben sees it when his page loads, adds his list and saves the whole form; Ana sees his
list after a reload. When both change the same answer, the later save is refused with the
other's words and loses nothing. Screenshots ``worksheet.png`` and ``worksheet-phone.png``.
"""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tandem.core import clock
from tandem.matching.tests.helpers import member
from tandem.meetings.models import Meeting
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Program
from tandem.programs.tests.factories import ProgramFactory
from tandem.worksheets.models import WorksheetAnswer
from tandem.worksheets.services import worksheet_defaults_add
from tests.browser.helpers import failure_shots, shot, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Getting to know each other and our ground rules"
ABOUT = "What each of us does, and what brought us to this program"
TEACH = "What each of us can teach the other"
ANA_ABOUT = "Ana runs a bakery; Ben teaches maths. We joined to learn from a different world."
BEN_TEACH = "Ana: bread and budgeting\nBen: algebra for the accounts"


def first_meeting() -> tuple[Meeting, Any, Any]:
    program = ProgramFactory(name="Harbour Peers", status=Program.Status.RUNNING)
    worksheet_defaults_add(program=program, actor=None)
    ana = member(program, "Ana Ruiz", time_zone="Europe/Madrid")
    ben = member(program, "Ben Carter", time_zone="Europe/Madrid")
    partnership = partnership_create_from_match(program=program, memberships=[ana, ben])
    starts = clock.now() + timedelta(hours=1)
    meeting = Meeting.objects.create(
        partnership=partnership,
        original_start=starts,
        starts_at=starts,
        duration_minutes=60,
        time_zone="Europe/Madrid",
    )
    return meeting, ana, ben


def test_two_partners_fill_the_first_worksheet_at_their_first_meeting(
    live_server: Any, browser: Browser
) -> None:
    desk = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Madrid")
    phone = browser.new_context(
        viewport=PHONE, locale="en-GB", timezone_id="Europe/Madrid", is_mobile=True
    )
    ana_page, ben_page = desk.new_page(), phone.new_page()
    with (
        closing(desk),
        closing(phone),
        failure_shots(
            {"ana-worksheet-failure.png": ana_page, "ben-worksheet-failure.png": ben_page}
        ),
    ):
        journey(live_server, ana_page, ben_page)


def journey(live_server: Any, ana_page: Page, ben_page: Page) -> None:
    base = live_server.url
    meeting, ana, ben = first_meeting()
    ana_problems, ben_problems = watch_for_problems(ana_page), watch_for_problems(ben_page)

    # Ana opens the worksheet from the meeting's page and saves one answer on its own.
    sign_in_as(ana_page, live_server, ana.user)
    ana_page.goto(f"{base}{meeting.get_absolute_url()}")
    ana_page.get_by_role("link", name=TITLE).click()
    expect(ana_page.get_by_role("heading", name=TITLE)).to_be_visible()
    # The heading shows before htmx (a deferred script) starts; a click sooner is a plain post.
    ana_page.wait_for_load_state()
    ana_page.get_by_label(ABOUT).fill(ANA_ABOUT)
    about = ana_page.locator(".worksheet-question", has=ana_page.get_by_label(ABOUT))
    about.get_by_role("button", name="Save this answer").click()
    expect(about).to_contain_text("Saved.")
    expect(about).to_contain_text("Last saved by Ana Ruiz")

    # Ben, on his phone, sees Ana's answer, adds his list and saves the whole form.
    sign_in_as(ben_page, live_server, ben.user)
    ben_page.goto(f"{base}{meeting.get_absolute_url()}")
    ben_page.get_by_role("link", name=TITLE).click()
    expect(ben_page.get_by_label(ABOUT)).to_have_value(ANA_ABOUT)
    ben_page.get_by_label(TEACH).fill(BEN_TEACH)
    ben_page.get_by_role("button", name="Save all answers").click()
    expect(ben_page.get_by_text("Saved. Your partners see your answers")).to_be_visible()
    ben_page.wait_for_load_state()
    expect(ben_page.get_by_label(TEACH)).to_have_value(BEN_TEACH)
    shot(ben_page, "worksheet-phone.png")

    # Ana reloads and sees Ben's list.
    ana_page.reload()
    expect(ana_page.get_by_label(TEACH)).to_have_value(BEN_TEACH)

    # Both change Ana's answer; Ben's later save is refused with Ana's words, his kept.
    ana_page.get_by_label(ABOUT).fill(ANA_ABOUT + " Mostly on Wednesdays.")
    about = ana_page.locator(".worksheet-question", has=ana_page.get_by_label(ABOUT))
    about.get_by_role("button", name="Save this answer").click()
    expect(about).to_contain_text("Saved.")
    ben_page.get_by_label(ABOUT).fill("Ben's version of us")
    ben_about = ben_page.locator(".worksheet-question", has=ben_page.get_by_label(ABOUT))
    ben_about.get_by_role("button", name="Save this answer").click()
    expect(ben_about).to_contain_text("Ana Ruiz saved this answer while you were writing")
    expect(ben_page.get_by_label(ABOUT)).to_have_value("Ben's version of us")
    assert WorksheetAnswer.objects.get(question__prompt=ABOUT).value.endswith("Wednesdays.")
    shot(ana_page, "worksheet.png")

    assert not ana_problems, ana_problems
    assert not ben_problems, ben_problems
