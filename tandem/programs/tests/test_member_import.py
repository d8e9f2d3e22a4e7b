"""Member import from CSV: upload, preview, confirm (services and coordinator pages)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.interchange.members_csv import MAX_BYTES
from tandem.interchange.tests.csv_rows import HEADER, csv_bytes, row
from tandem.programs.forms.member_import import MSG_NO_FILE
from tandem.programs.models import Invitation, Membership, Profile, Tag
from tandem.programs.services.invitations import invitation_accept
from tandem.programs.services.member_csv import problem_text
from tandem.programs.services.member_import import member_import_apply, member_import_preview
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    TagFactory,
    UserFactory,
)
from tandem.programs.views import member_import as views

pytestmark = pytest.mark.django_db


def many_rows(count: int, prefix: str = "member") -> bytes:
    return csv_bytes(
        *(
            row(
                email=f"{prefix}{i}@example.org",
                name=f"Member {i}",
                offers=f"skill {i}; Spanish",
                wants=f"skill {i + 1}",
                exclude=f"{prefix}{(i + 1) % count}@example.org",
            )
            for i in range(count)
        )
    )


def upload(client, program, data: bytes | None, name: str = "members.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {} if data is None else {"file": SimpleUploadedFile(name, data, "text/csv")}
    return client.post(reverse("programs:import", args=[program.slug]), payload)


def confirm(client, program):
    pending = client.session.get(f"member_import:{program.pk}", {})
    return client.post(
        reverse("programs:import_confirm", args=[program.slug]),
        {"digest": pending.get("digest", "0" * 64)},
        follow=True,
    )


@pytest.fixture
def program():
    return ProgramFactory(name="Spanish for skiers")


@pytest.fixture
def coordinator(program, client):
    membership = CoordinatorFactory(program=program)
    client.force_login(membership.user)
    return membership.user


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Profile.objects.count(),
        Tag.objects.count(),
        Profile.offers.through.objects.count(),
        Profile.themes.through.objects.count(),
        AuditEvent.objects.count(),
    )


# Access


def test_only_the_programs_coordinators_reach_the_import(client, program):
    url = reverse("programs:import", args=[program.slug])
    confirm_url = reverse("programs:import_confirm", args=[program.slug])
    assert client.get(url).status_code == 404
    member = MembershipFactory(program=program)
    client.force_login(member.user)
    assert client.get(url).status_code == 404
    assert client.post(confirm_url, {"digest": "0" * 64}).status_code == 404
    elsewhere = CoordinatorFactory()
    client.force_login(elsewhere.user)
    assert client.get(url).status_code == 404
    assert upload(client, program, csv_bytes(row())).status_code == 404
    assert Membership.objects.filter(program=program).count() == 1
    coordinator = CoordinatorFactory(program=program)
    client.force_login(coordinator.user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Import members" in page.text


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "with these columns:"),
        ("es", "con estas columnas:"),
        ("fr", "avec ces colonnes :"),
    ],
)
def test_the_import_page_lists_the_columns_after_its_sentence_with_no_stray_stop(
    client, program, coordinator, language, sentence
):
    User.objects.filter(pk=coordinator.pk).update(language=language)
    html = client.get(reverse("programs:import", args=[program.slug])).text
    step = html[html.index("<ol>") : html.index("</li>", html.index("<ol>"))]
    # The sentence ends with a colon; the columns follow, in the file's own words.
    assert sentence in step
    assert re.search(
        r":\s*<code>email, name, pronouns, time_zone, [a-z_, ]*, exclude</code>$", step
    )


# Preview and confirm


def test_preview_says_what_will_happen_and_writes_nothing(client, program, coordinator):
    existing = ProfileFactory(
        membership__program=program, membership__user__email="ben@example.org"
    )
    before = counts()
    response = upload(
        client,
        program,
        csv_bytes(row(), row(email="Ben@Example.org", name="Ben"), row(email="cy@example.org")),
    )
    assert response.status_code == 200
    assert counts() == before
    plan = response.context["plan"]
    assert plan.created == ("ana@example.org", "cy@example.org")
    assert plan.updated == ("ben@example.org",)
    assert plan.unchanged == ()
    assert "<strong>2</strong> new members" in response.text
    assert "<strong>1</strong> updated" in response.text
    assert "Import 3 members" in response.text
    existing.refresh_from_db()
    assert existing.display_name != "Ben"


def test_confirm_creates_accounts_memberships_and_profiles(
    client, program, coordinator, frozen_clock
):
    data = csv_bytes(
        row(exclude="ben@example.org"),
        row(
            email="ben@example.org",
            name="Ben",
            pronouns="",
            time_zone="America/New_York",
            availability="Wed 12:00-14:00",
            offers="Skiing",
            wants="spanish; Public Speaking",
            goals="Leadership",
            stage="senior",
            organisation="",
            department="",
            languages="",
            channel="phone",
        ),
    )
    upload(client, program, data)
    response = confirm(client, program)
    assert escape(views.MSG_DONE.format(created=2, updated=0, unchanged=0)) in response.text

    ana = User.objects.get(email="ana@example.org")
    assert not ana.has_usable_password()
    assert ana.name == "Ana Souza"
    membership = Membership.objects.get(program=program, user=ana)
    assert membership.role == Membership.Role.MEMBER
    assert membership.status == Membership.Status.READY
    profile = membership.profile
    assert profile.display_name == "Ana Souza"
    assert profile.pronouns == "she/her"
    assert profile.time_zone == "Europe/Madrid"
    assert profile.availability == [[2, 18 * 60, 20 * 60]]
    assert profile.stage == "mid"
    assert (profile.organisation, profile.department) == ("Acme", "Sales")
    assert profile.languages == ["English", "Spanish"]
    assert profile.channel == "video"
    assert profile.submitted_at == frozen_clock
    assert [t.name for t in profile.offers.all()] == ["Spanish"]
    assert [t.name for t in profile.wants.all()] == ["skiing"]
    assert [t.name for t in profile.themes.all()] == ["public speaking"]
    assert profile.excluded_emails == ["ben@example.org"]
    ben = Membership.objects.get(program=program, user__email="ben@example.org")
    assert ben.profile.languages == ["English"]
    assert ben.profile.channel == "phone"
    assert {t.name for t in ben.profile.wants.all()} == {"public speaking", "Spanish"}
    # One tag per skill, shared by the two profiles whatever the spelling.
    assert Tag.objects.filter(program=program, kind=Tag.Kind.SKILL).count() == 3
    assert Tag.objects.filter(program=program, kind=Tag.Kind.THEME).count() == 2
    assert client.session.get(f"member_import:{program.pk}") is None


def test_row_without_offers_wants_or_availability_waits_in_intake(program, coordinator):
    member_import_apply(
        program=program, actor=coordinator, data=csv_bytes(row(wants="", availability=""))
    )
    membership = Membership.objects.get(user__email="ana@example.org")
    assert membership.status == Membership.Status.INTAKE
    assert membership.profile.submitted_at is None


def test_importing_the_same_file_again_changes_nothing(client, program, coordinator):
    data = many_rows(5)
    upload(client, program, data)
    confirm(client, program)
    before = counts()
    stamps = sorted(Profile.objects.values_list("pk", "updated_at"))
    member_stamps = sorted(Membership.objects.values_list("pk", "updated_at"))

    response = upload(client, program, data)
    assert escape(views.MSG_NOTHING_TO_CHANGE) in response.text
    assert "Import 0" not in response.text
    assert 'action="/p/' + program.slug + '/manage/import/confirm/"' not in response.text
    result = member_import_apply(program=program, actor=coordinator, data=data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert counts() == before
    assert sorted(Profile.objects.values_list("pk", "updated_at")) == stamps
    assert sorted(Membership.objects.values_list("pk", "updated_at")) == member_stamps


def test_reimport_updates_only_the_changed_member(program, coordinator, frozen_clock):
    member_import_apply(
        program=program,
        actor=coordinator,
        data=csv_bytes(row(), row(email="ben@example.org", name="Ben")),
    )
    later = frozen_clock.replace(hour=12)
    with clock.frozen(later):
        plan = member_import_preview(
            program=program,
            data=csv_bytes(row(), row(email="ben@example.org", name="Ben", offers="Chess")),
        )
        assert (plan.created, plan.updated, plan.unchanged) == (
            (),
            ("ben@example.org",),
            ("ana@example.org",),
        )
        member_import_apply(
            program=program,
            actor=coordinator,
            data=csv_bytes(row(), row(email="ben@example.org", name="Ben", offers="Chess")),
        )
    ana = Profile.objects.get(membership__user__email="ana@example.org")
    ben = Profile.objects.get(membership__user__email="ben@example.org")
    assert ana.updated_at == frozen_clock
    assert ben.updated_at == later
    assert [t.name for t in ben.offers.all()] == ["Chess"]
    assert ben.submitted_at == frozen_clock


# Consent


def with_consent(*rows: tuple[str, str]) -> bytes:
    """Return a file with a consent column: (row, consent cell) pairs."""
    return csv_bytes(*(f"{line},{cell}" for line, cell in rows), header=HEADER + ",consent")


def test_consent_in_the_file_is_recorded_at_import(program, coordinator, frozen_clock):
    member_import_apply(
        program=program,
        actor=coordinator,
        data=with_consent(
            (row(), "yes"),
            (row(email="ben@example.org", time_zone="America/New_York"), "2026-11-02"),
            (row(email="cy@example.org"), ""),
        ),
    )
    consent = dict(Profile.objects.values_list("membership__user__email", "consent_at"))
    assert consent["ana@example.org"] == frozen_clock
    # A date is the start of that day in the member's own time zone.
    assert consent["ben@example.org"] == datetime(2026, 11, 2, tzinfo=ZoneInfo("America/New_York"))
    assert consent["cy@example.org"] is None


def test_a_later_import_never_withdraws_or_moves_consent(program, coordinator, frozen_clock):
    member_import_apply(program=program, actor=coordinator, data=with_consent((row(), "yes")))
    for cell in ("", "no", "2026-01-01"):
        plan = member_import_preview(program=program, data=with_consent((row(), cell)))
        assert plan.unchanged == ("ana@example.org",)
    member_import_apply(program=program, actor=coordinator, data=with_consent((row(), "no")))
    assert Profile.objects.get().consent_at == frozen_clock


def test_consent_date_after_today_is_a_cell_error(program, frozen_clock):
    tomorrow = (frozen_clock + timedelta(days=2)).date().isoformat()
    plan = member_import_preview(program=program, data=with_consent((row(), tomorrow)))
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (2, "consent", problem_text("consent_in_future", {"day": tomorrow}))
    ]


def test_existing_account_is_invited_not_joined_whatever_the_case(program, coordinator):
    user = UserFactory(email="ana@example.org")
    result = member_import_apply(
        program=program, actor=coordinator, data=csv_bytes(row(email="ANA@example.ORG"))
    )
    assert (result.created, result.accounts_created, result.invited) == (1, 0, 1)
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1
    assert not Membership.objects.filter(program=program, user=user).exists()
    invitation = Invitation.objects.get(program=program)
    assert (invitation.email, invitation.role) == ("ana@example.org", Membership.Role.MEMBER)
    assert invitation.invited_by == coordinator
    user.refresh_from_db()
    assert user.has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_invited_account_gets_the_email_and_joins_only_by_accepting(client, program, coordinator):
    user = UserFactory(email="ana@example.org")
    upload(client, program, csv_bytes(row(), row(email="ben@example.org", name="Ben")))
    confirm(client, program)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    invitation = Invitation.objects.get(program=program, email="ana@example.org")
    assert invitation.token in mail.outbox[0].body
    assert not Membership.objects.filter(program=program, user=user).exists()
    # Ben had no account: the import created it and the membership, as before.
    assert Membership.objects.filter(program=program, user__email="ben@example.org").exists()

    membership = invitation_accept(token=invitation.token, user=user)
    assert (membership.program, membership.role) == (program, Membership.Role.MEMBER)


def test_preview_reads_the_same_for_addresses_with_and_without_an_account(
    client, program, coordinator
):
    UserFactory(email="has@example.org")

    def page(email: str) -> tuple[str, tuple[int, int, int]]:
        response = upload(client, program, csv_bytes(row(email=email)))
        plan = response.context["plan"]
        summary = response.text.split('id="import-summary"')[1].split("</section>")[0]
        text = " ".join(summary.replace(email, "EMAIL").split())
        return text, (len(plan.created), len(plan.updated), len(plan.unchanged))

    with_account, counts_with = page("has@example.org")
    without_account, counts_without = page("new@example.org")
    assert counts_with == counts_without == (1, 0, 0)
    assert with_account == without_account
    assert "1</strong> new member" in with_account
    assert "without a Tandem account" not in with_account


@pytest.mark.django_db(transaction=True)
def test_reimporting_for_an_invited_account_changes_nothing_and_sends_nothing(
    client, program, coordinator
):
    UserFactory(email="ana@example.org")
    data = csv_bytes(row())
    member_import_apply(program=program, actor=coordinator, data=data)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()
    plan = member_import_preview(program=program, data=data)
    assert plan.nothing_to_change and plan.unchanged == ("ana@example.org",)
    response = upload(client, program, data)
    assert escape(views.MSG_NOTHING_TO_CHANGE) in response.text
    member_import_apply(program=program, actor=coordinator, data=data)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []
    assert Invitation.objects.filter(program=program).count() == 1


def test_tags_are_reused_by_key_and_merges_are_followed(program, coordinator):
    kept = TagFactory(program=program, name="Spanish language")
    TagFactory(program=program, name="Castellano", merged_into=kept)
    skiing = TagFactory(program=program, name="Skiing")
    member_import_apply(
        program=program,
        actor=coordinator,
        data=csv_bytes(row(offers="castellano; Spanish Language", wants="  SKIING ")),
    )
    profile = Profile.objects.get()
    assert list(profile.offers.all()) == [kept]
    assert list(profile.wants.all()) == [skiing]
    assert Tag.objects.filter(program=program, kind=Tag.Kind.SKILL).count() == 3


def test_a_coordinator_in_the_file_is_rejected_not_demoted(client, program, coordinator):
    before = counts()
    response = upload(
        client, program, csv_bytes(row(), row(email=coordinator.email.upper(), name="Me"))
    )
    message = problem_text("coordinator_row", {"email": coordinator.email})
    assert escape(message) in response.text
    assert "<td>3</td>" in response.text
    assert response.context["plan"].can_import is False
    assert counts() == before
    assert Membership.objects.get(user=coordinator).role == Membership.Role.COORDINATOR


def test_a_member_who_left_is_not_added_back(program, coordinator):
    MembershipFactory(program=program, user__email="ana@example.org", status=Membership.Status.LEFT)
    plan = member_import_preview(program=program, data=csv_bytes(row()))
    assert [e.message for e in plan.errors] == [
        problem_text("left_row", {"email": "ana@example.org"})
    ]


def test_matched_member_keeps_status(program, coordinator):
    profile = ProfileFactory(
        membership__program=program,
        membership__user__email="ana@example.org",
        membership__status=Membership.Status.MATCHED,
    )
    member_import_apply(program=program, actor=coordinator, data=csv_bytes(row(offers="")))
    profile.membership.refresh_from_db()
    assert profile.membership.status == Membership.Status.MATCHED


def test_in_person_without_a_known_city_is_a_row_error(program):
    plan = member_import_preview(program=program, data=csv_bytes(row(channel="in person")))
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (2, "channel", problem_text("in_person_needs_city", {}))
    ]


def test_overlong_cells_are_row_errors(program):
    plan = member_import_preview(
        program=program, data=csv_bytes(row(name="N" * 81, offers="x" * 61))
    )
    assert [(e.column, e.message) for e in plan.errors] == [
        ("name", problem_text("cell_too_long", {"length": 81, "limit": 80})),
        ("offers", problem_text("tag_too_long", {"value": "x" * 61, "length": 61, "limit": 60})),
    ]


def test_exclusions_are_kept_as_emails_whether_or_not_they_are_members(program, coordinator):
    MembershipFactory(program=program, user__email="dee@example.org")
    data = csv_bytes(row(exclude="Dee@example.org; zed@example.org"))
    member_import_apply(program=program, actor=coordinator, data=data)
    profile = Profile.objects.get(membership__user__email="ana@example.org")
    assert profile.excluded_emails == ["dee@example.org", "zed@example.org"]
    assert member_import_preview(program=program, data=data).nothing_to_change
    changed = member_import_preview(program=program, data=csv_bytes(row(exclude="")))
    assert changed.updated == ("ana@example.org",)


def test_import_records_an_audit_event(client, program, coordinator):
    MembershipFactory(program=program, user__email="ben@example.org")
    upload(client, program, csv_bytes(row(), row(email="ben@example.org", name="Ben")))
    confirm(client, program)
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBERS_IMPORTED)
    assert event.actor == coordinator
    assert event.program == program
    assert event.after == {"created": 1, "updated": 1, "unchanged": 0}


def test_confirm_without_a_preview_imports_nothing(client, program, coordinator):
    before = counts()
    response = confirm(client, program)
    assert escape(views.MSG_STALE) in response.text
    assert counts() == before


def test_confirm_of_an_older_preview_imports_nothing(client, program, coordinator):
    upload(client, program, csv_bytes(row()))
    old_digest = client.session[f"member_import:{program.pk}"]["digest"]
    upload(client, program, csv_bytes(row(email="ben@example.org")))
    before = counts()
    response = client.post(
        reverse("programs:import_confirm", args=[program.slug]),
        {"digest": old_digest},
        follow=True,
    )
    assert escape(views.MSG_STALE) in response.text
    assert counts() == before


# Bad files: a clear message on the page, never a 500, nothing written.


def _latin1() -> bytes:
    return csv_bytes(row(name="José")).decode().encode("latin-1")


BAD_FILES = [
    pytest.param(_latin1(), problem_text("not_utf8", {"line": 2}), id="wrong-encoding"),
    pytest.param(
        b"email,name,time_zone\nana@example.org,Ana,Europe/Madrid\n",
        problem_text(
            "missing_columns",
            {
                "columns": "pronouns, availability, offers, wants, goals, stage, organisation, "
                "department, languages, channel, exclude",
                "count": 11,
            },
        ),
        id="missing-columns",
    ),
    pytest.param(
        csv_bytes(row(), row(email="ANA@example.org")),
        problem_text("duplicate_email", {"email": "ana@example.org", "first": 2, "line": 3}),
        id="duplicate-emails",
    ),
    pytest.param(
        csv_bytes(row(name='=HYPERLINK("http://evil")')),
        problem_text("formula", {"char": "="}),
        id="formula",
    ),
    pytest.param(b"", problem_text("empty", {}), id="empty"),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        problem_text("not_csv", {"kind": "a PNG image"}),
        id="png",
    ),
    pytest.param(
        "\ufeff".encode("utf-16-le") + csv_bytes(row()).decode().encode("utf-16-le"),
        problem_text("utf16", {}),
        id="utf-16",
    ),
    pytest.param(None, MSG_NO_FILE, id="no-file"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
def test_bad_file_gets_a_clear_message_and_writes_nothing(
    client, program, coordinator, data, message
):
    # A good import first, so that "nothing written" also covers a pending preview.
    before = counts()
    response = upload(client, program, data)
    assert response.status_code == 200
    assert escape(message) in response.text
    assert counts() == before
    assert client.session.get(f"member_import:{program.pk}") is None
    assert escape(views.MSG_NOTHING_TO_CHANGE) not in response.text


def test_file_over_10_mb_is_refused_before_it_is_read(client, program, coordinator, monkeypatch):
    def fail(**kwargs):
        raise AssertionError("an oversized file must not be parsed")

    monkeypatch.setattr(views, "member_import_preview", fail)
    data = csv_bytes(row()) + b"#" * MAX_BYTES
    before = counts()
    response = upload(client, program, data)
    assert response.status_code == 200
    message = problem_text("too_large", {"size": len(data), "limit": MAX_BYTES})
    assert escape(message) in response.text
    assert counts() == before


def test_every_bad_row_is_listed_with_line_column_and_fix(client, program, coordinator):
    data = csv_bytes(
        row(),
        row(email="ben@example.org", time_zone="Mars/Olympus"),
        row(email="cy@example.org", stage="guru", availability="Someday"),
    )
    response = upload(client, program, data)
    errors = response.context["plan"].errors
    assert [(e.line, e.column) for e in errors] == [
        (3, "time_zone"),
        (4, "availability"),
        (4, "stage"),
    ]
    for error in errors:
        assert escape(error.message) in response.text
    assert "3 problems to fix" in response.text
    assert (
        "Import "
        not in response.text.split("Upload the corrected file")[0].split("What the import will do")[
            1
        ]
    )


def test_preview_lists_every_problem_of_every_cell_at_once(client, program, coordinator):
    MembershipFactory(program=program, user__email="gone@example.org", status="left")
    data = csv_bytes(
        row(name="=HYPERLINK(1)", time_zone="Mars/Olympus", organisation="x" * 121),
        row(email="gone@example.org", stage="guru", wants="w" * 61),
        row(email="coord@example.org", channel="in person", availability="Someday"),
    )
    CoordinatorFactory(program=program, user__email="coord@example.org")
    response = upload(client, program, data)
    errors = response.context["plan"].errors
    assert [(e.line, e.column) for e in errors] == [
        (2, "name"),
        (2, "organisation"),
        (2, "time_zone"),
        (3, "email"),
        (3, "stage"),
        (3, "wants"),
        (4, "availability"),
        (4, "channel"),
        (4, "email"),
    ]
    assert f"{len(errors)} problems to fix" in response.text
    for error in errors:
        assert escape(error.message) in response.text
    assert not response.context["plan"].can_import


def test_a_file_with_a_header_and_no_members_says_so(client, program, coordinator):
    response = upload(client, program, csv_bytes())
    plan = response.context["plan"]
    assert [(e.line, e.message) for e in plan.errors] == [(0, problem_text("no_members", {}))]
    assert escape(problem_text("no_members", {})) in response.text
    assert escape(views.MSG_NOTHING_TO_CHANGE) not in response.text
    assert not plan.can_import


# Query counts


def _preview_queries(client, program, rows: int) -> int:
    prefix = f"p{program.pk}-"
    existing = [
        ProfileFactory(
            membership__program=program,
            membership__user__email=f"{prefix}{i}@example.org",
            offers=["Spanish"],
        )
        for i in range(0, rows, 2)
    ]
    assert existing
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, program, many_rows(rows, prefix))
    assert response.status_code == 200
    assert response.context["plan"].rows == rows
    return len(queries)


def test_preview_query_count_does_not_grow_with_rows(client, coordinator):
    small_program = coordinator.memberships.get().program
    small = _preview_queries(client, small_program, 10)
    large_program = ProgramFactory()
    CoordinatorFactory(program=large_program, user=coordinator)
    large = _preview_queries(client, large_program, 100)
    assert small == large
