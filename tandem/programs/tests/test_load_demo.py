"""``manage.py load_demo``: the demo program, its members and sign-ins; idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.models import AuditEvent
from tandem.interchange.members_csv import MemberRow, parse_members_csv, tag_key
from tandem.programs.demo import loader
from tandem.programs.management.commands.load_demo import (
    MSG_ALREADY,
    MSG_EVERY_MEMBER,
    MSG_LOADED,
)
from tandem.programs.models import Document, Membership, Profile, Program, Resource, Tag


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    return {
        "users": User.objects.count(),
        "memberships": sorted(Membership.objects.values_list("pk", "updated_at")),
        "profiles": sorted(Profile.objects.values_list("pk", "updated_at")),
        "tags": Tag.objects.count(),
        "documents": Document.objects.count(),
        "resources": Resource.objects.count(),
        "audit": AuditEvent.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "passwords": sorted(User.objects.values_list("pk", "password")),
    }


@pytest.mark.django_db
def test_load_demo_creates_the_program_members_and_sign_ins(client):
    output = load()

    assert MSG_LOADED.format(program=loader.PROGRAM_NAME, created=40, updated=0) in output
    for email in (loader.COORDINATOR_EMAIL, *loader.MEMBER_EMAILS):
        assert email in output
    assert "demo-coordinator" in output and "demo-member" in output

    program = Program.objects.get(slug=loader.PROGRAM_SLUG)
    assert program.name == "Peer Mentoring Circle 2027"
    assert program.status == Program.Status.INTAKE_OPEN
    assert (program.kickoff_on, program.recap_on) == (date(2027, 2, 3), date(2027, 6, 30))
    assert (program.cadence_weeks, program.meeting_minutes) == (2, 60)
    assert program.documents.filter(kind=Document.Kind.GUIDEBOOK).count() == 1
    assert program.resources.count() == 3
    members = Membership.objects.filter(program=program, role=Membership.Role.MEMBER)
    assert members.count() == 40
    assert not members.exclude(status=Membership.Status.READY).exists()
    assert (
        Profile.objects.filter(membership__program=program).exclude(excluded_emails=[]).count() >= 2
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERS_IMPORTED).count() == 1

    assert client.login(email=loader.COORDINATOR_EMAIL, password=loader.COORDINATOR_PASSWORD)
    assert client.get(reverse("programs:import", args=[program.slug])).status_code == 200
    for email in loader.MEMBER_EMAILS:
        assert client.login(email=email, password=loader.MEMBER_PASSWORD)
        assert EmailAddress.objects.get(email=email).verified
        home = client.get(reverse("programs:detail", args=[program.slug]), follow=True)
        assert home.status_code == 200
    assert MSG_EVERY_MEMBER.format(password=loader.MEMBER_PASSWORD) in output


@pytest.mark.django_db
def test_every_imported_demo_member_signs_in_with_the_demo_password(client):
    load()
    program = Program.objects.get(slug=loader.PROGRAM_SLUG)
    members = Membership.objects.filter(program=program, role=Membership.Role.MEMBER)
    emails = sorted(members.values_list("user__email", flat=True))
    assert len(emails) == 40
    for email in emails:
        assert client.login(email=email, password=loader.MEMBER_PASSWORD), email
        assert EmailAddress.objects.get(email=email).verified
        client.logout()

    # Through the sign-in form too, as a person would: a member that is none of the three
    # printed sign-ins (a partner matching may pick).
    partner = next(email for email in emails if email not in loader.MEMBER_EMAILS)
    response = client.post(
        reverse("account_login"), {"login": partner, "password": loader.MEMBER_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url != reverse("account_email_verification_sent")
    settings_page = client.get(reverse("accounts:settings"))
    assert settings_page.status_code == 200 and settings_page.context["user"].email == partner


@pytest.mark.django_db
def test_load_demo_keeps_a_password_a_demo_member_chose():
    load()
    member = User.objects.get(email="maya@demo.tandem.test")
    member.set_password("my own choice")
    member.save()
    load()
    member.refresh_from_db()
    assert member.check_password("my own choice")
    assert not member.check_password(loader.MEMBER_PASSWORD)


@pytest.mark.django_db
def test_only_demo_addresses_get_the_public_demo_password(tmp_path, monkeypatch):
    csv = loader.MEMBERS_CSV.read_text(encoding="utf-8")
    outsider = tmp_path / "members.csv"
    outsider.write_text(csv.replace("maya@demo.tandem.test", "maya@example.org"), encoding="utf-8")
    monkeypatch.setattr(loader, "MEMBERS_CSV", outsider)
    load()
    assert not User.objects.get(email="maya@example.org").has_usable_password()
    assert User.objects.get(email="ben@demo.tandem.test").check_password(loader.MEMBER_PASSWORD)


@pytest.mark.django_db
def test_second_run_adds_nothing_and_says_so():
    load()
    before = snapshot()
    output = load()
    assert MSG_ALREADY.format(program=loader.PROGRAM_NAME) in output
    assert "coordinator@demo.tandem.test" in output
    assert snapshot() == before


def _utc_half_hours(row: MemberRow) -> set[tuple[int, int]]:
    """Return the member's free half-hours in the kick-off week, in UTC."""
    zone, monday = ZoneInfo(row.time_zone), date(2027, 2, 1)
    out = set()
    for slot in row.availability:
        start = datetime(2027, 2, 1, tzinfo=zone) + timedelta(days=slot.day)
        for minute in range(slot.start, slot.end, 30):
            at = (start + timedelta(minutes=minute)).astimezone(ZoneInfo("UTC"))
            out.add(((at.date() - monday).days % 7, at.hour * 60 + at.minute))
    return out


