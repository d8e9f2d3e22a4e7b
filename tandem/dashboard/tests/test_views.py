"""The coordinator dashboard and member home pages: access, query counts, nudges, export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import AuditEvent
from tandem.dashboard.tests.builders import member_of, program_populate
from tandem.goals.models import Survey
from tandem.goals.tests.factories import QuestionFactory, SurveyFactory
from tandem.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _program_with(members, frozen_clock):
    program = ProgramFactory(status="running", cadence_weeks=2)
    coordinator = CoordinatorFactory(program=program).user
    program_populate(program, members=members)
    survey = SurveyFactory(program=program, kind=Survey.Kind.KICKOFF)
    QuestionFactory(survey=survey, text="How ready are you?", kind="scale")
    return program, coordinator


def test_dashboard_and_member_home_cost_the_same_queries_for_100_and_1000_members(
    client, frozen_clock
):
    small, small_coordinator = _program_with(100, frozen_clock)
    large, large_coordinator = _program_with(1000, frozen_clock)

    client.force_login(small_coordinator)
    small_dashboard = _count_queries(client, reverse("dashboard:program", args=[small.slug]))
    small_export = _count_queries(client, reverse("dashboard:export", args=[small.slug]))
    client.force_login(large_coordinator)
    large_dashboard = _count_queries(client, reverse("dashboard:program", args=[large.slug]))
    large_export = _count_queries(client, reverse("dashboard:export", args=[large.slug]))
    assert small_dashboard == large_dashboard
    assert small_export == large_export

    client.force_login(member_of(small).user)
    small_home = _count_queries(client, reverse("dashboard:member_home", args=[small.slug]))
    client.force_login(member_of(large).user)
    large_home = _count_queries(client, reverse("dashboard:member_home", args=[large.slug]))
    assert small_home == large_home


def test_dashboard_is_404_for_members_outsiders_and_other_programs_coordinators(client):
    program = ProgramFactory(status="running")
    member = MembershipFactory(program=program).user
    other_coordinator = CoordinatorFactory(program=ProgramFactory()).user
    for user in (member, other_coordinator):
        client.force_login(user)
        for name in ("dashboard:program", "dashboard:export"):
            assert client.get(reverse(name, args=[program.slug])).status_code == 404
        assert (
            client.post(reverse("dashboard:nudge_stalled", args=[program.slug])).status_code == 404
        )


def test_member_home_is_404_outside_the_program_and_sends_coordinators_to_the_cockpit(client):
    program = ProgramFactory(status="running")
    client.force_login(MembershipFactory(program=ProgramFactory()).user)
    assert client.get(reverse("dashboard:member_home", args=[program.slug])).status_code == 404
    client.force_login(CoordinatorFactory(program=program).user)
    response = client.get(reverse("dashboard:member_home", args=[program.slug]))
    assert response.status_code == 302
    assert response.url == reverse("dashboard:cockpit", args=[program.slug])


def test_export_neutralises_formula_cells_and_is_audited(client, frozen_clock):
    program = ProgramFactory(status="running", name='=HYPERLINK("http://evil")')
    coordinator = CoordinatorFactory(program=program).user
    survey = SurveyFactory(program=program, kind=Survey.Kind.KICKOFF)
    QuestionFactory(
        survey=survey, text="+cmd|' /C calc'!A0", kind="choice", choices=["-1 bad", "@good"]
    )
    QuestionFactory(survey=survey, text="\tTabbed", kind="scale")
    client.force_login(coordinator)

    response = client.get(reverse("dashboard:export", args=[program.slug]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'+cmd|' /C calc'!A0: -1 bad" in cells
    assert "'+cmd|' /C calc'!A0: @good" in cells
    assert "'\tTabbed: answered" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == coordinator
    assert event.program == program


def test_member_home_names_the_live_partnerships_active_partners_only(client):
    from tandem.dashboard import selectors
    from tandem.meetings.tests.factories import partnership_make
    from tandem.partnerships.models import PartnershipMember

    partnership, seats = partnership_make(
        people=[("Ana", "UTC"), ("Ben", "UTC"), ("Cy", "UTC"), ("Dee", "UTC")]
    )
    PartnershipMember.objects.filter(pk=seats[3].pk).update(active=False)
    ana = seats[0].membership
    earlier = PartnershipFactory(
        program=partnership.program, status="ended", ended_at=partnership.started_at
    )
    PartnershipMemberFactory(partnership=earlier, membership=ana, active=False)

    home = selectors.member_home(membership=ana)
    assert home.partnership == partnership
    assert home.partner_names == ["Ben", "Cy"]
    client.force_login(ana.user)
    page = client.get(reverse("dashboard:member_home", args=[partnership.program.slug]))
    assert "Ben, Cy" in page.text


def test_dashboard_does_not_claim_pairs_met_when_young_pairs_never_met(client, frozen_clock):
    from tandem.meetings.tests.factories import partnership_make

    program = ProgramFactory(status="running", cadence_weeks=2)
    coordinator = CoordinatorFactory(program=program).user
    partnership_make(program=program)
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:program", args=[program.slug])).text
    assert "every active partnership met lately" not in page
    assert "1 active partnership has not held a meeting yet" in page


def test_member_home_says_a_slot_proposal_waits_and_for_whom(client):
    from datetime import date, time

    from tandem.meetings import services as meetings
    from tandem.meetings.tests.factories import partnership_make, series_agreed

    partnership, (ana, ben) = partnership_make(
        people=[("Ana", "Europe/Madrid"), ("Ben", "Europe/London")]
    )
    other, (cleo, dan) = partnership_make(program=partnership.program)
    meetings.series_propose(
        partnership=partnership, seat=ana, starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    home = reverse("dashboard:member_home", args=[partnership.program.slug])
    schedule = reverse("meetings:schedule", args=[partnership.pk])

    client.force_login(ben.membership.user)
    card = client.get(home).text.split('id="home-meeting"')[1].split("</article>")[0]
    assert "No meeting booked yet." in card
    assert f"Ana proposed a meeting time in {partnership.program.name}" in card
    assert f'<a href="{schedule}">Accept or decline it</a>' in card

    client.force_login(ana.membership.user)
    card = client.get(home).text.split('id="home-meeting"')[1].split("</article>")[0]
    assert "it is waiting for your partner\u2019s answer." in card

    # Someone else in the program has nothing waiting: the usual link to agree a time.
    client.force_login(cleo.membership.user)
    card = client.get(home).text.split('id="home-meeting"')[1].split("</article>")[0]
    assert "proposed a meeting time" not in card and "Agree a time with" in card

    # Once agreed, the next meeting shows instead.
    series_agreed(other, cleo, dan)  # another partnership's series changes nothing here
    client.force_login(ben.membership.user)
    meetings.series_accept(series=partnership.series.get(), seat=ben)
    card = client.get(home).text.split('id="home-meeting"')[1].split("</article>")[0]
    assert "proposed a meeting time" not in card and "Meeting page" in card
