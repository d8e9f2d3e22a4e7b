"""The coordinator's import journey in a real browser: a bad file, then a good one."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tandem.interchange.members_csv import HEADERS
from tandem.programs.models import Membership
from tandem.programs.services.member_csv import problem_text
from tandem.programs.tests.factories import CoordinatorFactory
from tandem.programs.views.member_import import MSG_DONE
from tests.browser.helpers import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = "ana@example.org,Ana,she/her,Europe/Madrid,Wed 18:00-20:00,Spanish,skiing,,mid,,,,video,"
BAD = "ben@example.org,Ben,,Mars/Olympus,Wed 12:00-14:00,skiing,Spanish,,mid,,,,video,"


def test_coordinator_fixes_a_bad_file_then_imports(live_server, page, tmp_path):
    coordinator = CoordinatorFactory(program__slug="circle", program__name="Circle")
    sign_in_as(page, live_server, coordinator.user)
    bad = tmp_path / "members.csv"
    bad.write_text("\n".join([",".join(HEADERS), GOOD, BAD]) + "\n")
    good = tmp_path / "members-fixed.csv"
    good.write_text(bad.read_text().replace("Mars/Olympus", "America/New_York"))
    try:
        page.goto(f"{live_server.url}/p/circle/manage/import/")
        page.get_by_label("Member CSV file").set_input_files(str(bad))
        page.get_by_role("button", name="Preview").click()
        errors = page.locator("#import-errors")
        expect(errors).to_contain_text("1 problem to fix")
        expect(errors.get_by_role("row").nth(1)).to_contain_text(
            problem_text("bad_time_zone", {"value": "Mars/Olympus"})
        )
        expect(page.get_by_role("button", name="Import")).to_have_count(0)

        page.get_by_label("Member CSV file").set_input_files(str(good))
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#import-summary")).to_contain_text("2 new members")
        assert Membership.objects.filter(role=Membership.Role.MEMBER).count() == 0
        page.get_by_role("button", name="Import 2 members").click()
        expect(page.get_by_role("status")).to_have_text(
            MSG_DONE.format(created=2, updated=0, unchanged=0)
        )
        assert Membership.objects.filter(role=Membership.Role.MEMBER).count() == 2
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
