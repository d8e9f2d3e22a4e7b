"""Two partners agree their ground rules in a real Chromium: one proposes, the other edits,
both accept."""

import pytest

from tandem.partnerships.models import AgreementVersion
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import FAILURES, sign_in_as


@pytest.mark.browser
def test_two_partners_agree_their_ground_rules(live_server, page):
    program = ProgramFactory(
        name="Skiers and speakers",
        cadence_weeks=2,
        meeting_minutes=60,
        confidentiality_rules="What we say in our meetings stays between us.",
    )
    partnership, people = partnership_of(program, "Ana", "Ben")
    try:
        sign_in_as(page, live_server, people["Ana"].user)
        page.goto(f"{live_server.url}{partnership.get_absolute_url()}")
        page.wait_for_selector("#agreement-section >> text=No ground rules yet.")  # htmx loaded
        page.locator("#agreement-section").get_by_role("link", name="Propose them").click()
        page.get_by_role("button", name="Propose ground rules").click()
        page.get_by_label("How you meet").select_option("video")
        page.get_by_label("Where").fill("https://meet.example.org/ana-ben")
        ana_goals = page.locator("fieldset", has_text="Ana's goals")
        ana_goals.get_by_label("Goal 1", exact=True).fill("Give a five-minute talk in Spanish")
        ana_goals.get_by_label("Deadline of goal 1").fill("2027-04-01")
        page.get_by_label("Incentive for reaching your goals").fill("Paella together")
        page.get_by_role("button", name="Save the proposal").click()
        page.wait_for_selector("text=Saved as version 1.")

        sign_in_as(page, live_server, people["Ben"].user)
        page.goto(f"{live_server.url}/partnerships/{partnership.pk}/agreement/")
        page.wait_for_selector("text=Give a five-minute talk in Spanish")
        page.get_by_role("button", name="Edit the ground rules").click()
        ben_goals = page.locator("fieldset", has_text="Ben's goals")
        ben_goals.get_by_label("Goal 1", exact=True).fill("Ski a red run without stopping")
        ben_goals.get_by_label("Deadline of goal 1").fill("2027-02-28")
        page.get_by_label("Meet every (weeks)").fill("3")
        page.get_by_role("button", name="Save as version 2").click()
        page.wait_for_selector("text=Saved as version 2.")
        page.get_by_label("I keep the confidentiality promise above.").check()
        page.get_by_role("button", name="Accept version 2").click()
        page.wait_for_selector("text=You accepted version 2.")
        page.wait_for_selector("#agreement-status >> text=Waiting for Ana.")

        sign_in_as(page, live_server, people["Ana"].user)
        page.goto(f"{live_server.url}/partnerships/{partnership.pk}/agreement/")
        history = page.locator("#agreement-history").inner_text()
        assert "how often, Ben's goals" in history
        page.get_by_label("I keep the confidentiality promise above.").check()
        page.get_by_role("button", name="Accept version 2").click()
        page.wait_for_selector("text=Everyone accepted version 2: your ground rules are agreed.")
        page.wait_for_selector("#agreement-status >> text=Agreed")
        page.screenshot(path=str(FAILURES / "agreement-unit.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(FAILURES / "agreement-failure.png"), full_page=True)
        raise
    version = AgreementVersion.objects.get(number=2)
    assert version.agreed_at is not None
    assert version.cadence_weeks == 3
