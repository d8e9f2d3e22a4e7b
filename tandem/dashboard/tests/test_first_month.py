""" "Your first month": the page, its links and the introduction email, for each partner."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from tandem.core import clock
from tandem.matching import runs
from tandem.matching.services_hand import partnership_create_by_hand
from tandem.matching.tests.helpers import member
from tandem.meetings import services as meeting_services
from tandem.meetings.models import Meeting
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.models import Document
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory
from tandem.worksheets.models import WorksheetTemplate

pytestmark = pytest.mark.django_db

# Ana (Madrid) is free on Wednesdays 18:00-20:00 and Ben (New York) 12:00-14:00: the same
# two hours. The clock is frozen on Monday 11 January 2027; the program meets every two weeks.
AVAILABILITY = [[[2, 18 * 60, 20 * 60]], [[2, 12 * 60, 14 * 60]]]


@pytest.fixture
def pair(frozen_clock):
    partnership, seats = partnership_make(
        people=[("Ana", "Europe/Madrid"), ("Ben", "America/New_York")],
        availability=AVAILABILITY,
        cadence_weeks=2,
        meeting_minutes=60,
        kickoff_on=date(2027, 1, 12),
    )
    return partnership, seats


def _page(client, seat):
    client.force_login(seat.membership.user)
    response = client.get(reverse("dashboard:first_month", args=[seat.partnership_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_partner_reads_the_suggested_meetings_in_their_own_time(client, pair):
    partnership, (ana, ben) = pair
    for_ana, for_ben = _page(client, ana), _page(client, ben)

    assert "Suggested first meetings" in for_ana
    assert "Tuesday 12 January 2027" in for_ana  # the kick-off
    # The first common slot, every two weeks, over the next four weeks.
    assert "Wednesday 13 January, 18:00" in for_ana
    assert "Wednesday 27 January, 18:00" in for_ana
    assert "Wednesday 20 January" not in for_ana
    assert "in your time (Europe/Madrid)" in for_ana
    assert "Wednesday 13 January, 12:00" in for_ben
    assert "Wednesday 27 January, 12:00" in for_ben
    assert "in your time (America/New_York)" in for_ben
    # Everyone's time, the reader's first, and the other slot they share.
    assert "12:00 for Ben (America/New_York) · 18:00 for Ana (Europe/Madrid)" in for_ben
    assert "Wednesdays 13:00 for Ben (America/New_York) · 19:00 for Ana (Europe/Madrid)" in (
        for_ben
    )
    assert "Scheduled" not in for_ana
    assert reverse("meetings:schedule", args=[partnership.pk]) in for_ana


def test_turn_taking_says_who_goes_first_and_how_turns_alternate(client, pair):
    _, (ana, ben) = pair
    for_ana, for_ben = _page(client, ana), _page(client, ben)
    assert "You meet every 2 weeks, 60 minutes each time." in for_ana
    assert "equal turns of 30 minutes" in for_ana
    assert (
        "At the first meeting you take the first turn as mentee, and Ben takes the first turn "
        "as mentor." in for_ana
    )
    assert (
        "At the first meeting Ana takes the first turn as mentee, and you take the first turn "
        "as mentor." in for_ben
    )
    assert "Who goes first alternates from one meeting to the next" in for_ben


def test_booked_meetings_replace_the_suggestions_once_everyone_accepts(client, pair):
    partnership, (ana, ben) = pair
    series = meeting_services.series_propose(
        partnership=partnership,
        seat=ana,
        starts_on=date(2027, 1, 14),
        start_time=time(9),
        time_zone="Europe/Madrid",
    )
    # Proposed only: still suggestions, and the page says a time waits for an answer.
    waiting = _page(client, ben)
    assert "Suggested first meetings" in waiting
    assert "A time has been proposed and waits for an answer." in waiting

    meeting_services.series_accept(series=series, seat=ben)
    for_ben = _page(client, ben)
    assert "Your first meetings" in for_ben
    assert "Suggested first meetings" not in for_ben
    assert "Thursday 14 January, 03:00" in for_ben  # 09:00 in Madrid
    assert "Thursday 28 January, 03:00" in for_ben
    assert "Wednesday 13 January" not in for_ben
    assert for_ben.count(">Scheduled<") == 2
    assert "Thursday 11 February" not in for_ben  # booked too, but after the first month
    first = Meeting.objects.filter(partnership=partnership).order_by("starts_at").first()
    assert first.get_absolute_url() in for_ben


def test_the_first_worksheet_and_the_guidebook_are_linked(client, pair):
    partnership, (ana, _) = pair
    program = partnership.program
    WorksheetTemplate.objects.create(program=program, title="Later", due="midpoint")
    second = WorksheetTemplate.objects.create(
        program=program, title="Second meeting", due="meeting", due_meeting=2
    )
    guide = Document.objects.create(program=program, title="How we mentor", body="Be kind.")
    html = _page(client, ana)
    assert "Second meeting" in html
    assert "At your meeting number 2" in html
    assert reverse("worksheets:fill", args=[partnership.pk, second.pk]) in html
    assert reverse("programs:document", args=[program.slug, guide.pk]) in html

    kickoff = WorksheetTemplate.objects.create(program=program, title="Who we are", due="kickoff")
    html = _page(client, ana)
    assert reverse("worksheets:fill", args=[partnership.pk, kickoff.pk]) in html
    assert "At the kick-off, 12 Jan 2027" in html
    assert "Fill in the first worksheet, “Who we are”." in html


def test_only_the_partners_read_it(client, pair):
    partnership, _ = pair
    url = reverse("dashboard:first_month", args=[partnership.pk])
    assert client.get(url).status_code == 404
    own_coordinator = CoordinatorFactory(program=partnership.program).user
    other_coordinator = CoordinatorFactory(program=ProgramFactory()).user
    outsider = MembershipFactory(program=partnership.program).user
    for user in (own_coordinator, other_coordinator, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_partnership_page_and_member_home_call_to_it_in_the_first_month(client, pair):
    partnership, (ana, ben) = pair
    url = reverse("dashboard:first_month", args=[partnership.pk])
    client.force_login(ana.membership.user)
    home = reverse("dashboard:member_home", args=[partnership.program.slug])
    for page in (partnership.get_absolute_url(), home):
        html = client.get(page).content.decode()
        assert "Preview your first month" in html
        assert url in html

    # Five weeks on, with a meeting held: the call gives way to a plain link.
    held = MeetingFactory(partnership=partnership, starts_at=clock.now(), duration_minutes=60)
    meeting_services.meeting_mark(
        meeting=held, seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk]
    )
    clock.advance(timedelta(weeks=5))
    html = client.get(partnership.get_absolute_url()).content.decode()
    assert "Preview your first month" not in html
    assert url in html
    assert "Preview your first month" not in client.get(home).content.decode()


def test_the_introduction_email_previews_the_first_month_in_each_readers_zone(mailoutbox, settings):
    program = ProgramFactory(status="running", name="Skiers", cadence_weeks=1)
    coordinator = CoordinatorFactory(program=program).user
    WorksheetTemplate.objects.create(program=program, title="Who we are", due="kickoff")
    ana = member(program, "Ana", time_zone="Europe/Madrid", availability=AVAILABILITY[0])
    ben = member(program, "Ben", time_zone="America/New_York", availability=AVAILABILITY[1])
    with clock.frozen(datetime(2027, 1, 11, 9, tzinfo=UTC)):
        run = partnership_create_by_hand(
            program=program, membership_ids=[ana.pk, ben.pk], actor=coordinator
        )
        assert runs.match_introductions_send(run_id=run.pk) == 2
    partnership = run.proposals.get().partnership
    to = {m.to[0]: m for m in mailoutbox}
    for_ana, for_ben = to["ana@example.org"], to["ben@example.org"]

    assert "Wednesday 13 January, 18:00 (Suggested)" in for_ana.body
    assert "Wednesday 20 January, 18:00 (Suggested)" in for_ana.body
    assert "Wednesday 13 January, 12:00 (Suggested)" in for_ben.body
    assert "in your time (America/New_York)" in for_ben.body
    schedule = f"{settings.SITE_URL}{reverse('meetings:schedule', args=[partnership.pk])}"
    page = f"{settings.SITE_URL}{reverse('dashboard:first_month', args=[partnership.pk])}"
    for message in (for_ana, for_ben):
        assert f"Pick a time on the schedule page: {schedule}" in message.body
        assert f"Your first month, any time: {page}" in message.body
        assert "First worksheet: Who we are · At the kick-off" in message.body
        html, kind = message.alternatives[0]
        assert kind == "text/html"
        assert f'href="{schedule}"' in html and f'href="{page}"' in html
        assert "Who we are" in html
    ana_html = for_ana.alternatives[0][0]
    assert "Wednesday 13 January, 18:00" in ana_html
    assert "Wednesday 13 January, 12:00" in for_ben.alternatives[0][0]


def test_the_api_gives_a_partner_the_same_preview_and_others_404(client, pair):
    partnership, (_, ben) = pair
    url = f"/api/v1/dashboard/first-month/{partnership.pk}"
    client.force_login(ben.membership.user)
    body = client.get(url).json()
    assert body["time_zone"] == "America/New_York"
    assert body["scheduled"] is False
    assert [m["local_start"] for m in body["meetings"]] == [
        "2027-01-13T12:00:00", "2027-01-27T12:00:00"
    ]  # fmt: skip
    assert body["first_mentee"] == "Ana" and body["reader_goes_first"] is False
    assert body["schedule_url"] == reverse("meetings:schedule", args=[partnership.pk])
    client.force_login(CoordinatorFactory(program=partnership.program).user)
    assert client.get(url).status_code == 404


def test_a_circle_reads_equal_turns_that_move_round_it(client, frozen_clock):
    _, seats = partnership_make(
        people=[("Ana", "Europe/Madrid"), ("Ben", "Europe/Madrid"), ("Cleo", "Europe/London")],
        meeting_minutes=60,
    )
    html = _page(client, seats[0])
    assert "equal turns of 20 minutes" in html
    assert "and Ben, Cleo take the first turns as mentors." in html
    assert "Who goes first moves round the circle" in html
