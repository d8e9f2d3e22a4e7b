"""The API docs page renders Swagger UI in a real browser, offline and under our CSP."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_api_docs_render_without_csp_violations_or_outside_requests(live_server, page):
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock-summary-path", has_text="/api/v1/me").first.wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Tandem API")
    assert outside == []
    assert problems == []
