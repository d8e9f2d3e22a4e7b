"""The API's base: authentication (token, session), CSRF, error bodies, schema and docs."""

import pytest
from django.test import Client
from django.urls import reverse

from config.api import AUTH_REQUIRED
from tandem.accounts import services
from tandem.accounts.models import ApiToken
from tandem.programs.models import Membership
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
PROGRAMS = "/api/v1/programs/"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_unauthenticated_call_gets_401_with_a_readable_body(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": AUTH_REQUIRED, "field": None}


def test_personal_token_authenticates(client, frozen_clock):
    user = UserFactory(name="Ana Ruiz")
    token, raw = services.api_token_create(user=user, label="script")
    response = client.get(ME, **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "email": user.email,
        "name": "Ana Ruiz",
        "language": "",
        "programs": [],
    }
    token.refresh_from_db()
    assert token.last_used_at == frozen_clock


def test_token_in_x_api_key_header_authenticates(client):
    user = UserFactory()
    _, raw = services.api_token_create(user=user, label="script")
    response = client.get(ME, HTTP_X_API_KEY=raw)
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_revoked_token_gets_401(client):
    user = UserFactory()
    token, raw = services.api_token_create(user=user, label="script")
    services.api_token_revoke(user=user, token_id=token.pk)
    response = client.get(ME, **bearer(raw))
    assert response.status_code == 401
    assert response.json()["detail"] == AUTH_REQUIRED


def test_unknown_token_gets_401_even_for_unsafe_methods(client):
    response = client.delete(f"{ME}/tokens/1", **bearer("tdm_made-up"))
    assert response.status_code == 401


def test_token_of_deactivated_person_gets_401(client):
    user = UserFactory()
    _, raw = services.api_token_create(user=user, label="script")
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_signed_in_session_authenticates(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_session_unsafe_call_without_csrf_token_is_refused():
    user = UserFactory()
    token, _ = services.api_token_create(user=user, label="script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.delete(f"{ME}/tokens/{token.pk}")
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed", "field": None}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_session_unsafe_call_with_csrf_token_works():
    user = UserFactory()
    token, _ = services.api_token_create(user=user, label="script")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("accounts:settings"))  # sets the CSRF cookie, as a page visit does
    csrf = browser.cookies["csrftoken"].value
    response = browser.delete(f"{ME}/tokens/{token.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_calls_need_no_csrf_token():
    user = UserFactory()
    token, raw = services.api_token_create(user=user, label="script")
    response = Client(enforce_csrf_checks=True).delete(f"{ME}/tokens/{token.pk}", **bearer(raw))
    assert response.status_code == 204


def test_token_list_shows_hints_never_values(client):
    user = UserFactory()
    _, raw = services.api_token_create(user=user, label="script")
    response = client.get(f"{ME}/tokens", **bearer(raw))
    assert [(t["label"], t["hint"]) for t in response.json()] == [("script", raw[:8])]
    assert raw not in response.text


def test_revoking_someone_elses_token_answers_404_like_a_missing_one(client):
    owner, other = UserFactory(), UserFactory()
    token, _ = services.api_token_create(user=owner, label="script")
    _, raw = services.api_token_create(user=other, label="mine")
    theirs = client.delete(f"{ME}/tokens/{token.pk}", **bearer(raw))
    missing = client.delete(f"{ME}/tokens/999999", **bearer(raw))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"detail": services.REVOKE_NOT_FOUND, "field": None}
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_validation_error_is_readable(client):
    user = UserFactory()
    coordinator = CoordinatorFactory(user=user)
    client.force_login(user)
    response = client.get(
        f"/api/v1/programs/{coordinator.program.slug}/members", {"status": "asleep"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "status"
    assert body["detail"].startswith("status: Input should be ")
    assert body["errors"][0]["field"] == "status"


def test_unknown_api_path_answers_404_json(client):
    client.force_login(UserFactory())
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404


def test_program_list_shows_only_the_callers_programs_with_roles(client):
    user = UserFactory()
    coordinated = CoordinatorFactory(user=user, program=ProgramFactory(slug="spanish"))
    MembershipFactory(user=user, program=ProgramFactory(slug="skiing"))
    MembershipFactory(
        user=user, program=ProgramFactory(slug="left-one"), status=Membership.Status.LEFT
    )
    MembershipFactory(program=ProgramFactory(slug="not-mine"))
    _, raw = services.api_token_create(user=user, label="script")
    response = client.get(PROGRAMS, **bearer(raw))
    assert response.status_code == 200
    assert sorted((p["slug"], p["role"]) for p in response.json()) == [
        ("skiing", "member"),
        ("spanish", "coordinator"),
    ]
    assert coordinated.program.slug == "spanish"


def test_program_list_needs_authentication(client):
    ProgramFactory()
    assert client.get(PROGRAMS).status_code == 401


def test_me_lists_programs_with_different_roles(client):
    user = UserFactory()
    CoordinatorFactory(user=user, program=ProgramFactory(slug="a"))
    MembershipFactory(user=user, program=ProgramFactory(slug="b"))
    client.force_login(user)
    programs = client.get(ME).json()["programs"]
    assert sorted((p["program"], p["role"]) for p in programs) == [
        ("a", "coordinator"),
        ("b", "member"),
    ]


def test_openapi_schema_is_served_and_documents_token_auth(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Tandem API"
    assert "/api/v1/programs/{slug}/members" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
