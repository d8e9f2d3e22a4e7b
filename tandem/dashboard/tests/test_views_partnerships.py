"""The coordinator's partnerships list: health figures, filters, pages, query count, ending one."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.dashboard.tests.builders import program_populate
from tandem.goals.models import Goal
from tandem.meetings.models import Meeting
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.models import Partnership, PartnershipEvent
from tandem.partnerships.services.coordinator import (
    MSG_ALREADY_ENDED,
    MSG_COORDINATOR_REASON,
)
from tandem.partnerships.services.life import MSG_END_REASON
from tandem.partnerships.tests.builders import partnership_of
from tandem.partnerships.tests.factories import RematchRequestFactory
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory
from tandem.support.models import HelpFlag

pytestmark = pytest.mark.django_db


def _list(client, program, query=""):
    return client.get(reverse("dashboard:partnership_list", args=[program.slug]) + query)


def _row(html: str, partnership: Partnership) -> str:
    start = html.index(f'id="partnership-{partnership.pk}"')
    return html[start : html.index("</tr>", start)]


def test_each_row_shows_last_meeting_meetings_balance_goals_and_open_requests(
    client, program, coordinator, frozen_clock
):
    [met, quiet] = program_populate(program, members=4)
    Goal.objects.filter(partnership=met).update(completed_at=clock.now())
    MeetingFactory(
        partnership=met,
        original_start=clock.now() - timedelta(days=1),
        starts_at=clock.now() - timedelta(days=1),
        duration_minutes=60,
        time_zone="UTC",
        status=Meeting.Status.MISSED,
    )
    seat = quiet.seats.first()
    RematchRequestFactory(program=program, partnership=quiet, seat=seat)

    html = _list(client, program).content.decode()

    row = _row(html, met)
    assert "Member 0, Member 1" in row
    assert "8 Jan 2027" in row  # held three days before the frozen Monday
    assert "1 / 2" in row  # one held of two planned (a missed one counts as planned)
    assert "Even (up to 55/45)" in row
    assert "2 / 2" in row  # both goals done
    assert "1 help request" in row  # builders raise one flag per ten members: Member 0's
    row = _row(html, quiet)
    assert "2 Nov 2026" in row
    assert "0 / 2" in row
    assert "1 new-match request" in row
    assert "Goal of" not in html  # figures only, never a goal's title


def test_filters_by_state_and_health(client, program, coordinator, frozen_clock):
    [met, quiet] = program_populate(program, members=4)
    never, _ = partnership_of(program, "Nina", "Omar")
    paused, _ = partnership_of(program, "Pia", "Quin")
    Partnership.objects.filter(pk=paused.pk).update(status=Partnership.Status.PAUSED)
    HelpFlag.objects.all().delete()
    RematchRequestFactory(program=program, partnership=met, seat=met.seats.first())

    def shown(query):
        response = _list(client, program, query)
        assert response.status_code == 200
        html = response.content.decode()
        return {p for p in (met, quiet, never, paused) if f'id="partnership-{p.pk}"' in html}

    assert shown("") == {met, quiet, never, paused}
    assert shown("?state=paused") == {paused}
    assert shown("?health=never_met") == {never, paused}
    assert shown("?health=never_met&state=active") == {never}
    assert shown("?health=open_requests") == {met}
    # Never-met partnerships started today are not quiet yet; the one last met ten weeks ago is.
    assert shown("?health=quiet") == {quiet}


def test_the_dashboard_links_to_the_list(client, program, coordinator):
    page = client.get(reverse("dashboard:program", args=[program.slug])).text
    assert reverse("dashboard:partnership_list", args=[program.slug]) in page


def test_an_unknown_filter_says_so_and_shows_everything(client, program, coordinator):
    partnership_of(program, "Ana", "Ben")
    response = _list(client, program, "?health=sad")
    assert response.status_code == 400
    assert "Unknown filter “sad”: showing every partnership. Pick one of the filters." in (
        response.content.decode()
    )
    assert "Ana, Ben" in response.content.decode()


def test_the_list_is_paginated_25_a_page(client, program, coordinator, frozen_clock):
    program_populate(program, members=60)
    first = _list(client, program).content.decode()
    second = _list(client, program, "?page=2").content.decode()
    assert first.count('id="partnership-') == 25
    assert second.count('id="partnership-') == 5
    assert "Page 2 of 2" in second


def test_the_list_costs_the_same_queries_for_4_and_100_partnerships(client, frozen_clock):
    counts = []
    for members in (8, 200):
        program = ProgramFactory(status="running")
        client.force_login(CoordinatorFactory(program=program).user)
        program_populate(program, members=members)
        with CaptureQueriesContext(connection) as ctx:
            response = _list(client, program, "?health=quiet")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_member_or_another_programs_coordinator_gets_404(client, program):
    partnership, people = partnership_of(program, "Ana", "Ben")
    for user in (people["Ana"].user, CoordinatorFactory(program=ProgramFactory()).user):
        client.force_login(user)
        assert _list(client, program).status_code == 404
        response = client.post(
            reverse("dashboard:partnership_end", args=[program.slug, partnership.pk]),
            {"end_reason": "not_a_fit", "reason": "x"},
        )
        assert response.status_code == 404
    assert Partnership.objects.get(pk=partnership.pk).status == Partnership.Status.ACTIVE


# -- ending a partnership ------------------------------------------------------------------


def _post(client, name, program, partnership, **data):
    return client.post(reverse(f"dashboard:{name}", args=[program.slug, partnership.pk]), data)


def _end(client, program, partnership, **data):
    return _post(client, "partnership_end", program, partnership, **data)


@pytest.mark.django_db(transaction=True)
def test_coordinator_ends_a_partnership_partners_are_told_by_the_worker(
    client, program, coordinator, mailoutbox
):
    partnership, people = partnership_of(program, "Ana", "Ben")

    response = _end(
        client, program, partnership, end_reason="not_a_fit", reason="COORDINATOR-REASON"
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    assert not partnership.seats.filter(active=True).exists()
    assert set(
        Membership.objects.filter(pk__in=[m.pk for m in people.values()]).values_list(
            "status", flat=True
        )
    ) == {Membership.Status.READY}
    event = PartnershipEvent.objects.get(partnership=partnership)
    assert event.by_coordinator and event.actor is None
    assert event.coordinator_feedback == "COORDINATOR-REASON"
    audit = AuditEvent.objects.get(action=AuditEvent.Action.PARTNERSHIP_ENDED, program=program)
    assert audit.actor == coordinator
    assert audit.after["status"] == "ended" and audit.after["reason"] == "COORDINATOR-REASON"
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "ben@example.org"]
    assert all("Your coordinator ended your partnership in Skiers" in m.body for m in mailoutbox)
    assert all("COORDINATOR-REASON" not in m.body for m in mailoutbox)
    page = client.get(reverse("partnerships:rematch_queue", args=[program.slug]))
    assert "A coordinator" in page.content.decode()


def test_ending_needs_a_reason_and_a_choice_and_says_both_at_once(client, program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    response = _end(client, program, partnership, end_reason="", reason="  ")
    assert response.status_code == 400
    html = response.content.decode()
    assert MSG_END_REASON in html
    assert MSG_COORDINATOR_REASON in html
    assert Partnership.objects.get(pk=partnership.pk).status == Partnership.Status.ACTIVE
    assert not AuditEvent.objects.filter(program=program).exists()


def test_ending_an_ended_partnership_is_refused(client, program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    assert _end(client, program, partnership, end_reason="other", reason="r").status_code == 302
    response = _end(client, program, partnership, end_reason="other", reason="again")
    assert response.status_code == 409
    assert MSG_ALREADY_ENDED in response.content.decode()
    assert PartnershipEvent.objects.filter(partnership=partnership).count() == 1


def test_another_programs_partnership_looks_missing(client, program, coordinator):
    other, _ = partnership_of(ProgramFactory(), "Ana", "Ben")
    response = _end(client, program, other, end_reason="other", reason="r")
    assert response.status_code == 404
    assert Partnership.objects.get(pk=other.pk).status == Partnership.Status.ACTIVE


def _repeated_ids(html: str) -> list[str]:
    return [i for i, n in Counter(re.findall(r'\sid="([^"]*)"', html)).items() if n > 1]


def _labels_point_at_fields(html: str) -> None:
    ids = set(re.findall(r'\sid="([^"]*)"', html))
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, target


def test_every_rows_forms_have_their_own_ids(client, program, coordinator):
    from tandem.matching.tests.helpers import member

    for a, b in (("Ana", "Ben"), ("Cleo", "Dan"), ("Eva", "Finn")):
        partnership_of(program, a, b)
    member(program, "Gus")  # someone to reassign to, so each row has both forms

    html = _list(client, program).text

    assert html.count("<summary>End</summary>") == 3
    assert html.count("<summary>Reassign</summary>") == 3
    assert _repeated_ids(html) == []
    _labels_point_at_fields(html)
    # The posted names stay the ones the views read.
    assert html.count('name="end_reason"') == 6


def test_a_refused_ending_opens_its_own_row_with_its_own_ids(client, program, coordinator):
    first, _ = partnership_of(program, "Ana", "Ben")
    second, _ = partnership_of(program, "Cleo", "Dan")

    html = _end(client, program, second, end_reason="", reason="").text

    assert _repeated_ids(html) == []
    _labels_point_at_fields(html)
    row = _row(html, second)
    assert '<details class="row-form" open>' in row
    assert f'id="end-{second.pk}-end_reason"' in row and MSG_END_REASON in row
    assert "open>" not in _row(html, first)


def test_a_refused_reassignment_opens_only_its_reassign_form(client, program, coordinator):
    from tandem.matching.tests.helpers import member

    old, people = partnership_of(program, "Ana", "Ben")
    cleo = member(program, "Cleo", languages=["Basque"])

    html = _reassign_to(client, program, old, people["Ana"], cleo, reason="r").text

    assert _repeated_ids(html) == []
    row = _row(html, old)
    assert row.count("<details") == 2
    assert row.count('<details class="row-form" open>') == 1
    opened = row[row.index('<details class="row-form" open>') :]
    assert opened.index("<summary>Reassign</summary>") < 100


# -- reassigning a partner -----------------------------------------------------------------


def _reassign(client, program, partnership, **data):
    return _post(client, "partnership_reassign", program, partnership, **data)


def _reassign_to(client, program, old, membership, partner, reason):
    """Move ``membership`` out of ``old`` into a new pair with ``partner`` ("not a fit")."""
    return _reassign(
        client,
        program,
        old,
        membership=membership.pk,
        partners=[partner.pk],
        end_reason="not_a_fit",
        reason=reason,
    )


@pytest.mark.django_db(transaction=True)
def test_reassigning_ends_the_old_pair_and_pairs_the_member_anew(
    client, program, coordinator, mailoutbox
):
    from tandem.matching.tests.helpers import member

    old, people = partnership_of(program, "Ana", "Ben")
    cleo = member(program, "Cleo")
    assert f'<option value="{cleo.pk}">Cleo</option>' in _list(client, program).text

    response = _reassign_to(client, program, old, people["Ana"], cleo, reason="REASSIGN-REASON")

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Partnership.Status.ENDED
    new = Partnership.objects.exclude(pk=old.pk).get()
    assert {s.membership_id for s in new.seats.all()} == {people["Ana"].pk, cleo.pk}
    statuses = dict(
        Membership.objects.filter(program=program, role="member").values_list("pk", "status")
    )
    assert statuses == {people["Ana"].pk: "matched", people["Ben"].pk: "ready", cleo.pk: "matched"}
    assert AuditEvent.objects.filter(program=program, action="partnership_ended").count() == 1
    assert AuditEvent.objects.filter(program=program, action="paired_by_hand").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert subjects == [
        ("ana@example.org", "[Tandem] Meet your partner in Skiers"),
        ("ana@example.org", "[Tandem] Your partnership in Skiers has ended"),
        ("ben@example.org", "[Tandem] Your partnership in Skiers has ended"),
        ("cleo@example.org", "[Tandem] Meet your partner in Skiers"),
    ]
    assert all("REASSIGN-REASON" not in m.body for m in mailoutbox)


def test_a_reassignment_that_breaks_a_rule_changes_nothing(client, program, coordinator):
    from tandem.matching.tests.helpers import member

    old, people = partnership_of(program, "Ana", "Ben")
    cleo = member(program, "Cleo", languages=["Basque"])
    response = _reassign_to(client, program, old, people["Ana"], cleo, reason="r")
    assert response.status_code == 400
    assert "Ana and Cleo share no language" in response.text
    assert Partnership.objects.get().status == Partnership.Status.ACTIVE
    assert not PartnershipEvent.objects.exists()
    assert not AuditEvent.objects.filter(program=program).exists()


def test_a_reassignment_names_every_missing_choice(client, program, coordinator):
    from tandem.matching.services_hand import MSG_REASSIGN_NOT_PARTNER, MSG_REASSIGN_PICK

    old, _ = partnership_of(program, "Ana", "Ben")
    stranger = partnership_of(program, "Tom", "Tia")[1]["Tom"]
    response = _reassign(
        client, program, old, membership=stranger.pk, end_reason="other", reason="r"
    )
    assert response.status_code == 400
    assert escape(f"{MSG_REASSIGN_NOT_PARTNER} {MSG_REASSIGN_PICK}") in response.text
    assert Partnership.objects.filter(status="active").count() == 2
