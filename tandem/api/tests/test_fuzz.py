"""Fuzz every operation of the API's own OpenAPI schema with Schemathesis, in process.

The operations come from ``api.get_openapi_schema()`` when the tests are collected, so endpoints
added later are fuzzed too. Requests go through Django's WSGI handler on the test database, with
a personal API token of a member and of a coordinator of a seeded program; path parameters are
either generated or, at Hypothesis's choice, the ids of the seeded objects, so the fuzzer reaches
the code behind the 404.

Checks: no 5xx; status code, content type, headers and body match the schema, whose error
answers each operation declares itself; schema-valid input is accepted; invalid input gets 4xx;
the same call without the token gets 401.
"""

import copy
import functools
import re
from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
import schemathesis
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, reject, settings
from hypothesis import strategies as st
from schemathesis.config import PositiveDataAcceptanceConfig

from config.api import AUTH_REQUIRED, api
from tandem.accounts.models import ApiToken, User
from tandem.accounts.tests.factories import ApiTokenFactory
from tandem.core import clock
from tandem.matching import services as matching_services
from tandem.meetings import services as meeting_services
from tandem.meetings.tests.factories import partnership_make
from tandem.programs.models import Program
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProfileFactory

FUZZ_SLUG = "fuzz-program"
# The whole module stays bounded as the API grows: about 480 generated calls, split evenly.
TOTAL_EXAMPLES = 480


@functools.cache
def _published_schema() -> dict[str, Any]:
    return copy.deepcopy(api.get_openapi_schema())


def published_schema() -> dict[str, Any]:
    """Return a copy of the API's OpenAPI schema, error answers included (tandem/api/errors.py)."""
    return copy.deepcopy(_published_schema())


WSGI_APP = WSGIHandler()
schema = schemathesis.openapi.from_dict(published_schema())
schema.app = WSGI_APP
schema.config.phases.update(phases=["examples", "fuzzing"])
OPERATIONS = sum(len(ops) for ops in _published_schema()["paths"].values())
MAX_EXAMPLES = max(5, min(25, TOTAL_EXAMPLES // max(OPERATIONS, 1)))
# We send a real token ourselves; generated (malformed) X-API-Key or cookie values next to a
# valid Bearer token would be "negative" input that is rightly ignored.
schema.config.generation.update(max_examples=MAX_EXAMPLES, with_security_parameters=False)
# A schema cannot say every business rule (a start date in the past, too few members to match),
# so schema-valid input may also get the documented 400 "input breaks a rule".
# Refusing anonymous calls is asserted, for every operation, by its own test below.
schema.config.checks.update(excluded_check_names=["ignored_auth"])
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "400", "401", "403", "404", "409"]
)
FUZZ_SETTINGS = settings(
    deadline=None,
    max_examples=MAX_EXAMPLES,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
)

# Bugs found in endpoints owned by other people: (test, "METHOD /path") -> the bug. Each case is
# a strict xfail: it must keep failing until the bug is fixed, then the entry goes.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- the seeded program ----------------------------------------------------------------------


def _token_for(user: User) -> str:
    raw, token_hash = ApiToken.generate()
    ApiTokenFactory(user=user, label="fuzz", token_hash=token_hash, hint=raw[:8])
    return raw


