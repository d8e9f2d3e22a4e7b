import pytest
from playwright.sync_api import expect

from tandem.programs.models import Program, WaitlistEntry
from tandem.programs.services.waitlist import WAITLIST_EMAIL_INVALID, WAITLIST_SIGNUP_ANSWER
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_joins_the_waitlist_from_the_public_page_without_leaving_it(live_server, page):
    program = ProgramFactory(name="Spanish for skiers", status=Program.Status.WAITLIST)
    problems = watch_for_problems(page)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    url = page.url

    page.get_by_label("Your email").fill("ada@example")
    page.get_by_role("button", name="Tell me when the doors open").click()
    expect(page.get_by_text(WAITLIST_EMAIL_INVALID)).to_be_visible()
    expect(page.get_by_label("Your email")).to_have_value("ada@example")

    page.get_by_label("Your email").fill("ada@example.org")
    page.get_by_role("button", name="Tell me when the doors open").click()
    expect(page.get_by_role("status").filter(has_text=WAITLIST_SIGNUP_ANSWER)).to_be_visible()
    assert page.url == url  # htmx swapped the form in place
    assert WaitlistEntry.objects.get(program=program).email == "ada@example.org"
    assert problems == []
