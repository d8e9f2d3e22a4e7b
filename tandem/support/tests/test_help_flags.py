"""Help requests: a member raises one (only who and which kind reach the coordinators), and
coordinators mark it handled or reopen it on the dashboard, open ones first with their count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.core.errors import Conflict
from tandem.core.models import AuditEvent
from tandem.meetings.tests.factories import partnership_make
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    ResourceFactory,
)
from tandem.support import selectors, services, tasks
from tandem.support.models import HelpFlag
from tandem.support.tests.factories import HelpFlagFactory

pytestmark = pytest.mark.django_db


def _flags(program, names, *, start=None):
    """Raise one flag per name, an hour apart, oldest first."""
    at = start or clock.now() - timedelta(days=2)
    flags = []
    for i, name in enumerate(names):
        membership = MembershipFactory(program=program, status="matched", user__name=name)
        flags.append(
            HelpFlagFactory(
                program=program,
                membership=membership,
                kind="counselling",
                raised_at=at + timedelta(hours=i),
            )
        )
    return flags


def _assert_only_its_coordinators_reach(client, program, flag, *, view, api_action):
    """Post to the page's and the API's URL for ``flag`` as each outsider: every answer is 404."""
    other_program = ProgramFactory(status="running")
    for user in (
        flag.membership.user,
        MembershipFactory(program=program).user,
        CoordinatorFactory(program=other_program).user,
    ):
        client.force_login(user)
        assert client.post(reverse(view, args=[program.slug, flag.pk])).status_code == 404
        api_url = f"/api/v1/dashboard/{program.slug}/help-flags/{flag.pk}/{api_action}"
        assert client.post(api_url).status_code == 404
    # A coordinator of another program cannot reach the flag through their own program either.
    assert client.post(reverse(view, args=[other_program.slug, flag.pk])).status_code == 404
    api_url = f"/api/v1/dashboard/{other_program.slug}/help-flags/{flag.pk}/{api_action}"
    assert client.post(api_url).status_code == 404


@pytest.fixture
def program(frozen_clock):
    return ProgramFactory(status="running", name="Help desk")


def test_coordinator_marks_a_flag_handled_and_the_page_says_who_and_when(client, program):
    coordinator = CoordinatorFactory(program=program, user__name="Cora").user
    ProfileFactory(membership=coordinator.memberships.get(), time_zone="Europe/Madrid")
    (flag,) = _flags(program, ["Dana"])
    client.force_login(coordinator)
    audit_events = AuditEvent.objects.count()

    response = client.post(
        reverse("support:help_flag_handle", args=[program.slug, flag.pk]), follow=True
    )

    page = response.content.decode()
    assert "Marked handled: Dana&#x27;s request for help." in page
    # 09:00 UTC on Monday 11 January 2027 is 10:00 in Madrid.
    assert "Handled by Cora, Mon 11 January, 10:00" in page
    assert "Asked (Europe/Madrid)" in page
    assert '<small class="muted" id="help-open-count">0 open</small>' in page
    flag.refresh_from_db()
    assert (flag.handled_by, flag.handled_at) == (coordinator, clock.now())
    assert AuditEvent.objects.count() == audit_events


def test_a_second_coordinator_is_told_the_flag_was_handled_already(client, program):
    first = CoordinatorFactory(program=program, user__name="Cora").user
    second = CoordinatorFactory(program=program, user__name="Carl").user
    (flag,) = _flags(program, ["Dana"])
    services.help_flag_handle(flag=flag, user=first)
    client.force_login(second)

    response = client.post(
        reverse("support:help_flag_handle", args=[program.slug, flag.pk]), follow=True
    )

    expected = services.HELP_FLAG_ALREADY_HANDLED.format(name="Cora", day="Monday 11 January")
    assert expected in response.content.decode().replace("&#x27;", "'")
    with pytest.raises(Conflict, match=expected):
        services.help_flag_handle(flag=flag, user=second)
    flag.refresh_from_db()
    assert flag.handled_by == first


def test_open_flags_come_first_with_their_count_and_handled_ones_follow(client, program):
    coordinator = CoordinatorFactory(program=program).user
    oldest, middle, newest = _flags(program, ["Olga", "Mia", "Nils"])
    services.help_flag_handle(flag=newest, user=coordinator)
    client.force_login(coordinator)

    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()

    assert '<small class="muted" id="help-open-count">2 open</small>' in page
    assert '<p class="figure-value" id="figure-help-open">2</p>' in page
    table = page[page.index('class="help-flags"') :]
    assert table.index("Mia") < table.index("Olga") < table.index("Nils")
    assert table.count("Mark handled") == 2
    assert [f.pk for f in selectors.help_flag_list(program=program)] == [
        middle.pk,
        oldest.pk,
        newest.pk,
    ]


def test_help_flags_are_paginated_and_each_page_costs_the_same_queries(client, program):
    coordinator = CoordinatorFactory(program=program).user
    size = selectors.HELP_FLAG_PAGE_SIZE
    flags = _flags(program, [f"Person {i:02d}" for i in range(size + 3)])
    client.force_login(coordinator)
    url = reverse("dashboard:program", args=[program.slug])

    with CaptureQueriesContext(connection) as first_page:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second_page:
        second = client.get(url, {"flags": 2}).content.decode()

    assert f"{size + 3} open" in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("Mark handled") == size
    assert second.count("Mark handled") == 3
    assert f"Person {size + 2:02d}" in first and "Person 00" not in first
    assert "Person 00" in second
    assert len(first_page.captured_queries) == len(second_page.captured_queries)

    response = client.post(
        reverse("support:help_flag_handle", args=[program.slug, flags[0].pk]), {"flags": "2"}
    )
    assert response.url == f"{url}?flags=2#help-heading"


def test_the_api_list_of_help_flags_costs_the_same_queries_for_3_and_30_flags(client, program):
    client.force_login(CoordinatorFactory(program=program).user)
    url = f"/api/v1/dashboard/{program.slug}/help-flags"
    counts = []
    for names in (["Dana", "Eli", "Fay"], [f"Person {i:02d}" for i in range(27)]):
        _flags(program, names)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert response.json()["count"] == 30
    assert counts[0] == counts[1]


def test_only_the_programs_coordinators_can_mark_a_flag_handled(client, program):
    (flag,) = _flags(program, ["Dana"])
    _assert_only_its_coordinators_reach(
        client, program, flag, view="support:help_flag_handle", api_action="handled"
    )
    flag.refresh_from_db()
    assert flag.handled_at is None


def test_help_flags_through_the_api_open_first_and_marked_handled(client, program):
    coordinator = CoordinatorFactory(program=program, user__name="Cora").user
    _older, newer = _flags(program, ["Olga", "Nils"])
    client.force_login(coordinator)

    handled = client.post(f"/api/v1/dashboard/{program.slug}/help-flags/{newer.pk}/handled")
    assert handled.status_code == 200
    assert handled.json()["handled_by"] == "Cora"
    assert handled.json()["handled_at"].startswith("2027-01-11T09:00:00")
    again = client.post(f"/api/v1/dashboard/{program.slug}/help-flags/{newer.pk}/handled")
    assert again.status_code == 409

    listed = client.get(f"/api/v1/dashboard/{program.slug}/help-flags").json()
    assert listed["count"] == 2
    assert [(f["member"], f["handled_by"]) for f in listed["items"]] == [
        ("Olga", None),
        ("Nils", "Cora"),
    ]
    figures = client.get(f"/api/v1/dashboard/{program.slug}").json()
    assert (figures["help_flags"], figures["help_flags_open"]) == (2, 1)
    export = client.get(reverse("dashboard:export", args=[program.slug])).content.decode()
    assert "Help flags,Open,1" in export


def test_coordinator_reopens_a_flag_marked_handled_by_mistake(client, program):
    coordinator = CoordinatorFactory(program=program, user__name="Cora").user
    (flag,) = _flags(program, ["Dana"])
    services.help_flag_handle(flag=flag, user=coordinator)
    client.force_login(coordinator)
    audit_events = AuditEvent.objects.count()
    before = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert "Reopen" in before and "Mark handled" not in before

    response = client.post(
        reverse("support:help_flag_reopen", args=[program.slug, flag.pk]),
        {"flags": "1"},
        follow=True,
    )

    url = reverse("dashboard:program", args=[program.slug])
    assert response.redirect_chain == [(f"{url}?flags=1#help-heading", 302)]
    page = response.content.decode()
    assert "Reopened: Dana&#x27;s request for help is open again." in page
    assert '<small class="muted" id="help-open-count">1 open</small>' in page
    table = page[page.index('class="help-flags"') :]
    assert "Mark handled" in table and "Reopen" not in table and "Handled by" not in table
    flag.refresh_from_db()
    assert (flag.handled_at, flag.handled_by) == (None, None)
    # Like marking handled, reopening is not an audited event.
    assert AuditEvent.objects.count() == audit_events


def test_reopening_an_open_flag_is_refused_with_a_message(client, program):
    coordinator = CoordinatorFactory(program=program).user
    (flag,) = _flags(program, ["Dana"])
    services.help_flag_handle(flag=flag, user=coordinator)
    services.help_flag_reopen(flag=flag)
    client.force_login(coordinator)

    response = client.post(
        reverse("support:help_flag_reopen", args=[program.slug, flag.pk]), follow=True
    )

    assert str(services.HELP_FLAG_ALREADY_OPEN) in response.content.decode()
    assert "Reopened:" not in response.content.decode()
    with pytest.raises(Conflict, match=str(services.HELP_FLAG_ALREADY_OPEN)):
        services.help_flag_reopen(flag=flag)
    flag.refresh_from_db()
    assert flag.handled_at is None


def test_only_the_programs_coordinators_can_reopen_a_flag(client, program):
    coordinator = CoordinatorFactory(program=program).user
    (flag,) = _flags(program, ["Dana"])
    services.help_flag_handle(flag=flag, user=coordinator)
    _assert_only_its_coordinators_reach(
        client, program, flag, view="support:help_flag_reopen", api_action="reopen"
    )
    flag.refresh_from_db()
    assert (flag.handled_at, flag.handled_by) == (clock.now(), coordinator)


def test_help_flag_reopened_through_the_api_and_a_second_reopen_is_409(client, program):
    coordinator = CoordinatorFactory(program=program, user__name="Cora").user
    (flag,) = _flags(program, ["Dana"])
    services.help_flag_handle(flag=flag, user=coordinator)
    client.force_login(coordinator)
    url = f"/api/v1/dashboard/{program.slug}/help-flags/{flag.pk}/reopen"

    reopened = client.post(url)
    assert reopened.status_code == 200
    assert reopened.json()["id"] == flag.pk
    assert (reopened.json()["handled_at"], reopened.json()["handled_by"]) == (None, None)
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["detail"] == services.HELP_FLAG_ALREADY_OPEN

    figures = client.get(f"/api/v1/dashboard/{program.slug}").json()
    assert (figures["help_flags"], figures["help_flags_open"]) == (1, 1)
    handled = client.post(f"/api/v1/dashboard/{program.slug}/help-flags/{flag.pk}/handled")
    assert handled.status_code == 200  # an open flag can be marked handled again


def test_help_flag_tells_coordinators_only_the_name_and_the_kind(
    client, frozen_clock, mailoutbox, immediate_tasks, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(status="matched", user__name="Dana Diaz")
    program = membership.program
    coordinators = [CoordinatorFactory(program=program).user for _ in range(2)]
    ResourceFactory(
        program=program, name="Staff counselling", kind="counselling", contact="x", when_to_use="y"
    )
    ResourceFactory(program=program, name="HR desk", kind="hr", contact="x", when_to_use="y")
    client.force_login(membership.user)
    home = client.get(reverse("dashboard:member_home", args=[program.slug])).content.decode()
    assert 'value="counselling"' in home and 'value="hr"' in home
    assert 'value="crisis"' not in home
    assert f'href="/p/{program.slug}/help/"' in home

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:help_flag", args=[program.slug]),
            {"kind": "counselling", "note": "my partner said something upsetting"},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == f"/p/{program.slug}/help/"
    assert "Only your name and the kind of help were sent" in response.content.decode()
    flag = HelpFlag.objects.get()
    assert (flag.membership, flag.kind) == (membership, "counselling")
    assert {f.name for f in HelpFlag._meta.get_fields()} == {
        "id",
        "program",
        "membership",
        "kind",
        "raised_at",
        "emailed_at",  # the claim that emails the coordinators once
        # The coordinators' own follow-up: who marked it handled, and when.
        "handled_at",
        "handled_by",
    }
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert sorted(email.to) == sorted(u.email for u in coordinators)
    assert "Dana Diaz" in email.body
    assert "Kind of help: Counselling" in email.body
    assert "upsetting" not in email.body
    assert membership.user.email not in email.body

    client.force_login(coordinators[0])
    dashboard = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert "Dana Diaz" in dashboard
    assert "Counselling" in dashboard
    assert "upsetting" not in dashboard


def test_help_flag_refuses_a_kind_the_program_does_not_offer(frozen_clock):
    membership = MembershipFactory(status="matched")
    ResourceFactory(program=membership.program, name="HR", kind="hr", contact="x", when_to_use="y")
    with pytest.raises(services.ValidationFailed, match=str(services.HELP_KIND_UNKNOWN)):
        services.help_flag_raise(membership=membership, kind="crisis")


def test_help_raised_through_the_api_is_listed_for_coordinators_only(client, frozen_clock):
    partnership, (ana, _ben) = partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC")])
    program = partnership.program
    client.force_login(ana.membership.user)
    flag = client.post(
        f"/api/v1/goals/programs/{program.slug}/help-flags",
        {"kind": "crisis"},
        content_type="application/json",
    )
    assert flag.status_code == 201
    assert set(flag.json()) == {"id", "kind", "raised_at"}
    assert client.get(f"/api/v1/dashboard/{program.slug}/help-flags").status_code == 404

    client.force_login(CoordinatorFactory(program=program).user)
    listed = client.get(f"/api/v1/dashboard/{program.slug}/help-flags").json()
    assert listed["count"] == 1
    flags = listed["items"]
    assert [(f["member"], f["kind"]) for f in flags] == [("Ana", "crisis")]
    assert set(flags[0]) == {"id", "member", "kind", "raised_at", "handled_at", "handled_by"}


def test_member_of_another_program_cannot_raise_help_there(client, frozen_clock):
    program = ProgramFactory(status="running")
    client.force_login(MembershipFactory(program=ProgramFactory()).user)
    response = client.post(
        f"/api/v1/goals/programs/{program.slug}/help-flags",
        {"kind": "hr"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_help_request_email_task_run_twice_emails_the_coordinators_once(mailoutbox):
    flag = HelpFlagFactory()
    coordinator = CoordinatorFactory(program=flag.program)
    assert tasks.help_flag_email_send.call(flag_id=flag.pk) is True
    assert tasks.help_flag_email_send.call(flag_id=flag.pk) is False
    assert [m.to for m in mailoutbox] == [[coordinator.user.email]]
    flag.refresh_from_db()
    assert flag.emailed_at is not None
