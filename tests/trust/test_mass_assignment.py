"""Fields a client must not set (author, program, role, partnership, user, ...) are ignored.

For every API write operation, the fields below that its request schema does not declare are
sent anyway, pointing at someone else's objects; nothing may end up pointing there.
"""

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from config.api import api
from tests.trust.test_access_matrix import ALLOWED, API, PUBLIC, fill_path
from tests.trust.world import World

pytestmark = pytest.mark.django_db

# Valid bodies, so that the operation really writes (an invalid body proves little).
VALID_BODIES: dict[str, Any] = {
    "POST /api/v1/programs/": lambda w: {"name": "Mass assignment", "slug": "mass-assignment"},
    "PATCH /api/v1/programs/{slug}": lambda w: {"description": "Changed by the test."},
    "POST /api/v1/waitlist/{slug}": lambda w: {"email": "newcomer@example.org"},
    "POST /api/v1/meetings/{meeting_id}/notes": lambda w: {
        "body": "A new note",
        "visibility": "private",
    },
    "PATCH /api/v1/meetings/notes/{note_id}": lambda w: {"body": "Edited", "visibility": "shared"},
    "POST /api/v1/partnerships/{pk}/messages": lambda w: {"body": "Hello there"},
    "POST /api/v1/goals/partnerships/{pk}": lambda w: {"title": "A new goal"},
    "POST /api/v1/goals/{pk}/comments": lambda w: {"body": "Nice progress"},
    "POST /api/v1/goals/{pk}/progress": lambda w: {"text": "Halfway", "percent": 50},
    "POST /api/v1/goals/{pk}/steps": lambda w: {"title": "Another step"},
    "POST /api/v1/matching/programs/{slug}/runs": lambda w: {},
}
# Operations whose valid body must be accepted (2xx), so the check below is not empty.
MUST_WRITE = {
    "POST /api/v1/meetings/{meeting_id}/notes",
    "PATCH /api/v1/meetings/notes/{note_id}",
    "PATCH /api/v1/programs/{slug}",
}

OWNERSHIP_FIELDS = {
    "author",
    "program",
    "partnership",
    "user",
    "owner",
    "membership",
    "seat",
    "created_by",
    "sender",
    "proposed_by",
}


def _bait(w: World) -> dict[str, Any]:
    """Someone else's objects, as a client would name them."""
    partnership_b = w.objects["partnership_b"]
    other_seat = partnership_b.seats.first()
    return {
        "author": other_seat.pk,
        "author_id": other_seat.pk,
        "seat": other_seat.pk,
        "seat_id": other_seat.pk,
        "program": w.b.pk,
        "program_id": w.b.pk,
        "role": "coordinator",
        "partnership": partnership_b.pk,
        "partnership_id": partnership_b.pk,
        "user": w.users["outsider"].pk,
        "user_id": w.users["outsider"].pk,
        "owner": w.memberships["outsider"].pk,
        "owner_id": w.memberships["outsider"].pk,
        "membership": w.memberships["outsider"].pk,
        "membership_id": w.memberships["outsider"].pk,
    }


def _forbidden_values(w: World) -> dict[Any, set[int]]:
    """Map each model to the primary keys that must never appear in an ownership field."""
    from tandem.accounts.models import User
    from tandem.partnerships.models import Partnership, PartnershipMember
    from tandem.programs.models import Membership, Program

    partnership_b = w.objects["partnership_b"]
    return {
        Program: {w.b.pk},
        Partnership: {partnership_b.pk},
        PartnershipMember: set(partnership_b.seats.values_list("pk", flat=True)),
        User: {w.users["outsider"].pk},
        Membership: {w.memberships["outsider"].pk},
    }


def _ownership_snapshot() -> dict[tuple[str, int], tuple[Any, ...]]:
    snapshot: dict[tuple[str, int], tuple[Any, ...]] = {}
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if (f.is_relation and f.name in OWNERSHIP_FIELDS) or f.name == "role"
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields):
            snapshot[(model._meta.label, row[0])] = row[1:]
    return snapshot


