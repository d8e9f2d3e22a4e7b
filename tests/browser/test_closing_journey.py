"""Closing well in a real Chromium: Ana ends her partnership, reads the closing-meeting guide,
answers the exit survey and chooses to stay in touch; once Ben chooses it too, she sees his
email address."""

import pytest
from playwright.sync_api import Page

from tandem.partnerships.services.closing import closing_choice_set
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import failure_shots, shot, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_ends_reads_the_guide_answers_the_survey_and_stays_in_touch(
    live_server, page: Page
) -> None:
    program = ProgramFactory(name="Skiers and speakers", status="running")
    partnership, people = partnership_of(program, "Ana", "Ben")
    problems = watch_for_problems(page)
    with failure_shots({"closing-failure.png": page}):
        sign_in_as(page, live_server, people["Ana"].user)
        page.goto(f"{live_server.url}/partnerships/{partnership.pk}/life/")
        page.wait_for_selector("text=Partnerships end; that is fine.")
        page.get_by_label("Why does the partnership end?").select_option("goals_reached")
        page.get_by_role("button", name="End the partnership").click()
        page.get_by_role("button", name="Close well: the closing page").click()

        page.wait_for_selector("#closing-guide >> text=What we keep doing.")
        page.locator('input[name="usefulness"][value="5"]').check()
        page.get_by_label("What worked well? (optional)").fill("Talking every Wednesday")
        page.get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_selector("#survey-done")
        assert page.get_by_role("button", name="Send my answers").count() == 0

        page.get_by_label("Stay in touch with Ben").check()
        page.get_by_role("button", name="Save my choices").click()
        page.wait_for_selector("text=Your choices are saved.")
        assert "ben@example.org" not in page.locator("#stay-in-touch").inner_text()
        closing_choice_set(
            partnership=partnership, user=people["Ben"].user, stay_in_touch=True,
            alumni_listed=False,
        )  # fmt: skip
        page.reload()
        page.wait_for_selector("#partners-in-touch >> text=ben@example.org")
        shot(page, "closing-page.png")
    assert not problems, problems
