"""The big-site seed of the load benchmark builds data the application itself would have built.

A benchmark measured on data the app could never hold measures nothing: the seeded series must
be the ones its rules produce (materialising them adds no meeting), and the pages a coordinator
and a member open must work on it.
"""

import pytest
from django.test import Client

from bench.load.seed_big import MEETINGS_AHEAD, WEEKS_OF_HISTORY, Site, _plan
from tandem.core import clock
from tandem.meetings import services as meetings
from tandem.meetings.models import Meeting, MeetingSeries
from tandem.programs.models import Membership

pytestmark = pytest.mark.django_db


def test_a_seeded_program_is_one_the_application_would_have_built():
    site = Site(seed=1, today=clock.today())
    program = site.program(slug="big", name="Big", members=8)

    assert site.counts["partnerships"] == 4
    assert site.counts["meetings"] == 4 * (WEEKS_OF_HISTORY // 2 + MEETINGS_AHEAD)
    assert site.counts["turns"] == 2 * site.counts["meetings held"]
    # The seeded fortnightly dates are the series' own occurrences: nothing is missing.
    assert (
        sum(
            meetings.series_materialise(series=series, now=clock.now(), count=MEETINGS_AHEAD)
            for series in MeetingSeries.objects.filter(partnership__program=program)
        )
        == 0
    )
    assert Meeting.objects.filter(partnership__program=program).count() == site.counts["meetings"]

    plan = _plan(program)
    coordinator = Client()
    coordinator.force_login(
        Membership.objects.get(
            program=program, role=Membership.Role.COORDINATOR, user__email__contains="coordinator-0"
        ).user
    )
    for url in plan["coordinator_pages"]:
        assert coordinator.get(url).status_code == 200, url
    member = Client()
    member.cookies["sessionid"] = plan["members"][0]["session"]
    assert member.get(plan["members"][0]["meeting"]).status_code == 200
    for url in plan["member_pages"]:
        assert member.get(url, follow=True).status_code == 200, url
