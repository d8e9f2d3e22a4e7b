"""A coordinator's page about one member: what it shows (never content), status, pause, remove."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.matching.tests.helpers import member
from tandem.partnerships.models import Partnership, PartnershipEvent
from tandem.partnerships.services.coordinator import (
    MSG_ALREADY_LEFT,
    MSG_STATUS_IN_PARTNERSHIP,
    MSG_STATUS_INTAKE_INCOMPLETE,
    MSG_STATUS_LEFT,
    MSG_STATUS_SAME,
    MSG_STATUS_UNKNOWN,
)
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory
from tests.trust.world import MESSAGE_TEXT, PRIVATE_NOTE, SHARED_NOTE, build_world

pytestmark = pytest.mark.django_db


def _page(client, membership):
    return client.get(
        reverse("dashboard:member_detail", args=[membership.program.slug, membership.pk])
    )


def _status(client, membership, status):
    return client.post(
        reverse("dashboard:member_status", args=[membership.program.slug, membership.pk]),
        {"status": status},
    )


def _remove(client, membership, reason):
    return client.post(
        reverse("dashboard:member_remove", args=[membership.program.slug, membership.pk]),
        {"reason": reason},
    )


def test_page_shows_status_intake_and_partnerships_but_never_notes_messages_or_goals(client):
    w = build_world()
    client.force_login(w.users["coordinator"])
    response = _page(client, w.memberships["partner"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Matched" in html
    assert w.memberships["partner2"].profile.display_name in html  # with whom
    assert "Intake answers" in html
    for secret in (
        PRIVATE_NOTE,
        SHARED_NOTE,
        MESSAGE_TEXT,
        "Give a talk",
        "Private goal",
        "Read chapter three",
        "Confidence",
    ):
        assert secret not in html, secret


def test_roster_rows_link_to_the_member_page(client, program, coordinator):
    ana = member(program, "Ana")
    html = client.get(reverse("programs:roster", args=[program.slug])).content.decode()
    assert reverse("dashboard:member_detail", args=[program.slug, ana.pk]) in html


def test_a_coordinator_or_another_programs_member_has_no_member_page(client, program, coordinator):
    fellow = CoordinatorFactory(program=program)
    stranger = member(ProgramFactory(), "Zed")
    assert _page(client, fellow).status_code == 404
    response = client.get(reverse("dashboard:member_detail", args=[program.slug, stranger.pk]))
    assert response.status_code == 404


def test_members_and_other_coordinators_get_404(client, program):
    ana = member(program, "Ana")
    for user in (member(program, "Ben").user, CoordinatorFactory(program=ProgramFactory()).user):
        client.force_login(user)
        assert _page(client, ana).status_code == 404
        assert _status(client, ana, "paused").status_code == 404
        assert _remove(client, ana, "gone").status_code == 404
    ana.refresh_from_db()
    assert ana.status == Membership.Status.READY


# -- status --------------------------------------------------------------------------------


def test_pausing_a_member_is_audited_and_keeps_their_partnership_running(
    client, program, coordinator
):
    partnership, people = partnership_of(program, "Ana", "Ben")
    response = _status(client, people["Ana"], "paused")
    assert response.status_code == 302
    people["Ana"].refresh_from_db()
    assert people["Ana"].status == Membership.Status.PAUSED
    assert Partnership.objects.get(pk=partnership.pk).status == Partnership.Status.ACTIVE
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_STATUS_CHANGED, program=program)
    assert (event.actor, event.before, event.after) == (
        coordinator,
        {"status": "matched"},
        {"status": "paused"},
    )
    follow = _page(client, people["Ana"]).content.decode()
    assert "Ana is now “paused”." in follow


def test_a_member_in_a_live_partnership_cannot_be_set_ready(client, program, coordinator):
    _, people = partnership_of(program, "Ana", "Ben")
    response = _status(client, people["Ana"], "ready")
    assert response.status_code == 409
    assert MSG_STATUS_IN_PARTNERSHIP.format(name="Ana") in response.content.decode()
    people["Ana"].refresh_from_db()
    assert people["Ana"].status == Membership.Status.MATCHED


def test_ready_needs_a_finished_intake(client, program, coordinator):
    ana = member(program, "Ana")
    ana.profile.submitted_at = None
    ana.profile.save()
    Membership.objects.filter(pk=ana.pk).update(status=Membership.Status.INTAKE)
    no_profile = MembershipFactory(program=program, status=Membership.Status.INTAKE)
    for m in (ana, no_profile):
        response = _status(client, m, "ready")
        assert response.status_code == 400
        name = "Ana" if m is ana else (m.user.name or m.user.email)
        assert MSG_STATUS_INTAKE_INCOMPLETE.format(name=name) in response.content.decode()
        m.refresh_from_db()
        assert m.status == Membership.Status.INTAKE


def test_a_paused_member_goes_back_to_ready(client, program, coordinator):
    ana = member(program, "Ana")
    assert _status(client, ana, "paused").status_code == 302
    assert _status(client, ana, "ready").status_code == 302
    ana.refresh_from_db()
    assert ana.status == Membership.Status.READY


def test_status_refusals_say_why(client, program, coordinator):
    ana = member(program, "Ana")
    response = _status(client, ana, "ready")
    assert response.status_code == 409
    assert MSG_STATUS_SAME.format(name="Ana", status="ready for matching") in (
        response.content.decode()
    )
    for status in ("matched", "left", ""):
        response = _status(client, ana, status)
        assert response.status_code == 400
        assert MSG_STATUS_UNKNOWN in response.content.decode()
    Membership.objects.filter(pk=ana.pk).update(status=Membership.Status.LEFT)
    response = _status(client, ana, "paused")
    assert response.status_code == 409
    assert MSG_STATUS_LEFT.format(name="Ana") in response.content.decode()
    assert not AuditEvent.objects.filter(program=program).exists()


# -- removing ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_removing_a_member_ends_their_partnership_and_tells_the_partners(client, mailoutbox):
    program = ProgramFactory(status="running", name="Skiers")
    coordinator = CoordinatorFactory(program=program).user
    client.force_login(coordinator)
    partnership, people = partnership_of(program, "Ana", "Ben")

    response = _remove(client, people["Ana"], "REMOVAL-REASON")

    assert response.status_code == 302
    people["Ana"].refresh_from_db()
    people["Ben"].refresh_from_db()
    assert people["Ana"].status == Membership.Status.LEFT
    assert people["Ben"].status == Membership.Status.READY  # can be paired again
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    event = PartnershipEvent.objects.get(partnership=partnership)
    assert event.by_coordinator and event.end_reason == PartnershipEvent.EndReason.LEFT
    removal = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED, program=program)
    assert removal.before == {"status": "matched"}
    assert removal.after == {"status": "left", "reason": "REMOVAL-REASON"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PARTNERSHIP_ENDED).count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "ben@example.org"]
    assert all("REMOVAL-REASON" not in m.body for m in mailoutbox)
    html = _page(client, people["Ana"]).content.decode()
    assert (
        "Ana has left the program; their partnership ended and their partners were told by email."
        in html
    )
    assert "Remove them" not in html  # nothing more to do for someone who left


def test_removing_needs_a_reason_and_happens_once(client, program, coordinator):
    ana = member(program, "Ana")
    response = _remove(client, ana, "   ")
    assert response.status_code == 400
    assert "Say why they leave the program." in response.content.decode()
    assert _remove(client, ana, "moved away").status_code == 302
    response = _remove(client, ana, "again")
    assert response.status_code == 409
    assert MSG_ALREADY_LEFT.format(name="Ana") in response.content.decode()
    assert AuditEvent.objects.filter(program=program).count() == 1
