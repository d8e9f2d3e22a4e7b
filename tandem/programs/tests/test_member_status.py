"""One rule for a member's status: the roster, the dashboard, the API and matching agree."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.dashboard.selectors import members_by_status
from tandem.matching.selectors import match_pool
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import MemberStatus, member_status_counts
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def member(program: Program, email: str, status: str, **profile: object) -> Any:
    membership = MembershipFactory(program=program, user=UserFactory(email=email), status=status)
    if profile.pop("profile", True):
        ProfileFactory(membership=membership, **profile)
    return membership


@pytest.fixture
def program() -> Any:
    program = ProgramFactory(slug="status")
    member(program, "invited@example.org", Membership.Status.INVITED, profile=False)
    member(program, "intake@example.org", Membership.Status.INTAKE, profile=False)
    member(program, "draft@example.org", Membership.Status.INTAKE, submitted_at=None)
    # Complete intakes without consent (as an import without a consent column leaves them).
    member(program, "noconsent1@example.org", Membership.Status.READY, consent_at=None)
    member(program, "noconsent2@example.org", Membership.Status.READY, consent_at=None)
    member(program, "ready1@example.org", Membership.Status.READY)
    member(program, "ready2@example.org", Membership.Status.READY)
    # Ready, but a partnership of theirs ended and the cooling-off runs another day.
    cooling = member(program, "cooling@example.org", Membership.Status.READY)
    cooling.cooling_off_until = clock.now() + timedelta(days=1)
    cooling.save()
    # A cooling-off that ended yesterday leaves the member ready.
    cooled = member(program, "cooled@example.org", Membership.Status.READY)
    cooled.cooling_off_until = clock.now() - timedelta(days=1)
    cooled.save()
    member(program, "matched@example.org", Membership.Status.MATCHED)
    member(program, "paused@example.org", Membership.Status.PAUSED)
    member(program, "left@example.org", Membership.Status.LEFT)
    return program


@pytest.fixture
def coordinator(program: Program) -> Any:
    # A coordinator's stored status is "ready"; they must never count as ready to match.
    return CoordinatorFactory(program=program, user=UserFactory(email="coord@example.org"))


EXPECTED = {
    MemberStatus.INVITED: ["invited@example.org"],
    MemberStatus.INTAKE: ["intake@example.org", "draft@example.org"],
    MemberStatus.CONSENT_MISSING: ["noconsent1@example.org", "noconsent2@example.org"],
    MemberStatus.COOLING_OFF: ["cooling@example.org"],
    MemberStatus.READY: ["ready1@example.org", "ready2@example.org", "cooled@example.org"],
    MemberStatus.MATCHED: ["matched@example.org"],
    MemberStatus.PAUSED: ["paused@example.org"],
    MemberStatus.LEFT: ["left@example.org"],
}


def test_each_member_has_the_status_that_is_true(client, program, coordinator):
    client.force_login(coordinator.user)
    for status, emails in EXPECTED.items():
        response = client.get(reverse("programs:roster", args=[program.slug]), {"status": status})
        listed = [r.membership.user.email for r in response.context["rows"]]
        assert sorted(listed) == sorted(emails), status
        for row in response.context["rows"]:
            assert row.status_label == status.label


def test_roster_page_shows_consent_missing_not_ready(client, program, coordinator):
    client.force_login(coordinator.user)
    text = " ".join(client.get(reverse("programs:roster", args=[program.slug])).text.split())
    row = text.split("noconsent1@example.org</a></td>")[1].split("</tr>")[0]
    assert "<td>Consent missing</td>" in row
    assert 'data-status="consent_missing">Consent missing <span class="tag">2</span>' in text
    assert 'data-status="ready">Ready for matching <span class="tag">3</span>' in text


def test_matching_considers_exactly_the_ready_members(program, coordinator):
    pool = [m.user.email for m in match_pool(program=program)]
    assert pool == EXPECTED[MemberStatus.READY]


def test_roster_dashboard_and_api_give_the_same_numbers(client, program, coordinator):
    client.force_login(coordinator.user)
    expected = {status.value: len(emails) for status, emails in EXPECTED.items()}

    page = client.get(reverse("programs:roster", args=[program.slug]))
    roster = {c.status: c.count for c in page.context["counts"]}
    assert roster == expected
    assert page.context["total"] == sum(expected.values())

    by_label = {str(status.label): len(EXPECTED[status]) for status in MemberStatus}
    assert members_by_status(program=program) == by_label
    dashboard_api = client.get(f"/api/v1/dashboard/{program.slug}").json()
    assert dashboard_api["members_by_status"] == by_label
    assert dashboard_api["members_total"] == sum(expected.values())

    api_counts = {
        status: client.get(f"/api/v1/programs/{program.slug}/members", {"status": status}).json()[
            "count"
        ]
        for status in MemberStatus.values
    }
    assert api_counts == expected
    # The coordinator is listed by the API as a coordinator, without a member status.
    everyone = client.get(f"/api/v1/programs/{program.slug}/members", {"page_size": 100}).json()
    coord = [i for i in everyone["items"] if i["email"] == "coord@example.org"]
    assert coord and coord[0]["role"] == "coordinator" and coord[0]["status"] is None
    assert [c.count for c in member_status_counts(program=program)] == list(expected.values())


def test_an_invalid_api_status_filter_is_refused(client, program, coordinator):
    client.force_login(coordinator.user)
    response = client.get(f"/api/v1/programs/{program.slug}/members", {"status": "asleep"})
    assert response.status_code == 422
