"""The program cockpit: where the program stands, its one next step, every coordinator page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.dashboard.cockpit import COORDINATOR_PAGES, Stage, cockpit_for
from tandem.matching.models import MatchRun
from tandem.matching.services import match_run_publish
from tandem.matching.tests.helpers import member, run_with_proposals
from tandem.partnerships.services.life import rematch_request_create
from tandem.programs.models import Program, WaitlistEntry
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProfileFactory,
    ProgramFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def cockpit_page(client, program):
    coordinator = CoordinatorFactory(program=program).user
    client.force_login(coordinator)
    response = client.get(reverse("dashboard:cockpit", args=[program.slug]))
    assert response.status_code == 200
    return response, coordinator


def test_cockpit_is_for_the_programs_coordinators_only(client):
    program = ProgramFactory(status="intake_open")
    client.force_login(MembershipFactory(program=program).user)
    assert client.get(reverse("dashboard:cockpit", args=[program.slug])).status_code == 404


def test_a_draft_asks_for_the_settings_and_a_waitlist_to_open_the_doors(client):
    program = ProgramFactory(status="draft")
    response, _ = cockpit_page(client, program)
    assert 'aria-current="step" class="current">Draft<' in response.text
    assert reverse("programs:manage", args=[program.slug]) in response.text
    program.status = Program.Status.WAITLIST
    program.save()
    for n in range(3):
        WaitlistEntryFactory(
            program=program, email=f"w{n}@example.org", status=WaitlistEntry.Status.CONFIRMED
        )
    cockpit = cockpit_for(program=program)
    assert cockpit.stage == Stage.WAITLIST
    assert cockpit.next_step.label == "3 people on the waitlist: open the doors"
    assert cockpit.next_step.url == reverse("programs:waitlist_manage", args=[program.slug])


def test_unfinished_intakes_ask_to_remind_the_others_and_the_button_reminds_them(client):
    program = ProgramFactory(status="intake_open")
    for _ in range(2):
        ProfileFactory(membership__program=program)
    ProfileFactory(membership__program=program, consent_at=None)  # no consent yet
    ProfileFactory(membership__program=program, submitted_at=None)
    MembershipFactory(program=program)  # no intake at all
    response, _ = cockpit_page(client, program)
    assert "2 of 5 have finished their intake: remind the other 3" in response.text
    cockpit = cockpit_for(program=program)
    assert cockpit.stage == Stage.INTAKE
    remind = reverse("announcements:intake_remind", args=[program.slug])
    assert cockpit.next_step.url == remind and cockpit.next_step.post
    assert f'<form method="post" action="{remind}">' in response.text
    # The button reminds the three whose intake is unfinished, through the worker.
    from tandem.announcements.models import IntakeReminder

    reply = client.post(remind, follow=True)
    assert "Reminded 3 people to finish their intake." in reply.text
    assert IntakeReminder.objects.filter(membership__program=program).count() == 3


def test_everyone_ready_asks_to_run_matching_then_to_review_the_run():
    program = ProgramFactory(status="intake_open")
    people = [member(program, name) for name in ("Ana", "Ben")]
    cockpit = cockpit_for(program=program)
    assert cockpit.stage == Stage.MATCHING
    assert (cockpit.next_step.label, cockpit.next_step.url) == (
        "Run matching",
        reverse("matching:runs", args=[program.slug]),
    )
    run = run_with_proposals(program, people)
    assert run.status == MatchRun.Status.DONE
    cockpit = cockpit_for(program=program)
    assert cockpit.next_step.label == f"Review match run {run.pk} and publish it"
    assert cockpit.next_step.url == reverse("matching:review", args=[program.slug, run.pk])


def test_a_running_program_goes_through_midpoint_and_recap_and_rematch_requests_come_first():
    program = ProgramFactory(status="running")
    people = [member(program, name) for name in ("Ana", "Ben")]
    coordinator = CoordinatorFactory(program=program).user
    match_run_publish(run_id=run_with_proposals(program, people).pk, actor=coordinator)
    assert cockpit_for(program=program).stage == Stage.RUNNING
    program.midpoint_on = clock.today() - timedelta(days=1)
    program.save()
    assert cockpit_for(program=program).stage == Stage.MIDPOINT
    program.ends_on = clock.today()
    program.save()
    assert cockpit_for(program=program).stage == Stage.RECAP
    partnership = people[0].seats.get().partnership
    rematch_request_create(partnership=partnership, user=people[0].user)
    cockpit = cockpit_for(program=program)
    assert cockpit.next_step.label == "1 new-match request"
    assert cockpit.next_step.url == reverse("partnerships:rematch_queue", args=[program.slug])


def test_cockpit_links_every_coordinator_page_in_a_constant_number_of_queries(client):
    program = ProgramFactory(status="intake_open")
    response, _coordinator = cockpit_page(client, program)
    for page in COORDINATOR_PAGES:
        assert reverse(page.url_name, args=[program.slug]) in response.text
    url = reverse("dashboard:cockpit", args=[program.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for name in ("Cleo", "Dan", "Eve"):
        member(program, name)
    WaitlistEntryFactory(program=program, email="w@example.org")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
