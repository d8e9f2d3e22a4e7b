"""A coordinator connects a webhook from the cockpit, keeps its secret, pings a real receiver
through the worker and reads the answer; on a phone too, in a real Chromium."""

import pytest

from tandem.integrations.models import Endpoint
from tandem.integrations.tests.receiver import serve
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tests.browser.helpers import SCREENSHOTS, run_worker, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    yield from serve()


def test_a_coordinator_adds_a_webhook_keeps_the_secret_and_sees_the_ping_arrive(
    live_server, page, receiver
):
    program = ProgramFactory(status="running", name="Peer Mentoring Circle")
    coordinator = CoordinatorFactory(program=program).user
    sign_in_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/cockpit/")
    page.get_by_role("link", name="Integrations").first.click()
    page.wait_for_selector("h1:has-text('Integrations')")

    page.get_by_text("Add a webhook").click()
    page.get_by_label("Address Tandem posts to").fill("http://crm.example.org/in")
    page.get_by_role("button", name="Add the webhook").click()
    page.wait_for_selector("text=Use an https:// address")
    assert page.get_by_text("Choose at least one event").is_visible()
    assert not Endpoint.objects.exists()

    page.get_by_label("Address Tandem posts to").fill(receiver.url("/hooks"))
    page.get_by_label("Name (for you, optional)").fill("Our CRM")
    page.get_by_label("A partnership was created").check()
    page.get_by_role("button", name="Add the webhook").click()
    page.wait_for_selector("text=Tandem will not show it again")
    secret = page.get_by_label("Signing secret").input_value()
    assert secret == Endpoint.objects.get().secret
    receiver.secrets["/hooks"] = secret
    page.get_by_role("button", name="Done: back to integrations").click()

    page.get_by_role("button", name="Send a ping").click()
    page.wait_for_selector("text=A ping is on its way")
    run_worker()
    page.reload()
    row = page.locator("table.deliveries tbody tr").first
    assert "ping" in row.inner_text()
    assert "Delivered" in row.inner_text()
    assert "200" in row.inner_text()
    assert [h.signed_ok for h in receiver.hits] == [True]
    assert secret not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "integrations.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
