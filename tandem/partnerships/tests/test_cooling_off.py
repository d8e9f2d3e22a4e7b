"""A cooling-off after an ending: partners wait the program's days before a run pairs them again."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.matching.models import LeftOutMember
from tandem.matching.selectors import match_left_out, match_pool
from tandem.matching.tests.helpers import member
from tandem.partnerships.services.life import partnership_end
from tandem.partnerships.tests.builders import partnership_of
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import MemberStatus
from tandem.programs.services.program import (
    CADENCE_RANGE,
    COOLING_OFF_MAX_DAYS,
    COOLING_OFF_RANGE,
)

pytestmark = pytest.mark.django_db


def _ended(program: Program) -> dict[str, Membership]:
    partnership, people = partnership_of(program, "Ana", "Ben")
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="other")
    for m in people.values():
        m.refresh_from_db()
    return people


def _roster_status(client, program: Program, membership: Membership) -> str:
    response = client.get(reverse("programs:roster", args=[program.slug]))
    (row,) = [r for r in response.context["rows"] if r.membership.pk == membership.pk]
    return row.status_label


def test_both_partners_cool_off_for_the_programs_days_then_are_ready_again(
    client, program, coordinator, frozen_clock
):
    program.cooling_off_days = 10
    program.save()
    cleo = member(program, "Cleo")
    people = _ended(program)

    for m in people.values():
        assert m.status == Membership.Status.READY
        assert m.cooling_off_until == frozen_clock + timedelta(days=10)
        assert _roster_status(client, program, m) == "Cooling off after an ending"
    assert [m.pk for m in match_pool(program=program)] == [cleo.pk]
    reasons = {m.pk: why for m, why in match_left_out(program=program, pool_ids=[cleo.pk])}
    assert reasons == {m.pk: LeftOutMember.Reason.COOLING_OFF for m in people.values()}

    clock.advance(timedelta(days=10, seconds=1))
    assert {m.pk for m in match_pool(program=program)} == {
        cleo.pk,
        *(m.pk for m in people.values()),
    }
    assert _roster_status(client, program, people["Ana"]) == str(MemberStatus.READY.label)


def test_no_cooling_off_when_the_program_sets_none(program):
    program.cooling_off_days = 0
    program.save()
    people = _ended(program)
    assert all(m.cooling_off_until is None for m in people.values())
    assert {m.pk for m in match_pool(program=program)} == {m.pk for m in people.values()}


def test_the_default_is_two_weeks_and_the_settings_page_changes_it(client, program, coordinator):
    from tandem.programs.tests.test_program_views import settings_data

    assert Program().cooling_off_days == 14
    url = reverse("programs:manage", args=[program.slug])
    page = client.get(url).text
    assert "Cooling-off after an ending (days)" in page
    assert client.post(url, settings_data(program, cooling_off_days=21)).status_code == 302
    program.refresh_from_db()
    assert program.cooling_off_days == 21

    response = client.post(url, settings_data(program, cooling_off_days=91, cadence_weeks=0))
    assert (
        COOLING_OFF_RANGE.format(max_days=COOLING_OFF_MAX_DAYS) in response.text
        and CADENCE_RANGE in response.text
    )  # both at once
    program.refresh_from_db()
    assert program.cooling_off_days == 21


def test_the_api_shows_and_changes_it_and_refuses_a_value_out_of_range(
    client, program, coordinator
):
    url = f"/api/v1/programs/{program.slug}"
    assert client.get(url).json()["cooling_off_days"] == 14
    response = client.patch(url, {"cooling_off_days": 0}, content_type="application/json")
    assert (response.status_code, response.json()["cooling_off_days"]) == (200, 0)
    response = client.patch(url, {"cooling_off_days": 120}, content_type="application/json")
    assert response.status_code == 400
    assert COOLING_OFF_RANGE.format(max_days=COOLING_OFF_MAX_DAYS) in str(response.json())
    program.refresh_from_db()
    assert program.cooling_off_days == 0


def test_the_database_refuses_a_cooling_off_of_more_than_ninety_days(program):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(cooling_off_days=91)


def test_the_coordinator_ends_a_cooling_off_early_and_it_is_audited(client, program, coordinator):
    ana = _ended(program)["Ana"]
    url = reverse("dashboard:member_detail", args=[program.slug, ana.pk])
    page = client.get(url).text
    assert "Cooling off after an ending" in page and "End the cooling-off now" in page
    assert "Pair them by hand" not in page

    response = client.post(
        reverse("dashboard:member_status", args=[program.slug, ana.pk]), {"status": "ready"}
    )

    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.cooling_off_until is None
    assert ana.pk in {m.pk for m in match_pool(program=program)}
    event = AuditEvent.objects.get(program=program, action="member_status_changed")
    assert (event.before["status"], event.after["status"]) == ("cooling_off", "ready")
    assert "Pair them by hand" in client.get(url).text


def test_a_reassigned_member_is_paired_at_once_and_the_partner_left_behind_cools_off(
    client, program, coordinator
):
    old, people = partnership_of(program, "Ana", "Ben")
    cleo = member(program, "Cleo")
    response = client.post(
        reverse("dashboard:partnership_reassign", args=[program.slug, old.pk]),
        {
            "membership": people["Ana"].pk,
            "partners": [cleo.pk],
            "end_reason": "not_a_fit",
            "reason": "A better fit",
        },
    )
    assert response.status_code == 302
    ana, ben = (Membership.objects.get(pk=people[n].pk) for n in ("Ana", "Ben"))
    assert (ana.status, ana.cooling_off_until) == (Membership.Status.MATCHED, None)
    assert ben.cooling_off_until is not None and ben.cooling_off_until > clock.now()
    assert ben.pk not in {m.pk for m in match_pool(program=program)}
