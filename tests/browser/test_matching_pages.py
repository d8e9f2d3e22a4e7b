"""The matching journey in a real Chromium: run, swap, publish; the member sees the partner."""

import pytest
from django.conf import settings
from django.test import Client

from tandem.matching.tests.helpers import member
from tandem.partnerships.models import Partnership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tests.browser.helpers import FAILURES, SCREENSHOTS


def sign_in(page, live_server, user):
    """Give the browser a signed-in session for ``user``."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.browser
def test_coordinator_swaps_and_publishes_and_the_member_sees_the_partner(live_server, page):
    program = ProgramFactory(name="Skiers and speakers")
    coordinator = CoordinatorFactory(program=program).user
    people = {
        "Ana": member(program, "Ana", offers=["Spanish"], wants=["Skiing"], themes=["Leadership"]),
        "Ben": member(
            program,
            "Ben",
            offers=["Skiing"],
            wants=["Spanish"],
            themes=["Public speaking"],
            pronouns="he/him",
            goals_text="Order dinner in Spanish on my ski trip to Sierra Nevada.",
            time_zone="Europe/Madrid",
            availability=[[2, 19 * 60, 21 * 60]],
        ),
        "Cleo": member(
            program, "Cleo", offers=["Skiing"], wants=["Spanish"], themes=["Leadership"]
        ),
        "Dan": member(program, "Dan", offers=["Spanish"], wants=["Skiing"]),
    }
    outsider = member(ProgramFactory(), "Olga")

    try:
        sign_in(page, live_server, coordinator)
        page.goto(f"{live_server.url}/matching/{program.slug}/")
        page.get_by_role("button", name="Run matching").click()
        page.wait_for_selector("text=Ana teaches Spanish to Cleo; Cleo teaches Skiing to Ana")
        page.wait_for_selector("#score-chart[data-drawn='true']")

        page.get_by_label("Swap").select_option(str(people["Ben"].pk))
        page.get_by_label("with").select_option(str(people["Cleo"].pk))
        page.get_by_role("button", name="Swap", exact=True).click()
        page.wait_for_selector("text=Swapped; both proposals were scored again.")
        page.wait_for_selector("text=Ana teaches Spanish to Ben; Ben teaches Skiing to Ana")
        assert page.locator("text=Ana teaches Spanish to Cleo").count() == 0
        page.wait_for_selector("#score-chart[data-drawn='true']")
        page.screenshot(path=str(SCREENSHOTS / "match-review.png"), full_page=True)

        page.get_by_role("button", name="Publish 2 proposals").click()
        page.wait_for_selector("text=Published: 2 partnerships created.")

        partnership = Partnership.objects.get(seats__membership=people["Ana"])
        sign_in(page, live_server, people["Ana"].user)
        page.goto(f"{live_server.url}/partnerships/")
        page.get_by_role("link", name="Skiers and speakers").click()
        page.wait_for_selector("h1:has-text('You and Ben')")
        partner = page.locator(".partner").inner_text()
        assert "(he/him)" in partner
        assert "Order dinner in Spanish" in partner
        assert "Europe/Madrid" in partner
        why = page.locator(".why-matched").inner_text()
        assert "Ana teaches Spanish to Ben; Ben teaches Skiing to Ana" in why
        page.screenshot(path=str(SCREENSHOTS / "partnership.png"), full_page=True)

        sign_in(page, live_server, outsider.user)
        response = page.goto(f"{live_server.url}{partnership.get_absolute_url()}")
        assert response is not None and response.status == 404
    except Exception:
        page.screenshot(path=str(FAILURES / "match-journey-failure.png"))
        raise
