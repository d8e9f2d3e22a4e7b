import re

import pytest
from playwright.sync_api import expect

from tandem.programs.models import Membership, Profile
from tandem.programs.tests.factories import MembershipFactory, TagFactory
from tests.browser.helpers import cell, drag_across, sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_fills_the_intake_by_dragging_across_the_grid(live_server, page):
    membership = MembershipFactory(status=Membership.Status.INTAKE, user__name="Ana Ruiz")
    TagFactory(program=membership.program, name="Public speaking")
    sign_in_as(page, live_server, membership.user)
    problems = watch_for_problems(page)  # script errors and CSP refusals

    page.goto(f"{live_server.url}/p/{membership.program.slug}/intake/")
    # The browser's zone (Europe/Madrid in conftest) fills the empty field.
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Madrid")

    # Drag Monday 18:00 to 19:30 (three half hours), then click Wednesday 07:00 on and off again.
    drag_across(page, [cell(page, 0, 1080), cell(page, 0, 1110), cell(page, 0, 1140)])
    cell(page, 2, 420).click()
    cell(page, 2, 420).click()
    expect(cell(page, 0, 1110)).to_have_class(re.compile(r"\bon\b"))
    expect(cell(page, 2, 420)).not_to_have_class(re.compile(r"\bon\b"))

    # Suggestions come from the program's tags; picking one fills the box.
    page.locator("#id_offers").fill("publ")
    page.get_by_role("button", name="Public speaking").click()
    expect(page.locator("#id_offers")).to_have_value("Public speaking; ")

    page.get_by_label("I agree to the program's confidentiality rules").check()
    page.get_by_role("button", name="Save my intake").click()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(page.get_by_text("Mon 18:00-19:30")).to_be_visible()

    profile = Profile.objects.get(membership=membership)
    assert profile.availability == [[0, 1080, 1170]]
    assert profile.time_zone == "Europe/Madrid"
    assert [t.name for t in profile.offers.all()] == ["Public speaking"]
    assert problems == []
