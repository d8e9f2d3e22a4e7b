"""``{% partnership_meetings partnership %}``: the partnership page's meetings section."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.models import Meeting
from tandem.meetings.tests.factories import partnership_make
from tandem.programs.tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)
# The one line the partnership page carries (see docs/meetings.md).
LINE = "{% load meetings %}{% partnership_meetings partnership %}"


def _render(partnership, user):
    request = RequestFactory().get("/partnerships/")
    request.user = user
    return Template(LINE).render(RequestContext(request, {"partnership": partnership}))


def _booked():
    partnership, seats = partnership_make()
    series = services.series_propose(
        partnership=partnership, seat=seats[0], starts_on=date(2027, 1, 13), start_time=time(18),
        time_zone="Europe/Madrid",
    )  # fmt: skip
    services.series_accept(series=series, seat=seats[1])
    return partnership, seats


def test_partner_sees_the_next_meeting_in_their_own_time_with_schedule_calendar_and_balance():
    with clock.frozen(MONDAY):
        partnership, (_ana, ben) = _booked()
        first = Meeting.objects.order_by("starts_at").first()
        html = _render(partnership, ben.membership.user)
    assert (
        f'Next meeting: <a href="/meetings/{first.pk}/">Wed 13 Jan 12:00 for Ben '
        "(America/New_York) · 18:00 for Ana (Europe/Madrid)</a>"
    ) in html
    assert f'href="{reverse("meetings:ics", args=[first.pk])}">Add to calendar (.ics)' in html
    assert f'href="{reverse("meetings:schedule", args=[partnership.pk])}">Schedule, move' in html
    assert f'href="{reverse("meetings:calendar")}">Your private calendar feed' in html
    assert "Give and take" in html
    assert "for your answer" not in html


def test_partner_is_told_when_a_proposal_waits_for_their_answer():
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = _booked()
        first = Meeting.objects.order_by("starts_at").first()
        services.meeting_reschedule_propose(
            meeting=first, seat=ana, on=date(2027, 1, 14), at=time(18), time_zone="Europe/Madrid"
        )
        to_ben, to_ana = (
            _render(partnership, ben.membership.user),
            _render(partnership, ana.membership.user),
        )
    assert "A proposal waits for your answer." in to_ben
    assert "for your answer" not in to_ana


def test_without_a_booking_it_invites_to_pick_a_time():
    with clock.frozen(MONDAY):
        partnership, (ana, _ben) = partnership_make()
        html = _render(partnership, ana.membership.user)
    assert "No meeting booked yet." in html
    assert ">Pick a time to meet</a>" in html


def test_anyone_but_a_partner_sees_nothing():
    with clock.frozen(MONDAY):
        partnership, _seats = _booked()
        coordinator = CoordinatorFactory(program=partnership.program).user
        assert _render(partnership, coordinator).strip() == ""
        _other, (stranger, _) = partnership_make()
        assert _render(partnership, stranger.membership.user).strip() == ""


def test_query_count_stays_the_same_as_meetings_and_proposals_grow():
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = _booked()

        def count():
            with CaptureQueriesContext(connection) as queries:
                _render(partnership, ana.membership.user)
            return len(queries)

        small = count()
        services.meetings_extend(now=datetime(2027, 3, 1, tzinfo=UTC))
        for meeting in Meeting.objects.filter(status="scheduled").order_by("starts_at")[:3]:
            services.meeting_reschedule_propose(
                meeting=meeting, seat=ben, on=date(2027, 4, 1), at=time(18),
                time_zone="Europe/Madrid",
            )  # fmt: skip
        assert Meeting.objects.count() > 3
        assert count() == small
