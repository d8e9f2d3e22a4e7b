"""Reachability: every page a role may open is reached by clicking, from that role's home.

Generated from the same URL configuration and tables as the access matrix
(tests/trust/test_access_matrix.py): for each role of the seeded world, the test opens the
front page and follows links (``<a href>``, ``hx-get`` partials a page loads, and the actions
of GET forms) through the HTML of every page it reaches, then asserts that every page the
matrix lets that role open with GET was reached, by URL name. A new page that nothing links
to fails here, unless it is listed in ``NOT_CLICKED`` with the reason (a page opened from an
email says so in its view's docstring, see STYLE.md).
"""

import re
from collections import deque
from html.parser import HTMLParser
from typing import cast
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tandem.programs.models import Program
from tandem.programs.tests.factories import ProgramFactory
from tests.trust.test_access_matrix import ADMIN, ALLOWED, PAGES, _calls, _send
from tests.trust.world import ROLES, World

pytestmark = pytest.mark.django_db

# Pages nobody reaches by clicking through Tandem's own pages, each with the reason.
NOT_CLICKED: dict[str, str] = {
    # Opened from an email Tandem sends.
    "programs:waitlist_confirm": "the link in the waitlist confirmation email",
    "programs:waitlist_unsubscribe": "the unsubscribe link in every waitlist email",
    "announcements:unsubscribe": "the unsubscribe link in every announcement and reminder email",
    "programs:invitation": "the link in the invitation email",
    "programs:invitation_signup": "the invitation page's sign-up step (from the email link)",
    "programs:invitation_setup": "the account set-up link in an imported member's email",
    "account_confirm_email": "the link in allauth's address confirmation email",
    "account_reset_password_from_key": "the link in allauth's password reset email",
    "account_reset_password_from_key_done": "allauth's page after a reset from the email link",
    "account_confirm_login_code": "allauth's page after a sign-in code is emailed",
    "account_confirm_reauthentication_code": "allauth's page after a code is emailed",
    "account_email_verification_sent": "allauth's page right after sign-up (a redirect)",
    "account_reset_password_done": "allauth's page right after a reset is asked (a redirect)",
    "account_inactive": "allauth's page for a deactivated account (a redirect)",
    "account_reauthenticate": "allauth asks for the password before a sensitive change",
    "account_request_reauthentication_code": "allauth asks for a code before a sensitive change",
    "account_logout": "the sign-out button posts to it; a visitor has nothing to sign out of",
    "admin:login": "the Django admin's own sign-in, for site admins who type /admin/",
    # Opened by other programs than a browser following links.
    "meetings:feed": "a calendar app subscribes to the secret feed address",
    "api:openapi-json": "the API schema, read by the API documentation page's script",
    "javascript-catalog": "the scripts' translations, which every page loads as a script",
    "programs:intake_suggest": "the intake's tag suggestions, fetched by its script as one types",
    "matching:status": "polled by the review page only while a run is still computing",
    "account_set_password": "only for an account without a password (others change theirs)",
}

# Pages some roles are sent on from, so they never see them: (URL name, role) -> reason.
SIGNED_IN = [r for r in ROLES if r != "anonymous"]
NOT_CLICKED_BY: dict[tuple[str, str], str] = {
    **{("account_login", r): "a signed-in person is sent on from the sign-in" for r in SIGNED_IN},
    **{("account_signup", r): "a signed-in person is sent on from the sign-up" for r in SIGNED_IN},
    ("dashboard:member_home", "coordinator"): "a coordinator's home is the cockpit",
}

# Where the crawl never goes: signing out would end the role's session; the admin and the API
# are other doors with their own navigation.
NOT_FOLLOWED = re.compile(r"^/(accounts/logout/|admin/|api/v1/(?!docs))")


class _Links(HTMLParser):
    """Collect the addresses a page links to or loads (a href, hx-get, GET form actions) and
    the actions of its POST forms."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if a.get("hx-get"):
            self.links.append(a["hx-get"] or "")
        if tag == "form":
            method = (a.get("method") or "get").lower()
            (self.links if method == "get" else self.posts).append(a.get("action") or "")


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, start: str = "/") -> dict[str, str]:
    """Follow every same-site link from ``start``; return the view names reached (-> a path).

    A page that answers another page's form (the action of a POST form, whose GET shows the
    same form again) counts as reached too, without being opened.
    """
    reached: dict[str, str] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        path = queue.popleft()
        response = _send(client, "GET", path, None, False)
        name = _view_name(urlsplit(path).path)
        if name and response.status_code < 400:
            reached.setdefault(name, path)
        if response.status_code in (301, 302, 303):
            location = urlsplit(urljoin(path, response["Location"]))
            target = location.path + (f"?{location.query}" if location.query else "")
            if not location.netloc and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200:
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for action in parser.posts:
            parts = urlsplit(urljoin(path, action))
            target_name = None if parts.netloc else _view_name(parts.path)
            if target_name:
                reached.setdefault(target_name, parts.path)
        for link in parser.links:
            parts = urlsplit(urljoin(path, link))
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path or NOT_FOLLOWED.match(parts.path) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    return reached


@pytest.fixture(scope="module")
def waitlist_program(world: World) -> Program:
    """A program with its waitlist open, so that its public page shows the sign-up form."""
    return cast(Program, ProgramFactory(name="Trust W", slug="trust-w", status="waitlist"))


def may_open(world: World, role: str) -> set[str]:
    """Return the URL names of the pages ``role`` may open with GET, by the access matrix."""
    return {
        call.label
        for call in _calls(world)
        if not call.is_api
        and call.method == "GET"
        and call.rule.access != ADMIN
        and role in ALLOWED[call.rule.access]
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_open_is_reached_by_clicking(
    world: World, waitlist_program: Program, role: str
) -> None:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role])
    reached = crawl(client)
    exempt = set(NOT_CLICKED) | {name for name, r in NOT_CLICKED_BY if r == role}
    stale = sorted({name for name, r in NOT_CLICKED_BY if r == role} & set(reached))
    assert not stale, f"As {role}, these are reached now: remove them from NOT_CLICKED_BY: {stale}"
    unreached = sorted(may_open(world, role) - set(reached) - exempt)
    assert not unreached, (
        f"As {role}, no link leads to these pages from the front page: link each one from "
        "where its reader stands (the navigation, the cockpit, the member's home), or list it "
        "in NOT_CLICKED with the reason:\n  " + "\n  ".join(unreached)
    )


def test_the_exemptions_name_pages_that_exist() -> None:
    stale = [name for name in [*NOT_CLICKED, *(n for n, _ in NOT_CLICKED_BY)] if name not in PAGES]
    assert not stale, "Remove these from NOT_CLICKED, they are not pages: " + ", ".join(stale)
