"""The audit log: append-only, the exact row each action writes, never a word partners wrote,
and the coordinators' page."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.models import AUDIT_APPEND_ONLY, AuditEvent, AuditLogAppendOnly
from tandem.matching.services import match_run_publish
from tandem.matching.tests.helpers import member, run_with_proposals
from tandem.privacy import services as services_data
from tandem.programs.services.program import coordinator_add
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    ProgramFactory,
    UserFactory,
)
from tests.trust.world import MESSAGE_TEXT, PRIVATE_NOTE, SHARED_NOTE, World, build_world

pytestmark = pytest.mark.django_db

AT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
FIELDS = (
    "occurred_at",
    "action",
    "actor_id",
    "actor_label",
    "subject_label",
    "program_id",
    "before",
    "after",
    "ip_address",
)


def only_event(action: str) -> dict:
    rows = list(AuditEvent.objects.filter(action=action).values(*FIELDS))
    assert len(rows) == 1, rows
    return rows[0]


# --- append-only -----------------------------------------------------------------------------


def test_an_audit_event_cannot_be_changed_or_deleted_through_the_app():
    event = audit_record(action=AuditEvent.Action.DOORS_OPENED, subject_label="x")
    event.subject_label = "changed"
    with pytest.raises(AuditLogAppendOnly, match="append-only"):
        event.save()
    with pytest.raises(AuditLogAppendOnly):
        event.delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(subject_label="changed")
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().subject_label == "x"
    assert "SQL" in AUDIT_APPEND_ONLY


def test_deleting_a_program_keeps_its_audit_events_without_the_link():
    program = ProgramFactory()
    audit_record(action=AuditEvent.Action.PROGRAM_CHANGED, program=program, subject_label="p")
    program.delete()
    event = AuditEvent.objects.get()
    assert (event.program_id, event.subject_label) == (None, "p")


# --- the exact row of each action ------------------------------------------------------------


def test_sign_in_writes_who_when_and_from_where(client):
    user = UserFactory(email="sam@example.org")
    with clock.frozen(AT):
        client.post(
            reverse("account_login"),
            {"login": "sam@example.org", "password": PASSWORD},
            REMOTE_ADDR="203.0.113.9",
        )
    assert only_event(AuditEvent.Action.SIGN_IN) == {
        "occurred_at": AT,
        "action": "sign_in",
        "actor_id": user.pk,
        "actor_label": "sam@example.org",
        "subject_label": "sam@example.org",
        "program_id": None,
        "before": {},
        "after": {},
        "ip_address": "203.0.113.9",
    }


def test_failed_sign_in_writes_the_address_tried_and_never_the_password(client):
    UserFactory(email="sam@example.org")
    with clock.frozen(AT):
        client.post(
            reverse("account_login"),
            {"login": "sam@example.org", "password": "wrong-guess-123"},
            REMOTE_ADDR="198.51.100.2",
        )
    row = only_event(AuditEvent.Action.SIGN_IN_FAILED)
    assert row == {
        "occurred_at": AT,
        "action": "sign_in_failed",
        "actor_id": None,
        "actor_label": "",
        "subject_label": "sam@example.org",
        "program_id": None,
        "before": {},
        "after": {},
        "ip_address": "198.51.100.2",
    }
    assert "wrong-guess-123" not in json.dumps(row, default=str)


def test_role_change_writes_who_made_whom_what():
    program = ProgramFactory()
    boss = CoordinatorFactory(program=program, user__email="boss@example.org").user
    newcomer = UserFactory(email="new@example.org")
    with clock.frozen(AT):
        coordinator_add(program=program, email="new@example.org", added_by=boss)
    assert only_event(AuditEvent.Action.ROLE_CHANGED) == {
        "occurred_at": AT,
        "action": "role_changed",
        "actor_id": boss.pk,
        "actor_label": "boss@example.org",
        "subject_label": newcomer.email,
        "program_id": program.pk,
        "before": {"role": None},
        "after": {"role": "coordinator", "status": "ready"},
        "ip_address": None,
    }


def test_match_publishing_writes_the_run_and_its_counts():
    program = ProgramFactory(status="running")
    boss = CoordinatorFactory(program=program, user__email="boss@example.org").user
    run = run_with_proposals(program, [member(program, "Ana"), member(program, "Ben")])
    with clock.frozen(AT):
        match_run_publish(run_id=run.pk, actor=boss)
    assert only_event(AuditEvent.Action.MATCH_PUBLISHED) == {
        "occurred_at": AT,
        "action": "match_published",
        "actor_id": boss.pk,
        "actor_label": "boss@example.org",
        "subject_label": str(run),
        "program_id": program.pk,
        "before": {},
        "after": {"run": run.pk, "partnerships": 1, "people": 2, "unmatched": 0},
        "ip_address": None,
    }


def test_export_writes_who_downloaded_their_data():
    user = UserFactory(email="sam@example.org")
    with clock.frozen(AT):
        services_data.account_export(user=user, ip_address="192.0.2.1")
    assert only_event(AuditEvent.Action.EXPORT) == {
        "occurred_at": AT,
        "action": "export",
        "actor_id": user.pk,
        "actor_label": "sam@example.org",
        "subject_label": "sam@example.org",
        "program_id": None,
        "before": {},
        "after": {"files": len(services_data.EXPORT_FILES)},
        "ip_address": "192.0.2.1",
    }


def test_erasure_writes_a_pseudonym_and_a_keyed_hash_never_the_email_or_name():
    user = UserFactory(email="sam.sample@example.org", name="Sam Sample")
    pseudonym = services_data.pseudonym_for(user)
    with clock.frozen(AT):
        services_data.account_erase(user=user, password=PASSWORD, ip_address="192.0.2.1")
    row = only_event(AuditEvent.Action.ERASURE)
    assert row["occurred_at"] == AT
    assert (row["actor_id"], row["actor_label"], row["subject_label"]) == (None, "", pseudonym)
    assert row["after"]["pseudonym"] == pseudonym
    assert len(row["before"]["email_hmac"]) == 64
    assert row["ip_address"] == "192.0.2.1"
    text = json.dumps(row, default=str).lower()
    assert "sam.sample@example.org" not in text
    assert "sam sample" not in text


def test_no_audit_event_holds_what_partners_wrote():
    w = build_world()
    # Every action above, in a world full of notes and messages.
    coordinator = w.users["coordinator"]
    coordinator_add(program=w.a, email=w.users["member"].email, added_by=coordinator)
    services_data.account_export(user=w.users["partner"])
    services_data.account_erase(user=w.users["partner2"], password=PASSWORD)
    Client().post(
        reverse("account_login"), {"login": w.users["partner"].email, "password": "wrong"}
    )
    events = list(AuditEvent.objects.values())
    assert len(events) >= 5
    dump = json.dumps(events, default=str)
    for secret in (PRIVATE_NOTE, SHARED_NOTE, MESSAGE_TEXT):
        assert secret not in dump


# --- the coordinators' page -------------------------------------------------------------------


def _events(program, count: int) -> None:
    for n in range(count):
        audit_record(
            action=AuditEvent.Action.PROGRAM_CHANGED,
            subject_label=program.name,
            program=program,
            before={"name": f"Old {n}"},
            after={"name": f"New {n}"},
        )


def test_coordinator_reads_the_program_log_newest_first_fifty_a_page():
    program = ProgramFactory(slug="audited")
    coordinator = CoordinatorFactory(program=program).user
    other = ProgramFactory()
    audit_record(action=AuditEvent.Action.DOORS_OPENED, program=other, subject_label="Elsewhere")
    _events(program, 60)
    client = Client()
    client.force_login(coordinator)
    first = client.get("/audit/audited/")
    assert first.status_code == 200
    body = first.content.decode()
    assert "New 59" in body and "Old 59" in body
    assert "New 9" not in body  # the ten oldest are on page 2
    assert "Elsewhere" not in body
    assert "Page 1 of 2" in body
    second = client.get("/audit/audited/?page=2").content.decode()
    assert "New 9" in second and "New 0" in second


def test_people_who_do_not_coordinate_the_program_get_404_on_its_log():
    program = ProgramFactory(slug="audited")
    member_user = CoordinatorFactory(program=ProgramFactory()).user  # coordinates another one
    client = Client()
    client.force_login(member_user)
    assert client.get("/audit/audited/").status_code == 404
    assert client.get("/audit/no-such-program/").status_code == 404
    assert Client().get("/audit/audited/").status_code == 404
    assert program.pk


def test_audit_page_makes_the_same_number_of_queries_for_ten_or_fifty_rows():
    program = ProgramFactory(slug="audited")
    coordinator = CoordinatorFactory(program=program).user
    client = Client()
    client.force_login(coordinator)
    _events(program, 10)
    with CaptureQueriesContext(connection) as small:
        client.get("/audit/audited/")
    _events(program, 40)
    with CaptureQueriesContext(connection) as large:
        client.get("/audit/audited/")
    assert len(small) == len(large)


def test_the_world_log_page_shows_no_note_text(world: World):
    client = Client()
    client.force_login(world.users["coordinator"])
    body = client.get(f"/audit/{world.a.slug}/").content.decode()
    assert "Matches published" in body
    for secret in (PRIVATE_NOTE, SHARED_NOTE, MESSAGE_TEXT):
        assert secret not in body


def test_coordinators_reach_the_log_from_the_manage_pages():
    program = ProgramFactory(slug="audited")
    coordinator = CoordinatorFactory(program=program).user
    client = Client()
    client.force_login(coordinator)
    settings_page = client.get(f"/p/{program.slug}/manage/").content.decode()
    assert 'href="/audit/audited/"' in settings_page


def test_site_admins_read_events_without_a_program_in_the_admin_and_cannot_change_them(client):
    UserFactory(email="sam@example.org")
    client.post(reverse("account_login"), {"login": "sam@example.org", "password": PASSWORD})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get("/admin/core/auditevent/")
    assert listing.status_code == 200
    assert "sam@example.org" in listing.text and "Signed in" in listing.text
    assert staff.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200  # a view
    assert staff.get("/admin/core/auditevent/add/").status_code == 403
    staff.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/admin/core/auditevent/").status_code == 302  # to the admin sign-in


def test_a_program_change_reads_as_field_before_and_after_in_the_settings_words():
    from tandem.programs.models import Program
    from tandem.programs.services.program import program_update

    program = ProgramFactory(slug="audited", status=Program.Status.WAITLIST, cadence_weeks=2)
    coordinator = CoordinatorFactory(program=program).user
    program_update(
        program=program,
        actor=coordinator,
        status=Program.Status.INTAKE_OPEN,
        cadence_weeks=3,
        allow_trios=not program.allow_trios,
    )
    client = Client()
    client.force_login(coordinator)
    body = client.get("/audit/audited/").content.decode()
    assert "Program changed" in body
    assert (
        '<li>Status: <span class="before">Waitlist</span> → <span class="after">Intake open</span></li>'
        in body
    )
    assert (
        '<li>Meet every (weeks): <span class="before">2</span> → <span class="after">3</span></li>'
        in body
    )
    assert "Allow trios: " in body
    for raw in ("cadence_weeks", "intake_open", "allow_trios"):
        assert raw not in body


def test_invitations_are_audited_when_sent_sent_again_and_accepted():
    from tandem.programs.services.invitations import invitation_accept, invitation_send

    program = ProgramFactory(slug="audited")
    coordinator = CoordinatorFactory(program=program).user
    invitation = invitation_send(
        program=program, email="Ada@Example.org", role="member", invited_by=coordinator
    )
    invitation_send(program=program, email="ada@example.org", role="member", invited_by=coordinator)
    ada = UserFactory(email="ada@example.org")
    invitation_accept(token=invitation.token, user=ada)
    rows = list(
        AuditEvent.objects.filter(program=program)
        .order_by("id")
        .values_list("action", "actor_id", "subject_label", "after")
    )
    assert rows == [
        ("invitation_sent", coordinator.pk, "ada@example.org", {"role": "member"}),
        ("invitation_resent", coordinator.pk, "ada@example.org", {"role": "member"}),
        ("invitation_accepted", ada.pk, "ada@example.org", {"role": "member"}),
    ]
    client = Client()
    client.force_login(coordinator)
    body = client.get("/audit/audited/").content.decode()
    for label in ("Invitation sent", "Invitation sent again", "Invitation accepted"):
        assert label in body
    assert '<li>Role: <span class="after">Member</span></li>' in body
