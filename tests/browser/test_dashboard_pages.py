"""The coordinator dashboard and the member home in a real Chromium, with screenshots."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from tandem.core import clock
from tandem.dashboard.tests.builders import program_populate
from tandem.goals import services
from tandem.goals.models import Question
from tandem.goals.tests.factories import (
    AnswerFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)
from tandem.meetings.services import meeting_mark
from tandem.meetings.tests.factories import MeetingFactory, partnership_make
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory, ResourceFactory
from tests.browser.helpers import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def canvas_has_pixels(page, canvas_id):
    """Return whether the canvas has any drawn (non-transparent) pixel."""
    return page.evaluate(
        """(id) => {
            const c = document.getElementById(id);
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
            return false;
        }""",
        canvas_id,
    )


def _seed():
    program = ProgramFactory(
        status="running", name="Peer Mentoring Circle", kickoff_on=clock.today()
    )
    coordinator = CoordinatorFactory(program=program, user__name="Cora Coordinator").user
    program_populate(program, members=24)
    partnership, (ana, ben) = partnership_make(
        people=[("Ana", "Europe/Madrid"), ("Ben", "Europe/London")], program=program
    )
    Membership.objects.filter(program=program, role="member").exclude(
        pk__in=[ana.membership_id, ben.membership_id]
    ).update(status="matched")
    ResourceFactory(
        program=program,
        name="Staff counselling",
        kind="counselling",
        contact="0800 123",
        when_to_use="When things weigh on you.",
    )
    survey = SurveyFactory(program=program, kind="kickoff")
    question = QuestionFactory(survey=survey, text="How ready do you feel?", kind="scale")
    for score, membership in zip(
        [5, 4, 4, 3, 5, 2],
        Membership.objects.filter(program=program, role="member").exclude(
            pk__in=[ana.membership_id, ben.membership_id]
        )[:6],
        strict=True,
    ):
        response = SurveyResponseFactory(survey=survey, membership=membership)
        AnswerFactory(response=response, question=question, scale=score)
    at = clock.now() - timedelta(days=1)
    meeting = MeetingFactory(
        partnership=partnership,
        original_start=at,
        starts_at=at,
        duration_minutes=60,
        time_zone="UTC",
    )
    meeting_mark(meeting=meeting, seat=ana, status="held", present_seat_ids=[ana.pk, ben.pk])
    later = clock.now() + timedelta(days=6)
    MeetingFactory(
        partnership=partnership,
        original_start=later,
        starts_at=later,
        duration_minutes=60,
        time_zone="UTC",
    )
    goal = services.goal_create(
        seat=ana, title="Order dinner in Spanish", due_on=clock.today() + timedelta(days=10)
    )
    services.step_add(
        goal=goal,
        user=ana.membership.user,
        title="Learn the menu words",
        due_on=clock.today() + timedelta(days=3),
    )
    services.goal_create(seat=ana, title="Ski a red run", due_on=clock.today() + timedelta(days=40))
    return program, coordinator, ana, goal


def test_coordinator_dashboard_draws_its_charts(live_server, page):
    program, coordinator, _ana, _goal = _seed()
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/")
    for chart in ("chart-members", "chart-meetings", "chart-balance", "chart-pulse"):
        page.wait_for_selector(f"#{chart}[data-drawn='true']")
        assert canvas_has_pixels(page, chart), chart
    assert page.locator("#figure-members").inner_text() == "26"
    page.wait_for_selector("text=Stalled partnerships")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    page.get_by_role("button", name="Nudge the 6 stalled partnerships").click()
    page.wait_for_selector("text=Nudged 6 stalled partnerships: the partners get an email.")

    assert page.locator("#help-open-count").inner_text() == "3 open"
    page.get_by_role("button", name="Mark handled").first.click()
    page.wait_for_selector("text=Marked handled: Member 20's request for help.")
    assert page.locator("#help-open-count").inner_text() == "2 open"
    assert "Handled by Cora Coordinator" in page.locator("table.help-flags").inner_text()


def test_member_home_shows_partner_meeting_goals_and_pulse(live_server, page):
    program, _coordinator, ana, goal = _seed()
    sign_in(page, live_server, ana.membership.user)
    page.goto(f"{live_server.url}/p/{program.slug}/home/")  # the program home is the member's
    page.wait_for_selector("#home-partner")
    assert "Ben" in page.locator("#home-partner").inner_text()
    assert "(Europe/Madrid)" in page.locator("#home-meeting").inner_text()
    assert page.get_by_role("link", name="Add to my calendar (.ics)").count() == 1
    assert page.get_by_text("Learn the menu words").count() == 1
    assert page.get_by_role("button", name="Answer the kick-off survey").count() == 1
    page.get_by_text("How useful was the meeting").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "member-home.png"), full_page=True)

    page.locator(".pulse-scale label", has_text="4").click()
    page.get_by_role("button", name="Rate").click()
    page.wait_for_selector("text=Thank you for rating the meeting.")

    page.get_by_text("I need more help than a peer can give").click()
    page.get_by_label("The kind of help I need").select_option("counselling")
    page.get_by_role("button", name="Tell my coordinators").click()
    page.wait_for_selector("text=Only your name and the kind of help were sent")

    page.goto(f"{live_server.url}{goal.get_absolute_url()}")
    page.get_by_role("button", name="Edit goal").click()
    page.get_by_label("Goal").fill("Order a three-course dinner in Spanish")
    page.get_by_role("button", name="Save goal").click()
    page.wait_for_selector("h1:has-text('Order a three-course dinner in Spanish')")
    page.get_by_role("button", name="I reached this goal").click()
    page.wait_for_selector(".celebration:has-text('Goal reached!')")


def test_coordinator_chooses_an_outcome_measure_and_reads_before_and_after(live_server, page):
    program, coordinator, _ana, _goal = _seed()
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/")
    page.get_by_text("No outcome measure yet.").wait_for()
    page.get_by_role("button", name="Choose the outcome measures").click()

    page.get_by_role("button", name="Add outcome measure").click()  # nothing written yet
    page.locator("#measures-heading ~ form [role=alert]").wait_for()
    page.get_by_label("Question (answered from 1 to 5)").fill("How confident am I about my goal?")
    page.get_by_role("button", name="Add outcome measure").click()
    page.get_by_text("Outcome measure added").wait_for()
    assert "How confident am I about my goal?" in page.locator("#measure-list").inner_text()

    # Six members answer it at the kick-off and again at the recap.
    answered = Membership.objects.filter(program=program, role="member", status="matched")
    measure = Question.objects.filter(measure__program=program)
    for kind, score in (("kickoff", 2), ("recap", 4)):
        question = measure.get(survey__kind=kind)
        for membership in answered.order_by("-pk")[:6]:
            response = SurveyResponseFactory(survey=question.survey, membership=membership)
            AnswerFactory(response=response, question=question, scale=score)

    page.goto(f"{live_server.url}/dashboard/{program.slug}/")
    row = page.locator("#outcome-measures tbody tr").first
    assert "How confident am I about my goal?" in row.inner_text()
    assert "2.0" in row.inner_text() and "4.0" in row.inner_text()
    assert "+2.0" in row.inner_text() and "6 people" in row.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the evaluation (CSV)").click()
    text = download.value.path().read_text()
    change = '"How confident am I about my goal?: change, for those who answered both",2.0,6'
    assert change in text
    section = page.locator("#outcomes-heading").locator("..")
    section.screenshot(path=str(SCREENSHOTS / "outcomes.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#outcomes-heading").scroll_into_view_if_needed()
    page.locator("#outcomes-heading").locator("..").screenshot(
        path=str(SCREENSHOTS / "outcomes-phone.png")
    )


PHONE = {"width": 390, "height": 844}


def _inside(inner, outer):
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
    )


def test_ending_a_partnership_on_a_phone_shows_the_whole_form(live_server, page):
    program = ProgramFactory(status="running", name="Peer Mentoring Circle")
    coordinator = CoordinatorFactory(program=program).user
    [first, _second] = program_populate(program, members=4)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/partnerships/")
    row = page.locator(f"#partnership-{first.pk}")
    row.get_by_text("End", exact=True).click()
    form = row.locator("details[open] form")
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "partnership-end-phone.png"), full_page=True)
    screen = {"x": 0, "width": PHONE["width"]}
    for control in (
        form.get_by_label("Why does it end?"),
        form.get_by_label("Your reason (for coordinators and the audit log"),
        form.get_by_role("button", name="End the partnership"),
    ):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box is not None and box["width"] >= 200, box
        assert _inside(box, screen), box
    page.screenshot(path=str(SCREENSHOTS / "partnership-end-phone.png"), full_page=True)
    form.get_by_label("Why does it end?").select_option("other")
    form.get_by_label("Your reason (for coordinators and the audit log").fill("Moved away")
    form.get_by_role("button", name="End the partnership").click()
    page.wait_for_selector("text=The partnership has ended; its partners have been told by email.")


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_every_chart_names_every_bar_on_a_phone(live_server, page, language):
    program, coordinator, _ana, _goal = _seed()
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/dashboard/{program.slug}/")
    for chart in ("chart-members", "chart-meetings", "chart-balance", "chart-pulse"):
        page.wait_for_selector(f"#{chart}[data-drawn='true']")
        shown, labels, inside = page.evaluate(
            """(id) => {
                const chart = window.Chart.getChart(document.getElementById(id));
                const names = chart.scales[chart.options.indexAxis];
                return [names.ticks.length, chart.data.labels.length, names.left >= 0];
            }""",
            chart,
        )
        assert shown == labels, chart
        assert inside, chart
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-phone-{language}.png"), full_page=True)
