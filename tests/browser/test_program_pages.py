import pytest
from playwright.sync_api import expect

from tandem.programs.models import Document, Membership
from tandem.programs.tests.factories import CoordinatorFactory, DocumentFactory, UserFactory
from tests.browser.helpers import sign_in_as, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_adds_a_coordinator_and_reorders_the_guidebook_in_place(
    live_server, page, tmp_path
):
    coordinator = CoordinatorFactory(program__slug="spanish", program__name="Spanish")
    program = coordinator.program
    UserFactory(email="ana@example.org")
    DocumentFactory(program=program, title="Alpha", body="a", position=0)
    DocumentFactory(program=program, title="Beta", body="b", position=1)
    problems = watch_for_problems(page)
    sign_in_as(page, live_server, coordinator.user)
    try:
        page.goto(f"{live_server.url}/p/spanish/manage/")
        url = page.url
        page.get_by_label("Email address").fill("ana@example.org")
        page.get_by_role("button", name="Add coordinator").click()
        expect(page.get_by_text("ana@example.org now coordinates this program.")).to_be_visible()
        expect(page.get_by_role("cell", name="ana@example.org")).to_be_visible()
        assert page.url == url
        assert Membership.objects.get(program=program, user__email="ana@example.org").is_coordinator

        page.goto(f"{live_server.url}/p/spanish/manage/documents/")
        page.get_by_role("button", name="Move Beta up").click()
        expect(page.locator("#document-list tbody tr").first).to_contain_text("Beta")
        assert [d.title for d in Document.objects.order_by("position")] == ["Beta", "Alpha"]
        assert problems == []
    except Exception:
        page.screenshot(path=str(tmp_path / "program-manage.png"), full_page=True)
        raise
