"""Security settings: CSP with nonces, no-store for private responses, HTTPS-only production
settings, plain error pages, email headers only through Django's email API.

The page sweep walks the URL conf as it is when the tests run, so pages added later are covered.
"""

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.converters import IntConverter, SlugConverter

import config.urls
from tandem.accounts.models import ApiToken
from tandem.accounts.tests.factories import ApiTokenFactory
from tandem.core.errors import Conflict, NotFound
from tandem.core.middleware import NO_STORE
from tandem.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

REPO = Path(settings.BASE_DIR)
SECRET_DETAIL = "secret-detail-of-the-failure"
NONCE_RE = re.compile(r"'nonce-([^']+)'")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def someone_elses(request: HttpRequest) -> HttpResponse:
    raise NotFound(SECRET_DETAIL)


def refused(request: HttpRequest) -> HttpResponse:
    raise Conflict(SECRET_DETAIL)


# Test-only URL conf (``@pytest.mark.urls(__name__)``): the site plus two views that fail.
urlpatterns = [
    path("test-only/boom/", boom),
    path("test-only/forbidden/", forbidden),
    path("test-only/someone-elses/", someone_elses),
    path("test-only/refused/", refused),
    *config.urls.urlpatterns,
]


# --- the page sweep --------------------------------------------------------------------------


def _patterns(
    resolvers: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Yield (route, pattern) for every named page, with its namespaced name."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _kwargs_for(pattern: URLPattern, program: Program, ids: dict[str, int]) -> dict[str, object]:
    converters = getattr(pattern.pattern, "converters", {})
    names = list(converters) or list(pattern.pattern.regex.groupindex)
    kwargs: dict[str, object] = {}
    for name in names:
        converter = converters.get(name)
        if isinstance(converter, SlugConverter) or name == "slug":
            kwargs[name] = program.slug
        elif isinstance(converter, IntConverter):
            kwargs[name] = ids.get(name, 1)
        else:
            kwargs[name] = "x1"
    return kwargs


def site_pages(program: Program, ids: dict[str, int]) -> list[str]:
    """Return one address for every named page of the site (not the admin, not the API)."""
    pages = []
    for name, pattern in _patterns(get_resolver().url_patterns):
        if name.startswith(("admin:", "api:")):
            continue
        try:
            pages.append(reverse(name, kwargs=_kwargs_for(pattern, program, ids)))
        except NoReverseMatch:
            continue
    return sorted(set(pages))


@pytest.fixture
def world(db: None) -> dict[str, object]:
    """A running program with a coordinator and a partnership of two members."""
    program = ProgramFactory(status="running")
    coordinator = CoordinatorFactory(program=program, user__name="Cora Ordinator")
    seats = []
    partnership = PartnershipFactory(program=program)
    for name in ("Ana", "Ben"):
        membership = MembershipFactory(
            program=program, user__name=name, status=Membership.Status.MATCHED
        )
        ProfileFactory(membership=membership, display_name=name)
        seats.append(PartnershipMemberFactory(partnership=partnership, membership=membership))
    return {
        "program": program,
        "coordinator": coordinator.user,
        "member": seats[0].membership.user,
        "ids": {"pk": partnership.pk, "membership_id": coordinator.pk},
    }


DATA_BLOCK = re.compile(r'type="application/(?:ld\+)?json"', re.IGNORECASE)


def _script_and_style_tags(html: str) -> list[str]:
    """Return the tags CSP governs: scripts and styles, not JSON data blocks (json_script)."""
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html, flags=re.IGNORECASE)
    return [tag for tag in tags if not DATA_BLOCK.search(tag)]


def _page_problems(url: str, response: HttpResponse) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{url}: status {response.status_code}")
    if response.headers.get("Cache-Control") != NO_STORE:
        problems.append(f"{url}: Cache-Control {response.headers.get('Cache-Control')!r}")
    if response.headers.get("Content-Type", "").startswith("text/html") and response.content:
        policy = response.headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in policy:
            problems.append(f"{url}: Content-Security-Policy {policy!r}")
        nonce = NONCE_RE.search(policy)
        html = response.content.decode()
        for tag in _script_and_style_tags(html):
            if not nonce or f'nonce="{nonce.group(1)}"' not in tag:
                problems.append(f"{url}: tag without the page's nonce: {tag}")
    return problems


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_every_page_for_a_signed_in_person_is_no_store_and_scripts_carry_the_nonce(world, who):
    pages = site_pages(world["program"], world["ids"])
    assert "/" in pages
    assert f"/p/{world['program'].slug}/home/" in pages
    client = Client()
    client.force_login(world[who])
    problems = []
    for url in pages:
        problems += _page_problems(url, client.get(url))
    assert problems == []


