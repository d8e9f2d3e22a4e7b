import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tandem.programs.models import Document, Membership
from tandem.programs.tests.factories import CoordinatorFactory, DocumentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    """Give the browser a signed-in session cookie for ``user``."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_coordinator_adds_a_coordinator_and_reorders_the_guidebook_in_place(
    live_server, page, tmp_path
):
    coordinator = CoordinatorFactory(program__slug="spanish", program__name="Spanish")
    program = coordinator.program
    UserFactory(email="ana@example.org")
    DocumentFactory(program=program, title="Alpha", body="a", position=0)
    DocumentFactory(program=program, title="Beta", body="b", position=1)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "")
            else None
        ),
    )
    sign_in(page, live_server, coordinator.user)
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