def _new_rows_pointing_at_bait(
    before: dict[tuple[str, int], tuple[Any, ...]], w: World
) -> list[str]:
    forbidden = _forbidden_values(w)
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not (f.is_relation and f.name in OWNERSHIP_FIELDS):
                continue
            target = f.related_model
            bad = forbidden.get(target, set()) if target is not None else set()
            if not bad:
                continue
            for pk in model._base_manager.filter(**{f"{f.attname}__in": bad}).values_list(
                "pk", flat=True
            ):
                if (model._meta.label, pk) not in before:
                    found.append(f"new {model._meta.label} #{pk} has {f.name} = someone else's")
    if any(
        role == "coordinator"
        for key, (role, *_) in ((k, v) for k, v in _ownership_snapshot().items())
        if key[0] == "programs.Membership" and key not in before and isinstance(role, str)
    ):
        found.append("a new coordinator membership appeared")
    return found


def _changes_towards_bait(
    before: dict[tuple[str, int], tuple[Any, ...]],
    after: dict[tuple[str, int], tuple[Any, ...]],
    w: World,
) -> list[str]:
    """Return existing rows whose ownership fields now point at someone else's objects."""
    forbidden = _forbidden_values(w)
    problems = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if (f.is_relation and f.name in OWNERSHIP_FIELDS) or f.name == "role"
        ]
        for key, values in after.items():
            if key[0] != model._meta.label or key not in before or before[key] == values:
                continue
            for f, old, new in zip(fields, before[key], values, strict=True):
                if old == new:
                    continue
                bad = forbidden.get(f.related_model, set()) if f.related_model else set()
                if f.name == "role" or new in bad:
                    problems.append(f"{key[0]} #{key[1]} {f.name}: {old} -> {new}")
    return problems


def _schema_properties() -> dict[str, set[str]]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    out: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            props = (
                set(components.get(ref.split("/")[-1], {}).get("properties", {})) if ref else set()
            )
            out[f"{method.upper()} {path}"] = props
    return out


def test_fields_a_client_must_not_set_are_ignored_or_refused(world: World) -> None:
    properties = _schema_properties()
    bait = _bait(world)
    failures: list[str] = []
    written: set[str] = set()
    clients: dict[str, Client] = {}
    for op, rule in API.items():
        method, path = op.split(" ", 1)
        if method not in {"POST", "PUT", "PATCH"} or op not in properties:
            continue
        role = "anonymous" if rule.access == PUBLIC else sorted(ALLOWED[rule.access])[0]
        if rule.access in {"coordinators_of_program"}:
            role = "coordinator"
        elif "partner" in ALLOWED[rule.access]:
            role = "partner"
        if role not in clients:
            clients[role] = Client(raise_request_exception=False)
            if role != "anonymous":
                clients[role].force_login(world.users[role])
        kwargs = rule.kwargs(world) if rule.kwargs else {}
        url = fill_path(path, kwargs)
        body = dict(rule.body(world)) if rule.body else {}
        if op in VALID_BODIES:
            body.update(VALID_BODIES[op](world))
        extra = {k: v for k, v in bait.items() if k not in properties[op]}
        if not extra:
            continue
        with transaction.atomic():
            before = _ownership_snapshot()
            response = clients[role].generic(
                method, url, data=json.dumps({**body, **extra}), content_type="application/json"
            )
            after = _ownership_snapshot()
            changed = _changes_towards_bait(before, after, world)
            leaks = _new_rows_pointing_at_bait(before, world)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"{op}: {response.status_code} with extra fields")
        if 200 <= response.status_code < 300:
            written.add(op)
        for problem in changed + leaks:
            failures.append(f"{op} as {role}: {problem}")
    assert not failures, "\n".join(failures)
    assert written >= MUST_WRITE, f"these valid writes failed: {sorted(MUST_WRITE - written)}"
