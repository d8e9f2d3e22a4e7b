"""The one-question pulse after each held meeting."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.goals import services
from tandem.goals.models import Pulse
from tandem.meetings.services import meeting_mark
from tandem.meetings.tests.factories import MeetingFactory, partnership_make

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
    assert str(services.PULSE_ALREADY) in again.content.decode()
    assert list(Pulse.objects.values_list("score", flat=True)) == [4]


def test_missed_meeting_asks_no_pulse(client, meeting):
    meeting, (ana, _ben, _cleo) = meeting
    meeting_mark(meeting=meeting, seat=ana, status="missed", present_seat_ids=[ana.pk])
    client.force_login(ana.membership.user)
    home = reverse("dashboard:member_home", args=[meeting.partnership.program.slug])
    assert "How useful was the meeting" not in client.get(home).content.decode()
    assert client.post(reverse("goals:pulse", args=[meeting.pk]), {"score": "3"}).status_code == 404
