"""The axe-core checks every journey runs (tests/browser/axe.py) do catch a violation."""

import pytest
from playwright.sync_api import expect

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_page_that_breaks_a_rule_is_reported_at_both_widths(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    html = page.content().replace("</main>", '<img src="/static/none.png"></main>')
    before = len(axe.FINDINGS.violations)
    copy = page.context.browser.new_context().new_page()  # no Content Security Policy there
    axe.check_copy(copy, page.url, html, "sign-in page with an image without alt")
    found = axe.FINDINGS.violations[before:]
    del axe.FINDINGS.violations[before:]  # planted here: not a fault of the site's pages
    assert [v.split(" ", 1)[0] for v in found] == ["image-alt", "image-alt"]
    assert "[desktop]" in found[0] and "[phone]" in found[1]


def test_what_an_htmx_swap_brings_in_is_checked_too(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_timeout(300)  # the page as it loaded is checked first, without the image
    axe.drain()
    before = len(axe.FINDINGS.violations)
    # As htmx does: new content lands in a part of the page, then htmx:afterSettle fires.
    page.evaluate(
        """() => {
          document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<div id="swapped-part"><img src="/static/none.png"></div>');
          const part = document.getElementById("swapped-part");
          part.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true,
                                                                  detail: {target: part}}));
        }"""
    )
    page.wait_for_timeout(300)  # the page hands the swap to the checks
    axe.drain()
    found = axe.FINDINGS.violations[before:]
    del axe.FINDINGS.violations[before:]  # planted here: not a fault of the site's pages
    assert [v.split(" ", 1)[0] for v in found] == ["image-alt", "image-alt"], found
    assert "after htmx swapped #swapped-part" in found[0]


def test_the_accessibility_statement_opens_from_the_footer(live_server, page):
    page.goto(f"{live_server.url}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    # Keyboard first: the skip link is the first thing Tab reaches, and it lands in the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
