"""Every instant on the member home, the goal pages and the dashboard in the viewer's zone."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict
from tandem.core.models import AuditEvent
from tandem.goals import selectors, services
from tandem.meetings.services import meeting_mark
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
)
from tandem.support.tests.factories import HelpFlagFactory

pytestmark = pytest.mark.django_db


def _meeting(partnership, at):
    return MeetingFactory(
        partnership=partnership,
        original_start=at,
        starts_at=at,
        duration_minutes=60,
        time_zone="Europe/Madrid",
    )


@pytest.fixture
def pair(frozen_clock):
    return partnership_make(people=[("Ana", "Europe/Madrid"), ("Ben", "America/New_York")])


def test_member_home_shows_the_next_meeting_and_pulse_in_each_partners_own_zone(client, pair):
    partnership, (ana, ben) = pair
    _meeting(partnership, datetime(2027, 3, 3, 17, 0, tzinfo=UTC))
    # Held late on Sunday evening UTC: already Monday in Madrid, still Sunday in New York.
    held = _meeting(partnership, datetime(2027, 1, 10, 23, 30, tzinfo=UTC))
    meeting_mark(meeting=held, seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk])
    url = reverse("dashboard:member_home", args=[partnership.program.slug])

    client.force_login(ana.membership.user)
    ana_home = client.get(url).content.decode()
    client.force_login(ben.membership.user)
    ben_home = client.get(url).content.decode()

    assert 'Wed 3 March, 18:00</time> <span class="zone">(Europe/Madrid)</span>' in ana_home
    assert 'Wed 3 March, 12:00</time> <span class="zone">(America/New_York)</span>' in ben_home
    assert 'datetime="2027-03-03T17:00:00+00:00"' in ana_home
    assert "UTC" not in ana_home
    assert "How useful was the meeting of Monday 11 January?" in ana_home
    assert "How useful was the meeting of Sunday 10 January?" in ben_home
    api = client.get(f"/api/v1/dashboard/{partnership.program.slug}/me").json()
    assert api["time_zone"] == "America/New_York"
    assert api["next_meeting_starts_at"].startswith("2027-03-03T17:00:00")


def test_goal_page_shows_comment_times_in_the_viewers_zone(client, pair):
    _partnership, (ana, ben) = pair
    goal = services.goal_create(seat=ana, title="Order dinner in Spanish")
    services.comment_add(goal=goal, user=ben.membership.user, body="Vamos!")
    url = reverse("goals:detail", args=[goal.pk])

    client.force_login(ana.membership.user)
    assert "Mon 11 January, 10:00 (Europe/Madrid)" in client.get(url).content.decode()
    client.force_login(ben.membership.user)
    assert "Mon 11 January, 04:00 (America/New_York)" in client.get(url).content.decode()


def test_nudge_too_soon_names_the_days_in_the_nudgers_zone(pair):
    _partnership, (ana, ben) = pair
    goal = services.goal_create(seat=ben, title="Ski a red run")
    # Sunday 10 January 23:30 UTC is already Monday 11 January in Madrid, where Ana lives.
    with clock.frozen(datetime(2027, 1, 10, 23, 30, tzinfo=UTC)):
        services.goal_nudge(goal=goal, user=ana.membership.user)

    with pytest.raises(Conflict) as refused:
        services.goal_nudge(goal=goal, user=ana.membership.user)

    assert refused.value.message == services.NUDGE_TOO_SOON.format(
        name="Ben", day="Monday 11 January", next_day="Monday 18 January"
    )


def test_coordinator_sees_times_in_their_own_zone_else_the_members_most_common_zone(
    client, frozen_clock
):
    program = ProgramFactory(status="running")
    for zone in ("Asia/Tokyo", "Europe/Madrid", "Europe/Madrid"):
        ProfileFactory(membership=MembershipFactory(program=program), time_zone=zone)
    member = MembershipFactory(program=program, user__name="Dana")
    HelpFlagFactory(program=program, membership=member, kind="hr")
    plain = CoordinatorFactory(program=program).user
    with_profile = CoordinatorFactory(program=program).user
    ProfileFactory(membership=with_profile.memberships.get(), time_zone="America/New_York")
    url = reverse("dashboard:program", args=[program.slug])

    client.force_login(plain)
    page = client.get(url).content.decode()
    assert "Asked (Europe/Madrid)" in page
    assert "Mon 11 January, 10:00" in page
    client.force_login(with_profile)
    page = client.get(url).content.decode()
    assert "Asked (America/New_York)" in page
    assert "Mon 11 January, 04:00" in page

    assert selectors.viewer_zone(program=ProgramFactory(), user=plain) == "UTC"


def test_a_page_that_sets_no_zone_shows_times_in_the_viewers_zone_and_none_leaks(client, pair):
    """The audit log sets no zone itself. A coordinator who gave none sees the zone most of the
    program's members gave; a person who gave one sees their own, in any program."""
    partnership, (_ana, ben) = pair
    program = partnership.program
    ProfileFactory(membership=MembershipFactory(program=program), time_zone="America/New_York")
    coordinator = CoordinatorFactory(program=program)
    at = datetime(2027, 1, 10, 23, 30, tzinfo=UTC)
    other = ProgramFactory()  # no members: its own zone would be UTC
    CoordinatorFactory(program=other, user=ben.membership.user)
    with clock.frozen(at):
        audit_record(action=AuditEvent.Action.DOORS_OPENED, program=program)
        audit_record(action=AuditEvent.Action.DOORS_OPENED, program=other)
    client.force_login(coordinator.user)
    page = client.get(reverse("audit:log", args=[program.slug])).text
    assert "10 Jan 2027 18:30" in page  # New York, where two of the three members live
    assert timezone.get_current_timezone_name() == "UTC"  # given up with the response

    client.force_login(ben.membership.user)
    assert "10 Jan 2027 18:30" in client.get(reverse("audit:log", args=[other.slug])).text
