"""Right-to-left ready: with a right-to-left language switched on (Arabic, added here only to
the settings, with no translation yet), the pages turn to dir="rtl" and their layout mirrors
without breaking: the brand sits on the right, nothing scrolls sideways on a phone, bars and
borders that mark the start of a block move to the right, and the grid's arrow keys follow
the reading direction."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tandem.matching.tests.helpers import member
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.models import Program
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import failure_shots, shot, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _check_mirrored(page: Page, what: str) -> None:
    assert page.evaluate("document.documentElement.dir") == "rtl", what
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways ({width}px)"
    brand = page.locator("a.brand").bounding_box()
    assert brand and brand["x"] > PHONE["width"] / 2, f"{what}: the brand is not on the right"


def test_pages_mirror_under_a_right_to_left_language(
    live_server: Any, browser: Browser, settings: Any
) -> None:
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    with failure_shots({"rtl-failure.png": page}):
        program = ProgramFactory(name="Mirror Peers", status=Program.Status.INTAKE_OPEN)
        ana = member(program, "Ana Mirror", time_zone="Europe/Madrid")
        ana.user.language = "ar"
        ana.user.save(update_fields=["language"])
        sign_in_as(page, live_server, ana.user)
        page.goto(f"{live_server.url}/")
        _check_mirrored(page, "the front page")

        page.goto(f"{live_server.url}/p/{program.slug}/intake/")
        _check_mirrored(page, "the intake")
        page.locator("table.availability input[tabindex='0']").focus()
        before = page.evaluate("document.activeElement.value")
        page.keyboard.press("ArrowLeft")  # towards the next day, as the days run right to left
        after = page.evaluate("document.activeElement.value")
        assert int(after.split("-")[0]) == int(before.split("-")[0]) + 1, (before, after)
        shot(page, "rtl-intake-phone.png")

        partnership, (seat, _ben) = partnership_make()
        seat.membership.user.language = "ar"
        seat.membership.user.save(update_fields=["language"])
        sign_in_as(page, live_server, seat.membership.user)
        meeting = MeetingFactory(partnership=partnership)
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        _check_mirrored(page, "the meeting page")
        page.get_by_role("button", name="Start the turns").click()
        # The timer's swap marks the current turn; wait for it before reading its bar.
        page.locator(".turn.current article").wait_for()
        bar = page.evaluate(
            """() => {
              const turn = document.querySelector('.turn.current article');
              const bar = getComputedStyle(turn, '::before');
              return [bar.right, bar.left];
            }"""
        )
        assert bar[0] == "0px", f"the current turn's bar is not at the start (right): {bar}"
    context.close()