def test_demo_csv_is_realistic_input_for_matching():
    result = parse_members_csv(loader.MEMBERS_CSV.read_bytes())
    assert result.errors == ()
    rows = result.rows
    assert 38 <= len(rows) <= 45
    regions = {row.time_zone.split("/")[0] for row in rows}
    assert {"America", "Europe"} <= regions and regions & {"Asia", "Australia", "Pacific"}
    assert len({row.organisation for row in rows}) >= 3
    assert len({row.department for row in rows}) >= 5
    assert len({row.stage for row in rows}) >= 4
    assert 2 <= sum(bool(row.exclude) for row in rows) <= 8
    assert len({lang for row in rows for lang in row.languages} - {"English"}) >= 5
    emails = {row.email for row in rows}
    assert all(set(row.exclude) <= emails for row in rows)

    # Most members have a complementary partner (each teaches what the other wants) with at
    # least an hour free at the same time, and is not excluded from them.
    free = {row.email: _utc_half_hours(row) for row in rows}
    excluded = {(row.email, other) for row in rows for other in row.exclude}
    with_swap = set()
    for a in rows:
        for b in rows:
            if a.email >= b.email or (a.email, b.email) in excluded:
                continue
            if (b.email, a.email) in excluded:
                continue
            a_teaches_b = {tag_key(t) for t in a.offers} & {tag_key(t) for t in b.wants}
            b_teaches_a = {tag_key(t) for t in b.offers} & {tag_key(t) for t in a.wants}
            if a_teaches_b and b_teaches_a and len(free[a.email] & free[b.email]) >= 2:
                with_swap |= {a.email, b.email}
    assert len(with_swap) >= 0.9 * len(rows)


@pytest.mark.django_db
def test_load_demo_prints_the_program_page_on_the_address_the_site_is_served_on(settings):
    settings.SITE_URL = "http://127.0.0.1:8300"  # what `make run PORT=8300` passes
    for out in (load(), load()):  # printed on the first run and on a second one
        page = next(line for line in out.splitlines() if line.startswith("Program page:"))
        assert page.startswith("Program page: http://127.0.0.1:8300/p/")


@pytest.mark.django_db
def test_first_run_matching_click_on_the_demo_produces_proposals(client):
    from tandem.matching.forms import MatchRunForm
    from tandem.matching.models import MatchRun

    load()
    program = Program.objects.get(slug=loader.PROGRAM_SLUG)
    profiles = Profile.objects.filter(membership__program=program)
    assert not profiles.filter(consent_at__isnull=True).exists()

    # The form as the page offers it: every field at its initial value.
    form = MatchRunForm(program=program)
    initial = {name: form.get_initial_for_field(field, name) for name, field in form.fields.items()}
    data = {
        name: value for name, value in initial.items() if value is not None and value is not False
    }
    assert client.login(email=loader.COORDINATOR_EMAIL, password=loader.COORDINATOR_PASSWORD)
    response = client.post(reverse("matching:runs", args=[program.slug]), data)

    run = MatchRun.objects.get(program=program)
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == MatchRun.Status.DONE
    assert run.proposals.count() >= 15
