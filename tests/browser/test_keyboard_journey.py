"""A member uses Tandem with the keyboard alone, in a real Chromium.

Ana ticks a half hour in the intake's availability grid with the arrow keys and Space (the
grid is one stop in the Tab order; each box says its day, time and state), saves the intake,
accepts the ground rules her partner proposed, starts the meeting's turns and writes a note,
never touching the mouse. Every control she reaches shows where the focus is, and after each
htmx swap the focus lands in what changed, and after a form is sent on the message that
says what happened, not back at the top of the page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tandem.matching.tests.helpers import member
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.partnerships.services import agreement as sa
from tandem.programs.models import Program
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import failure_shots, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_OUTLINE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page: Page, selector: str, *, text: str = "", limit: int = 200) -> None:
    """Press Tab until the focused element matches ``selector`` (and holds ``text``); it must
    show its focus."""
    for _ in range(limit):
        if page.evaluate(
            "([s, t]) => document.activeElement.matches(s)"
            " && document.activeElement.textContent.includes(t)",
            [selector, text],
        ):
            assert page.evaluate(FOCUS_OUTLINE), f"no visible focus on {selector}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focused(page: Page, expression: str) -> Any:
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def test_a_member_fills_the_grid_agrees_meets_and_writes_a_note_with_the_keyboard(
    live_server: Any, page: Page
) -> None:
    problems = watch_for_problems(page)
    with failure_shots({"keyboard-failure.png": page}):
        intake_program = ProgramFactory(name="Keyboard Peers", status=Program.Status.INTAKE_OPEN)
        ana = member(intake_program, "Ana Keys", time_zone="Europe/Madrid")
        sign_in_as(page, live_server, ana.user)
        page.goto(f"{live_server.url}/p/{intake_program.slug}/intake/")

        # The grid: one Tab stop; arrows move; Space ticks; Tab leaves the grid at once.
        tab_to(page, "table.availability input[type=checkbox]")
        assert page.locator("table.availability input[tabindex='0']").count() == 1
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        label = focused(page, "el.getAttribute('aria-label')")
        value = focused(page, "el.value")
        was_checked = focused(page, "el.checked")
        page.keyboard.press("Space")
        assert focused(page, "el.checked") is (not was_checked), label
        assert page.locator("table.availability input[tabindex='0']").get_attribute("value") == (
            value
        )
        page.keyboard.press("Tab")
        assert not focused(page, "!!el.closest('table.availability')")

        consent = "input[name=consent]"
        if not page.locator(consent).is_checked():
            tab_to(page, consent)
            page.keyboard.press("Space")
        tab_to(page, "form.intake button[type=submit]")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live_server.url}/p/{intake_program.slug}/next/")
        page.goto(f"{live_server.url}/p/{intake_program.slug}/intake/")
        box = page.locator(f"table.availability input[value='{value}']")
        assert box.is_checked() is (not was_checked), f"{label} was not saved"

        # The ground rules Ben proposed: tick the promise with Space, accept with Enter.
        partnership, (ana_seat, ben_seat) = partnership_make(
            confidentiality_rules="What we say stays between us."
        )
        sa.agreement_propose(
            partnership=partnership,
            user=ben_seat.membership.user,
            content=sa.AgreementContent(
                cadence_weeks=2,
                meeting_minutes=30,
                channel="video",
                where="https://meet.example.org/ana-ben",
                goals=(
                    sa.Goal(
                        seat_id=ana_seat.pk, text="Speak up in meetings", deadline=date(2027, 4, 1)
                    ),
                ),
                incentive="Coffee",
            ),
            base_number=None,
        )
        sign_in_as(page, live_server, ana_seat.membership.user)
        page.goto(f"{live_server.url}/partnerships/{partnership.pk}/agreement/")
        tab_to(page, "input[name=promise]")
        page.keyboard.press("Space")
        tab_to(page, "button", text="Accept version 1")
        page.keyboard.press("Enter")
        expect(page.get_by_text("You accepted version 1.")).to_be_visible()
        expect(page.locator(":focus")).to_have_text("You accepted version 1.")

        # The meeting: start the turns with Enter; the focus stays in the timer it swapped in,
        # and the new turn is announced politely.
        meeting = MeetingFactory(partnership=partnership, duration_minutes=30)
        page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        tab_to(page, "#timer button")
        page.keyboard.press("Enter")
        expect(page.locator("#timer [data-countdown]")).to_be_visible()
        expect(page.locator("#timer-announce")).to_contain_text("turn")
        # (polled: the timer refreshes itself every 5 s, and focus follows it into each copy)
        expect(page.locator("#timer:focus, #timer :focus")).to_have_count(1)

        # A note, typed and saved from the keyboard.
        tab_to(page, "textarea[name=body]")
        page.keyboard.type("Ana spoke first and kept to time.")
        tab_to(page, "button", text="Save note")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Note saved.")).to_be_visible()
        expect(page.locator("article.note")).to_contain_text("kept to time")
        expect(page.locator(":focus")).to_have_id("notes")  # where the answer points
    assert not problems, problems
