"""A member's own data: the download (/me/data/) and deleting the account (/me/delete/)."""

import io
import json
import zipfile
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client

from tandem.accounts.models import User
from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.meetings import services as meetings
from tandem.meetings.models import Note
from tandem.meetings.selectors import seat_name
from tandem.privacy import services as services_data
from tandem.programs.models import Profile
from tandem.programs.tests.factories import PASSWORD
from tests.trust.world import PRIVATE_NOTE, SHARED_NOTE, World, build_world

pytestmark = pytest.mark.django_db

PARTNERS_PRIVATE = "PARTNER2-PRIVATE-NOTE never in Pia's download"


@pytest.fixture
def w() -> World:
    world = build_world()
    seat2 = world.seats[1]
    meetings.note_create(
        meeting=world.objects["meeting"], seat=seat2, body=PARTNERS_PRIVATE, visibility="private"
    )
    return world


def download(client: Client) -> dict[str, Any]:
    response = client.post("/me/data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="tandem-my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: json.loads(archive.read(name)) for name in archive.namelist()}


# --- download ---------------------------------------------------------------------------------


def test_data_page_lists_the_files_and_offers_the_download(w):
    client = Client()
    client.force_login(w.users["partner"])
    body = client.get("/me/data/").content.decode()
    assert "Download my data" in body
    for name in services_data.EXPORT_FILES:
        assert name in body


def test_download_holds_my_records_and_only_mine(w):
    client = Client()
    client.force_login(w.users["partner"])
    files = download(client)
    assert sorted(files) == sorted(services_data.EXPORT_FILES)
    assert files["account.json"]["email"] == "pia@a.example.org"
    assert files["account.json"]["api_tokens"][0]["label"] == "Trust script"
    assert "token_hash" not in json.dumps(files["account.json"])
    assert [m["program"] for m in files["memberships.json"]] == ["trust-a"]
    assert files["profiles.json"][0]["display_name"] == "Pia"
    # Partners by display name only: no email, no intake.
    assert files["partnerships.json"][0]["partners"] == ["Paul"]
    everything = json.dumps(files)
    assert "paul@a.example.org" not in everything
    # My notes, private and shared, never my partner's private one.
    assert sorted(n["body"] for n in files["notes.json"]) == sorted([PRIVATE_NOTE, SHARED_NOTE])
    assert PARTNERS_PRIVATE not in everything
    assert len(files["meetings.json"]) == w.partnership.meetings.count()
    assert files["meetings.json"][0]["my_commitments"] == [] or any(
        m["my_commitments"] for m in files["meetings.json"]
    )
    if "message" in w.objects:
        assert [m["body"] for m in files["messages.json"]] == [w.objects["message"].body]
    if "goal" in w.objects:
        assert {g["title"] for g in files["goals.json"] if "title" in g} >= {"Give a talk"}
    if "agreement_version" in w.objects:
        assert files["agreements.json"][0]["incentive"] == "Dinner"


def test_download_is_written_to_the_audit_log(w):
    client = Client()
    client.force_login(w.users["partner"])
    download(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == w.users["partner"]


def test_visitors_are_sent_to_sign_in_for_the_data_pages():
    for path in ("/me/data/", "/me/delete/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- erasure ----------------------------------------------------------------------------------


def test_wrong_password_erases_nothing_and_says_what_to_do(w):
    client = Client()
    user = w.users["partner"]
    client.force_login(user)
    response = client.post("/me/delete/", {"password": "not-it"})
    assert response.status_code == 400
    assert services_data.MSG_CONFIRMATION_WRONG in response.content.decode()
    user.refresh_from_db()
    assert user.email == "pia@a.example.org" and user.is_active
    assert Note.objects.filter(author=w.seats[0]).count() == 2
    with pytest.raises(ValidationFailed) as exc:
        services_data.account_erase(user=user, password="")
    assert exc.value.message == services_data.MSG_CONFIRMATION_MISSING


def test_deleting_my_account_erases_my_words_and_leaves_partners_a_pseudonym(w):
    client = Client()
    user = w.users["partner"]
    pseudonym = services_data.pseudonym_for(user)
    client.force_login(user)
    response = client.post("/me/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    # Signed out, and the account cannot sign in again.
    assert Client().login(email="pia@a.example.org", password=PASSWORD) is False
    assert client.get("/me/").status_code == 302
    user.refresh_from_db()
    assert user.name == pseudonym and user.email.endswith("@erased.invalid")
    assert not user.is_active and not user.has_usable_password()
    # My notes and profile are gone; my partner's records stay, under the pseudonym.
    assert not Note.objects.filter(author=w.seats[0]).exists()
    assert Note.objects.filter(body=PARTNERS_PRIVATE).exists()
    assert not Profile.objects.filter(membership=w.memberships["partner"]).exists()
    seat = w.partnership.seats.select_related("membership__user").get(pk=w.seats[0].pk)
    assert seat_name(seat) == pseudonym
    assert pseudonym.startswith("Former member ") and len(pseudonym) == len("Former member 7f3a")
    assert w.partnership.meetings.count() > 0
    if "message" in w.objects:
        assert not w.partnership.messages.filter(author=w.seats[0]).exists()


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def test_after_erasure_no_table_holds_my_email_or_name(w):
    user = w.users["partner"]
    email, name = user.email, user.name
    # Leave traces everywhere a person's address or name can go.
    Client().post("/accounts/login/", {"login": email, "password": "wrong"})
    client = Client()
    client.force_login(user)
    download(client)
    other = w.memberships["member"].profile
    other.excluded_emails = [email, "someone@example.org"]
    other.save()
    services_data.account_erase(user=user, password=PASSWORD)

    needles = (email.lower(), name.lower())
    found: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        columns = _text_columns(model)
        if not columns:
            continue
        for row in model._base_manager.values_list("pk", *columns):
            text = json.dumps(row[1:], default=str, ensure_ascii=False).lower()
            found += [f"{model._meta.label} #{row[0]}" for n in needles if n in text]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        cell = bytes(cell).decode("utf-8", "replace")
                    if any(n in str(cell).lower() for n in needles):
                        found.append(f"table {table}: {str(cell)[:80]}")
    assert not found, found
    other.refresh_from_db()
    assert other.excluded_emails == ["someone@example.org"]
    assert User.objects.filter(pk=user.pk).exists()
