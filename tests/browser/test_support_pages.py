"""A coordinator checks in with an overdue partnership in a real Chromium, desktop and phone."""

from datetime import timedelta

import pytest

from tandem.core import clock
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.models import Partnership
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tandem.support.models import CheckIn
from tests.browser.helpers import SCREENSHOTS, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed():
    program = ProgramFactory(status="running", name="Peer Mentoring Circle")
    coordinator = CoordinatorFactory(program=program, user__name="Cora Coordinator").user
    late, _ = partnership_of(program, "Ana", "Ben")
    quiet, _ = partnership_of(program, "Cleo", "Dan")
    fine, _ = partnership_of(program, "Eve", "Femi")
    Partnership.objects.filter(pk=late.pk).update(started_at=clock.now() - timedelta(days=40))
    Partnership.objects.filter(pk=quiet.pk).update(started_at=clock.now() - timedelta(days=16))
    at = clock.now() - timedelta(days=33)
    MeetingFactory(
        partnership=late, original_start=at, starts_at=at, duration_minutes=60, status="held"
    )
    return program, coordinator, late, fine


def test_a_coordinator_finds_an_overdue_check_in_from_the_cockpit_and_records_it(live_server, page):
    program, coordinator, late, _fine = _seed()
    sign_in_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/cockpit/")
    page.get_by_role("button", name="2 partnerships to check in with").click()
    page.wait_for_selector("h1:has-text('Support check-ins')")
    row = page.locator(f"#support-{late.pk}")
    assert "Overdue" in row.inner_text()
    assert "After its first meeting" in row.inner_text()
    assert (
        "No meeting held in the first two weeks" in page.locator("table.support-queue").inner_text()
    )
    page.screenshot(path=str(SCREENSHOTS / "support.png"), full_page=True)

    row.get_by_role("button", name="Check in").click()
    page.get_by_label("Phone or video call").check()
    page.get_by_label("Needs a hand").check()
    page.get_by_label("When (empty for today)").fill(
        (clock.today() + timedelta(days=2)).isoformat()
    )
    page.get_by_role("button", name="Record the check-in").click()
    page.wait_for_selector("text=A check-in cannot happen in the future")
    assert not CheckIn.objects.exists()
    page.get_by_label("When (empty for today)").fill("")
    page.get_by_label("Note for the program's coordinators").fill("Ben is travelling; call in May.")
    page.get_by_role("button", name="Record the check-in").click()
    page.wait_for_selector("text=Check-in recorded.")
    assert "Overdue" not in page.locator("table.support-queue").inner_text()
    assert CheckIn.objects.get().outcome == "needs_a_hand"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/support/{program.slug}/partnerships/{late.pk}/")
    page.wait_for_selector("text=Ben is travelling; call in May.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SCREENSHOTS / "support-check-in-phone.png"), full_page=True)
