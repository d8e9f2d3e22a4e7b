"""A program's life, clicked through in real browsers (issue 11's journey).

The coordinator matches Ana and Ben from the cockpit and publishes; Ana, on her phone, finds
her partner and previews her first month; at their first meeting Ana and Ben fill the first
worksheet together; the coordinator finds an overdue partnership in the cockpit's support
queue and records a check-in; Ana ends the partnership with the closing guide and the exit
survey. With ``TANDEM_SCREENSHOTS=1`` the pages are saved into docs/screenshots/ (the README
shows them).
"""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tandem.core import clock
from tandem.matching.tests.helpers import member
from tandem.meetings.models import Meeting
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Program
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tandem.support.models import CheckIn
from tandem.worksheets.models import WorksheetAnswer
from tandem.worksheets.services import worksheet_defaults_add
from tests.browser.helpers import failure_shots, run_worker, shot, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PROGRAM = "Harbour Peers"
WORKSHEET = "Getting to know each other and our ground rules"
ABOUT = "What each of us does, and what brought us to this program"


def _seed() -> tuple[Any, Any, Any, Any, Partnership]:
    program = ProgramFactory(name=PROGRAM, status=Program.Status.INTAKE_OPEN)
    worksheet_defaults_add(program=program, actor=None)
    coordinator = CoordinatorFactory(program=program, user__name="Cora Coordinator").user
    evenings = [[day, 17 * 60, 21 * 60] for day in range(5)]
    ana = member(
        program, "Ana Ruiz", offers=["Spanish"], wants=["Budgeting"],
        time_zone="Europe/Madrid", availability=evenings,
    )  # fmt: skip
    ben = member(
        program, "Ben Carter", offers=["Budgeting"], wants=["Spanish"],
        time_zone="Europe/Madrid", availability=evenings,
    )  # fmt: skip
    # A partnership from an earlier round that has not met for weeks: the support queue's.
    late, _people = partnership_of(program, "Cleo", "Dan")
    Partnership.objects.filter(pk=late.pk).update(started_at=clock.now() - timedelta(days=40))
    return program, coordinator, ana, ben, late


def test_a_program_from_matching_to_a_good_ending(live_server: Any, browser: Browser, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    _program, coordinator, ana, ben, late = _seed()
    desk = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Madrid")
    phone = browser.new_context(
        viewport=PHONE, locale="en-GB", timezone_id="Europe/Madrid", is_mobile=True
    )
    ben_desk = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="Europe/Madrid")
    cora, ana_page, ben_page = desk.new_page(), phone.new_page(), ben_desk.new_page()
    problems = watch_for_problems(cora) + watch_for_problems(ana_page)
    shots = {"life-cora-failure.png": cora, "life-ana-failure.png": ana_page}
    with closing(desk), closing(phone), closing(ben_desk), failure_shots(shots):
        # The coordinator matches from the cockpit and publishes.
        sign_in_as(cora, live_server, coordinator)
        cora.goto(f"{base}/")
        cora.get_by_role("button", name="Open the cockpit").click()
        cora.locator("ul.cockpit-pages").get_by_role("link", name="Matching", exact=True).click()
        cora.get_by_role("button", name="Run matching").click()
        run_worker()
        publish = cora.locator("#publish")
        expect(publish).to_be_visible(timeout=30_000)
        shot(cora, "life-match-review.png")
        publish.click()
        expect(cora.get_by_text("partnerships created")).to_be_visible()
        run_worker()  # the introductions
        seat = PartnershipMember.objects.select_related("partnership").get(
            membership=ana, active=True
        )
        partnership = seat.partnership
        assert set(partnership.seats.values_list("membership_id", flat=True)) == {ana.pk, ben.pk}

        # Ana, on her phone: her partner on her home, then the preview of her first month.
        sign_in_as(ana_page, live_server, ana.user)
        ana_page.goto(f"{base}/")
        ana_page.get_by_role("link", name=PROGRAM).click()
        expect(ana_page.locator("#home-partner")).to_contain_text("Ben Carter")
        ana_page.locator("#home-partner").get_by_role("link").first.click()
        ana_page.get_by_role("button", name="Preview your first month").click()
        expect(ana_page.get_by_role("heading", name="Your first month", level=1)).to_be_visible()
        expect(ana_page.get_by_role("heading", name="What to prepare")).to_be_visible()
        assert ana_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(ana_page, "life-first-month-phone.png")

        # Their first meeting: both open the first worksheet from its page and fill it.
        starts = clock.now() + timedelta(hours=1)
        meeting = Meeting.objects.create(
            partnership=partnership, original_start=starts, starts_at=starts,
            duration_minutes=60, time_zone="Europe/Madrid",
        )  # fmt: skip
        ana_page.goto(f"{base}{meeting.get_absolute_url()}")
        ana_page.get_by_role("link", name=WORKSHEET).click()
        ana_page.get_by_label(ABOUT).fill("Ana teaches Spanish; Ben keeps the books.")
        question = ana_page.locator(".worksheet-question", has=ana_page.get_by_label(ABOUT))
        question.get_by_role("button", name="Save this answer").click()
        expect(question).to_contain_text("Saved.")
        sign_in_as(ben_page, live_server, ben.user)
        ben_page.goto(f"{base}{meeting.get_absolute_url()}")
        ben_page.get_by_role("link", name=WORKSHEET).click()
        expect(ben_page.get_by_label(ABOUT)).to_have_value(
            "Ana teaches Spanish; Ben keeps the books."
        )
        shot(ben_page, "life-worksheet.png")
        assert WorksheetAnswer.objects.filter(worksheet__partnership=partnership).exists()

        # The coordinator: the cockpit's support queue names the overdue partnership.
        cora.goto(f"{base}/")
        cora.get_by_role("button", name="Open the cockpit").click()
        cora.get_by_role("button", name="1 partnership to check in with").click()
        row = cora.locator(f"#support-{late.pk}")
        expect(row).to_contain_text("Overdue")
        row.get_by_role("button", name="Check in").click()
        cora.get_by_label("Phone or video call").check()
        cora.get_by_label("Going well").check()
        cora.get_by_role("button", name="Record the check-in").click()
        expect(cora.get_by_text("Check-in recorded.")).to_be_visible()
        assert CheckIn.objects.get().partnership_id == late.pk
        shot(cora, "life-support.png")

        # Ana ends the partnership well: the guide, the exit survey.
        ana_page.goto(f"{base}{partnership.get_absolute_url()}")
        ana_page.get_by_role("link", name="Pause, end or ask for a new match").click()
        ana_page.get_by_label("Why does the partnership end?").select_option("goals_reached")
        ana_page.get_by_role("button", name="End the partnership").click()
        ana_page.get_by_role("button", name="Close well: the closing page").click()
        expect(ana_page.locator("#closing-guide")).to_contain_text("What we keep doing.")
        ana_page.locator('input[name="usefulness"][value="5"]').check()
        ana_page.get_by_label("What worked well? (optional)").fill("Meeting every Wednesday")
        ana_page.get_by_label("Yes", exact=True).check()
        ana_page.get_by_role("button", name="Send my answers").click()
        expect(ana_page.locator("#survey-done")).to_be_visible()
        shot(ana_page, "life-closing-phone.png")
    assert not problems, problems
