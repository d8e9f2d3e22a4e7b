"""The error answers in the OpenAPI schema: every operation declares them, with the real body.

Schemathesis (test_fuzz.py) fails on any status an operation answers without declaring it; the
tests here catch the declarations it cannot reach (a CSRF refusal, a body that is not JSON) and
check the bodies the handlers really send against the declared schemas.
"""

from typing import Any

import pytest
from django.test import Client

from config.api import AUTH_REQUIRED, api
from tandem.accounts import services
from tandem.api.errors import ErrorOut, ValidationErrorOut, errors
from tandem.programs.tests.factories import CoordinatorFactory, UserFactory

UNSAFE = {"post", "put", "patch", "delete"}
ERROR_REF = "#/components/schemas/ErrorOut"
VALIDATION_REF = "#/components/schemas/ValidationErrorOut"


def _operations() -> list[tuple[str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (f"{method.upper()} {path}", operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def _expected_errors(operation_id: str, operation: dict[str, Any]) -> set[str]:
    """Return the statuses an operation can answer whatever its code does."""
    method = operation_id.split(" ", 1)[0].lower()
    sources = {p["in"] for p in operation.get("parameters", [])}
    expected = set()
    if operation.get("security"):
        expected.add("401")  # no valid token or session
        if method in UNSAFE:
            expected.add("403")  # a session call without the CSRF token
    if "requestBody" in operation:
        expected |= {"400", "422"}  # a body that is not JSON; one that does not fit the schema
    if "query" in sources:
        expected.add("422")
    if "path" in sources:
        expected.add("404")  # no such object, or not yours
    return expected


def _schemas_of(response: dict[str, Any]) -> set[str]:
    schema = response["content"]["application/json"]["schema"]
    return {option["$ref"] for option in schema.get("anyOf", [schema])}


def test_errors_adds_401_and_gives_422_the_per_field_list():
    assert errors(404, 422) == {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
    assert errors(400, 429, authenticated=False) == {400: ErrorOut, 429: ErrorOut}


@pytest.mark.parametrize(("operation_id", "operation"), _operations())
def test_every_operation_declares_the_errors_it_can_answer(operation_id, operation):
    declared = {str(status) for status in operation["responses"] if str(status).startswith("4")}
    assert _expected_errors(operation_id, operation) <= declared


@pytest.mark.parametrize(("operation_id", "operation"), _operations())
def test_every_declared_error_has_the_apis_error_body(operation_id, operation):
    for code, response in operation["responses"].items():
        status = str(code)
        if not status.startswith("4"):
            continue
        allowed = {VALIDATION_REF} if status == "422" else {ERROR_REF, VALIDATION_REF}
        assert _schemas_of(response) <= allowed, status
        if status != "422":
            assert ERROR_REF in _schemas_of(response), status


def _body_fits(body: dict[str, Any], model: type[ErrorOut]) -> bool:
    model.model_validate(body)
    return set(body) == set(model.model_fields)


@pytest.mark.django_db
def test_real_error_bodies_have_the_declared_shape(client):
    user = UserFactory()
    token, raw = services.api_token_create(user=user, label="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    slug = CoordinatorFactory(user=user).program.slug

    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": AUTH_REQUIRED, "field": None}

    not_json = client.post(
        "/api/v1/programs/", data="{not json", content_type="application/json", **auth
    )
    assert not_json.status_code == 400
    assert _body_fits(not_json.json(), ErrorOut)

    missing = client.get("/api/v1/programs/no-such-program", **auth)
    assert missing.status_code == 404
    assert _body_fits(missing.json(), ErrorOut)

    invalid = client.get(f"/api/v1/programs/{slug}/members", {"page": "0"}, **auth)
    assert invalid.status_code == 422
    assert _body_fits(invalid.json(), ValidationErrorOut)
    assert invalid.json()["errors"][0]["field"] == "page"

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    no_csrf = browser.delete(f"/api/v1/me/tokens/{token.pk}")
    assert no_csrf.status_code == 403
    assert _body_fits(no_csrf.json(), ErrorOut)