def _seed() -> dict[str, Any]:
    """A running program: coordinator, four ready members, a match run, and a partnership with
    agreed weekly meetings and a note."""
    program = Program.objects.get(pk=partnership_make(slug=FUZZ_SLUG)[0].program_id)
    coordinator = CoordinatorFactory(program=program).user
    for _ in range(4):
        ProfileFactory(membership=MembershipFactory(program=program))
    matching_services.match_run_start(program=program, created_by=coordinator)
    partnership = program.partnerships.get()
    ana, ben = list(partnership.seats.order_by("pk"))
    series = meeting_services.series_propose(
        partnership=partnership,
        seat=ana,
        starts_on=clock.today() + timedelta(days=7),
        start_time=time(18, 0),
        time_zone="Europe/Madrid",
    )
    meeting_services.series_accept(series=series, seat=ben)
    meeting = partnership.meetings.order_by("starts_at").first()
    meeting_services.note_create(meeting=meeting, seat=ana, body="Practise", visibility="private")
    return {
        "member": _token_for(ana.membership.user),
        "coordinator": _token_for(coordinator),
    }


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Seed once for the module inside a transaction that is rolled back at the end; each test
    runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def wsgi_app(fuzz_world: dict[str, Any], db: None) -> Iterator[WSGIHandler]:
    """Django's WSGI handler, kept from closing the test transaction's connection between
    requests (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGI_APP
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_ID_PARAM = re.compile(r"^(?P<entity>[a-z_]+)_id$")


def _existing_values(name: str) -> list[Any]:
    """Return values of the seeded objects for a path parameter named ``slug`` or ``<entity>_id``."""
    if name == "slug":
        return list(Program.objects.values_list("slug", flat=True)[:5])
    found = _ID_PARAM.match(name)
    if not found:
        return []
    entity = found["entity"].replace("_", "")
    values: list[Any] = []
    for model in apps.get_models():
        if model.__module__.startswith("tandem.") and model._meta.model_name.endswith(entity):
            values += list(model._default_manager.values_list("pk", flat=True)[:5])
    return values


INT64_MAX = 2**63 - 1


def _pin_path_parameters(case: Any, data: Any) -> None:
    for name in list(case.path_parameters or {}):
        choices = _existing_values(name)
        if choices and data.draw(st.booleans(), label=f"pin {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(choices), label=name)


def _reaches_the_operation(case: Any) -> bool:
    """Whether Django's URL conf routes the generated path to the API at all (a negative id
    does not match an ``{int:...}`` route); unroutable paths are tested on their own."""
    try:
        match = resolve(unquote(case.formatted_path))
    except Resolver404:
        return False
    return match.namespace == "api"


def _expect_bug(request: pytest.FixtureRequest, key: tuple[str, str]) -> None:
    reason = KNOWN_BUGS.get(key)
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _operations_with(kind: str) -> list[str]:
    """Return "METHOD /path" of every operation with an integer parameter in the path or query
    (``kind="any"``), or in the path only (``kind="path"``)."""
    found = []
    for path, operations in _published_schema()["paths"].items():
        for method, operation in operations.items():
            params = [
                p
                for p in operation.get("parameters", [])
                if p["schema"].get("type") == "integer"
                and (p["in"] == "path" or (kind == "any" and p["in"] == "query"))
            ]
            if params:
                found.append(f"{method.upper()} {path}")
    return found


def _raw_call(wsgi_app: WSGIHandler, operation: str, token: str | None, value: str) -> Any:
    """Call ``operation`` with every integer path/query parameter set to ``value``."""
    from werkzeug.test import Client as WerkzeugClient

    method, path = operation.split(" ", 1)
    definition = _published_schema()["paths"][path][method.lower()]
    query = {}
    for param in definition.get("parameters", []):
        if param["in"] == "path":
            filler = value if param["schema"].get("type") == "integer" else FUZZ_SLUG
            path = path.replace("{" + param["name"] + "}", filler)
        elif param["in"] == "query" and param["schema"].get("type") == "integer":
            query[param["name"]] = value
    return WerkzeugClient(wsgi_app).open(
        path,
        method=method,
        query_string=query,
        json={} if "requestBody" in definition else None,
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


# --- the tests -------------------------------------------------------------------------------


@schema.parametrize()
@schema.given(data=st.data())
@FUZZ_SETTINGS
def test_api_conforms_to_its_schema_for_generated_input(case, data, fuzz_world, wsgi_app):
    persona = data.draw(st.sampled_from(["member", "coordinator"]), label="persona")
    _pin_path_parameters(case, data)
    if not _reaches_the_operation(case):
        reject()
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world[persona]}"},
        app=wsgi_app,
    )


def _secured_operations() -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, operations in _published_schema()["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]


@pytest.mark.parametrize("credentials", ["none", "unknown token"])
@pytest.mark.parametrize("operation", _secured_operations())
def test_every_endpoint_that_needs_auth_refuses_an_anonymous_call(
    operation, credentials, fuzz_world, wsgi_app, request
):
    _expect_bug(request, ("anonymous", operation))
    token = "tdm_unknown" if credentials == "unknown token" else None
    response = _raw_call(wsgi_app, operation, token, "1")
    assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert response.json == {"detail": AUTH_REQUIRED, "field": None}


@pytest.mark.parametrize("operation", _operations_with("any"))
def test_huge_integer_ids_are_refused_not_a_crash(operation, fuzz_world, wsgi_app, request):
    _expect_bug(request, ("huge-integer", operation))
    response = _raw_call(wsgi_app, operation, fuzz_world["coordinator"], str(2**64))
    assert response.status_code in {404, 422}, response.get_data(as_text=True)[:300]
    assert response.json["detail"]


@pytest.mark.parametrize("operation", _operations_with("path"))
def test_unroutable_id_in_an_api_path_gets_the_json_error_body(
    operation, fuzz_world, wsgi_app, request
):
    _expect_bug(request, ("unroutable", operation))
    response = _raw_call(wsgi_app, operation, fuzz_world["coordinator"], "-1")
    assert response.status_code in {404, 422}
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json["detail"]


def test_huge_partnership_id_in_a_series_proposal_is_refused_not_a_crash(fuzz_world, wsgi_app):
    from werkzeug.test import Client as WerkzeugClient

    response = WerkzeugClient(wsgi_app).post(
        "/api/v1/meetings/series",
        json={
            "partnership_id": 2**64,
            "starts_on": "2099-01-07",
            "start_time": "18:00",
            "time_zone": "Europe/Madrid",
        },
        headers={"Authorization": f"Bearer {fuzz_world['member']}"},
    )
    assert response.status_code in {404, 422}


def test_meeting_list_refuses_a_number_as_since(fuzz_world, wsgi_app):
    from werkzeug.test import Client as WerkzeugClient

    response = WerkzeugClient(wsgi_app).get(
        "/api/v1/meetings/",
        query_string={"since": "-171996"},
        headers={"Authorization": f"Bearer {fuzz_world['member']}"},
    )
    assert response.status_code == 422
