"""The one-question pulse after each held meeting, and the "more help than a peer" flag."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.goals import services
from tandem.goals.models import HelpFlag, Pulse
from tandem.meetings.services import meeting_mark
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(frozen_clock):
    partnership, seats = partnership_make(people=[("Ana", "UTC"), ("Ben", "UTC"), ("Cleo", "UTC")])
    at = clock.now() - timedelta(hours=2)
    meeting = MeetingFactory(
        partnership=partnership,
        original_start=at,
        starts_at=at,
        duration_minutes=60,
        time_zone="UTC",
    )
    return meeting, seats


def test_pulse_is_asked_of_attendees_once_the_meeting_is_marked_held(client, meeting):
    meeting, (ana, ben, cleo) = meeting
    home = reverse("dashboard:member_home", args=[meeting.partnership.program.slug])
    client.force_login(ana.membership.user)
    assert "How useful was the meeting" not in client.get(home).content.decode()

    meeting_mark(meeting=meeting, seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk])

    assert "How useful was the meeting" in client.get(home).content.decode()
    client.force_login(cleo.membership.user)  # absent: not asked
    assert "How useful was the meeting" not in client.get(home).content.decode()
    assert client.post(reverse("goals:pulse", args=[meeting.pk]), {"score": "5"}).status_code == 404

    client.force_login(ana.membership.user)
    response = client.post(reverse("goals:pulse", args=[meeting.pk]), {"score": "4"}, follow=True)
    page = response.content.decode()
    assert "Thank you for rating the meeting." in page
    assert "How useful was the meeting" not in page
    again = client.post(reverse("goals:pulse", args=[meeting.pk]), {"score": "1"}, follow=True)
    assert services.PULSE_ALREADY in again.content.decode()
    assert list(Pulse.objects.values_list("score", flat=True)) == [4]


def test_missed_meeting_asks_no_pulse(client, meeting):
    meeting, (ana, _ben, _cleo) = meeting
    meeting_mark(meeting=meeting, seat=ana, status="missed", present_seat_ids=[ana.pk])
    client.force_login(ana.membership.user)
    home = reverse("dashboard:member_home", args=[meeting.partnership.program.slug])
    assert "How useful was the meeting" not in client.get(home).content.decode()
    assert client.post(reverse("goals:pulse", args=[meeting.pk]), {"score": "3"}).status_code == 404


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
            reverse("goals:help_flag", args=[program.slug]),
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
    with pytest.raises(services.ValidationFailed, match=services.HELP_KIND_UNKNOWN):
        services.help_flag_raise(membership=membership, kind="crisis")