def test_home_page_sends_csp_and_its_scripts_carry_the_same_nonce(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    nonce = NONCE_RE.search(policy)
    assert nonce is not None
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert len(scripts) >= 2
    assert all(f'nonce="{nonce.group(1)}"' in tag for tag in scripts)


def test_each_response_gets_a_fresh_nonce(client, db):
    first = NONCE_RE.search(client.get("/").headers["Content-Security-Policy"])
    second = NONCE_RE.search(client.get("/").headers["Content-Security-Policy"])
    assert first and second and first.group(1) != second.group(1)


def test_public_page_for_a_visitor_is_not_marked_no_store(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_signed_in_home_page_is_no_store_and_private(client, world):
    client.force_login(world["member"])
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"


def test_api_answers_are_no_store_with_and_without_a_token(client, world):
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["Cache-Control"] == "no-store, private"
    raw, token_hash = ApiToken.generate()
    ApiTokenFactory(user=world["member"], label="t", token_hash=token_hash, hint=raw[:8])
    answered = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answered.status_code == 200
    assert answered.headers["Cache-Control"] == "no-store, private"


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_stay_cacheable_for_a_signed_in_person(client, world):
    client.force_login(world["member"])
    response = client.get("/static/css/tandem.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- cookies, HSTS, HTTPS --------------------------------------------------------------------


def test_session_and_csrf_cookies_are_http_only_in_every_environment():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_sign_in_sets_secure_http_only_cookies(client, db):
    user = UserFactory()
    page = client.get(reverse("account_login"), secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_https_responses_carry_hsts(client, db):
    response = client.get("/", secure=True)
    assert (
        response.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client, db):
    response = client.get("/p/x/home/")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/p/x/home/"


def _production_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "MIDDLEWARE",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_are_https_only_with_hsts_and_secure_cookies():
    result = _production_settings(
        {"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "tandem.example.org"}
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    for name in [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    ]:
        assert values[name] is True, name
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert "tandem.core.middleware.PrivateNoStoreMiddleware" in values["MIDDLEWARE"]
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in values["MIDDLEWARE"]


def test_production_settings_refuse_to_start_without_a_long_secret_key():
    result = _production_settings({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "a.org"})
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY to a random string of at least 50 characters" in result.stderr


# --- error pages -----------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_crash_shows_a_plain_500_page_without_the_traceback(client, db):
    client.raise_request_exception = False
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", "settings", "boom"):
        assert leak not in html


@pytest.mark.urls(__name__)
def test_a_crash_for_a_signed_in_person_is_not_cached(client, world):
    client.raise_request_exception = False
    client.force_login(world["member"])
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store, private"


def test_500_template_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html


def test_missing_page_shows_the_site_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "URLconf" not in html


@pytest.mark.urls(__name__)
def test_forbidden_action_shows_the_site_403_page(client, db):
    response = client.get("/test-only/forbidden/")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_domain_not_found_that_escapes_a_view_is_the_site_404_page(client, db):
    """Views let a selector's NotFound through; one middleware answers it with the 404 page."""
    response = client.get("/test-only/someone-elses/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert SECRET_DETAIL not in html


@pytest.mark.urls(__name__)
def test_any_other_domain_error_that_escapes_a_view_stays_a_server_error(db):
    """Only NotFound has a page of its own: a Conflict a view forgot to handle is a bug (500)."""
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/refused/")
    assert response.status_code == 500
    assert SECRET_DETAIL not in response.content.decode()


# --- email headers ---------------------------------------------------------------------------

FORBIDDEN_MODULES = ("smtplib", "email.mime", "email.message", "email.header", "email.generator")
RAW_HEADER = re.compile(r"^(Subject|From|To|Cc|Bcc|Reply-To|Content-Type):\s", re.MULTILINE)


def _source_files() -> list[Path]:
    here = Path(__file__).resolve()
    roots = [REPO / "tandem", REPO / "config"]
    return [p for root in roots for p in root.rglob("*.py") if p.resolve() != here]


def test_email_is_built_only_through_djangos_email_api():
    offenders = []
    files = _source_files()
    assert len(files) > 50
    for source in files:
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            offenders += [
                f"{source}:{node.lineno} imports {m}"
                for m in modules
                if m.startswith(FORBIDDEN_MODULES)
            ]
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and RAW_HEADER.search(node.value)
            ):
                offenders.append(f"{source}:{node.lineno} builds a raw mail header")
    assert offenders == []


@pytest.mark.parametrize("subject", ["Hello\nBcc: victim@example.org", "Hi\r\nTo: x@example.org"])
def test_a_newline_in_a_subject_is_refused_by_djangos_email_api(subject, mailoutbox):
    message = EmailMessage(subject=subject, body="Hello", to=["ana@example.org"])
    # Django 6.1: BadHeaderError is a deprecated alias of ValueError.
    with pytest.raises(ValueError, match="Header values may not contain linefeed"):
        message.send()
    assert mailoutbox == []
    assert mail.outbox == []
