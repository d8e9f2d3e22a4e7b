"""The partnership journey in a real browser, as the two partners walk it.

Ana (Madrid) and Ben (New York) were matched and the match was published. Each signs in in
their own browser. Ana proposes the ground rules, Ben edits one field and accepts, Ana accepts.
Ana picks a suggested weekly slot, Ben accepts it. At the first meeting Ana starts the turns;
the timer runs and hands over to Ben by itself; Ana keeps a private and a shared note, and Ben
sees only the shared one. Screenshots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tandem.core import clock
from tandem.matching.tests.helpers import member
from tandem.meetings.models import Meeting, MeetingSeries, Note, Turn
from tandem.partnerships.models import AgreementVersion, Partnership
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.programs.models import Membership, Program
from tandem.programs.tests.factories import ProgramFactory
from tests.browser.helpers import failure_shots, shot, sign_in, watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MADRID, NEW_YORK = "Europe/Madrid", "America/New_York"
ANA, BEN = "Ana Ruiz", "Ben Carter"
# Wednesdays 17:00-21:00 in Madrid and 11:00-15:00 in New York: the same hours in UTC, and
# at least three common hours in the weeks when only one of the two zones is on summer time.
ANA_FREE = [[2, 17 * 60, 21 * 60]]
BEN_FREE = [[2, 11 * 60, 15 * 60]]
PRIVATE_NOTE = "I felt *nervous* presenting the budget slide."
SHARED_NOTE = "Ben's tip: **rehearse out loud** twice before Friday."


def open_browser(browser: Browser, zone: str) -> BrowserContext:
    """Return a fresh browser (own cookies) whose clock is in ``zone``, as the person's is."""
    return browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id=zone
    )


def published_partnership() -> tuple[Partnership, Membership, Membership]:
    """Return a live pair from a published match: Ana in Madrid, Ben in New York."""
    program = ProgramFactory(
        name="Northwind Peer Mentoring",
        status=Program.Status.RUNNING,
        cadence_weeks=2,
        meeting_minutes=30,
        confidentiality_rules="What we say in our meetings stays between us.",
    )
    ana = member(program, ANA, time_zone=MADRID, availability=ANA_FREE)
    ben = member(program, BEN, time_zone=NEW_YORK, availability=BEN_FREE)
    partnership = partnership_create_from_match(program=program, memberships=[ana, ben])
    Membership.objects.filter(pk__in=[ana.pk, ben.pk]).update(status=Membership.Status.MATCHED)
    return partnership, ana, ben


def test_two_partners_agree_schedule_meet_hand_over_and_keep_notes(
    live_server: Any, browser: Browser, tmp_path: Path
) -> None:
    ana_browser, ben_browser = open_browser(browser, MADRID), open_browser(browser, NEW_YORK)
    ana_page, ben_page = ana_browser.new_page(), ben_browser.new_page()
    with (
        closing(ana_browser),
        closing(ben_browser),
        failure_shots({"ana-failure.png": ana_page, "ben-failure.png": ben_page}),
    ):
        journey(live_server.url, ana_page, ben_page)


def journey(base: str, ana_page: Page, ben_page: Page) -> None:
    partnership, ana, ben = published_partnership()
    ana_problems = watch_for_problems(ana_page)
    ben_problems = watch_for_problems(ben_page)
    deadline = (clock.now().date() + timedelta(days=90)).isoformat()
    agreement_url = f"{base}/partnerships/{partnership.pk}/agreement/"

    # --- Ground rules: Ana proposes them from the partnership page. ---------------------------
    sign_in(ana_page, base, ana.user.email)
    ana_page.goto(f"{base}{partnership.get_absolute_url()}")
    expect(ana_page.get_by_role("heading", name=f"You and {BEN}")).to_be_visible()
    section = ana_page.locator("#agreement-section")
    expect(section).to_contain_text("No ground rules yet.")  # loaded by htmx
    section.get_by_role("link", name="Propose them").click()
    ana_page.get_by_role("button", name="Propose ground rules").click()
    expect(ana_page.get_by_label("Meet every (weeks)")).to_have_value("2")  # the program's
    expect(ana_page.get_by_label("Each meeting lasts (minutes)")).to_have_value("30")
    ana_page.get_by_label("How you meet").select_option("video")
    ana_page.get_by_label("Where").fill("https://meet.example.org/ana-ben")
    ana_goals = ana_page.locator("fieldset", has_text=f"{ANA}'s goals")
    ana_goals.get_by_label("Goal 1", exact=True).fill("Present the budget to the board")
    ana_goals.get_by_label("Deadline of goal 1").fill(deadline)
    ben_goals = ana_page.locator("fieldset", has_text=f"{BEN}'s goals")
    ben_goals.get_by_label("Goal 1", exact=True).fill("Lead a team retrospective")
    ben_goals.get_by_label("Deadline of goal 1").fill(deadline)
    ana_page.get_by_label("Incentive for reaching your goals").fill("Tapas together")
    ana_page.get_by_role("button", name="Save the proposal").click()
    expect(ana_page.get_by_text("Saved as version 1.")).to_be_visible()

    # Ben finds the proposal on his partnership page, changes the incentive and accepts.
    sign_in(ben_page, base, ben.user.email)
    ben_page.goto(f"{base}{partnership.get_absolute_url()}")
    expect(ben_page.get_by_role("heading", name=f"You and {ANA}")).to_be_visible()
    section = ben_page.locator("#agreement-section")
    expect(section).to_contain_text("Version 1, waiting for")
    section.get_by_role("link", name="Open the ground rules").click()
    current = ben_page.locator("#agreement-current")
    expect(current).to_contain_text("Present the budget to the board")
    expect(current).to_contain_text("Lead a team retrospective")
    expect(current).to_contain_text("Tapas together")
    ben_page.get_by_role("button", name="Edit the ground rules").click()
    expect(ben_page.get_by_label("Where")).to_have_value("https://meet.example.org/ana-ben")
    ben_page.get_by_label("Incentive for reaching your goals").fill(
        "Tapas together, and the loser of the bet pays"
    )
    ben_page.get_by_role("button", name="Save as version 2").click()
    expect(ben_page.get_by_text("Saved as version 2.")).to_be_visible()
    ben_page.get_by_label("I keep the confidentiality promise above.").check()
    ben_page.get_by_role("button", name="Accept version 2").click()
    expect(ben_page.get_by_text("You accepted version 2.")).to_be_visible()
    expect(ben_page.locator("#agreement-status")).to_contain_text(f"Waiting for {ANA}.")

    # Ana sees what Ben changed, and accepts: the ground rules are agreed.
    ana_page.goto(agreement_url)
    expect(ana_page.locator("#agreement-history")).to_contain_text("incentive")
    expect(ana_page.locator("#agreement-current")).to_contain_text("the loser of the bet pays")
    ana_page.get_by_label("I keep the confidentiality promise above.").check()
    ana_page.get_by_role("button", name="Accept version 2").click()
    expect(
        ana_page.get_by_text("Everyone accepted version 2: your ground rules are agreed.")
    ).to_be_visible()
    expect(ana_page.locator("#agreement-status")).to_contain_text("Agreed")
    shot(ana_page, "agreement.png")
    ben_page.goto(f"{base}{partnership.get_absolute_url()}")
    expect(ben_page.locator("#agreement-section")).to_contain_text("Agreed (version 2).")
    version = AgreementVersion.objects.get(agreement__partnership=partnership, number=2)
    assert version.agreed_at is not None

    # --- Schedule: Ana picks a suggested slot; each sees it in their own time zone. -----------
    schedule_url = f"{base}/meetings/partnership/{partnership.pk}/"
    ana_page.goto(schedule_url)
    expect(ana_page.get_by_text("No meetings booked yet. Pick a slot below.")).to_be_visible()
    slots = ana_page.locator("ul.slots > li")
    expect(slots.first).to_contain_text(re.compile(rf"for {ANA} \({MADRID}\)"))
    expect(slots.first).to_contain_text(re.compile(rf"for {BEN} \({NEW_YORK}\)"))
    first_slot = slots.first.locator("span").inner_text()
    ana_time, ben_time = re.findall(r"(\d\d:\d\d) for ", first_slot)
    # Six hours apart, or five when only New York is on summer time.
    gap = int(ana_time[:2]) - int(ben_time[:2])
    assert gap in {5, 6}, first_slot
    shot(ana_page, "schedule.png")
    slots.first.get_by_role("button", name="Propose this slot").click()
    expect(
        ana_page.get_by_text("Proposed. It is booked once your partner accepts.")
    ).to_be_visible()
    expect(
        ana_page.get_by_text("You proposed this time. Waiting for your partner.")
    ).to_be_visible()

    ben_page.goto(schedule_url)
    proposal = ben_page.locator("article.proposal")
    # Ben reads the proposal with his own time first.
    expect(proposal).to_contain_text(f"{ben_time} for {BEN} ({NEW_YORK})")
    expect(proposal).to_contain_text(f"{ana_time} for {ANA} ({MADRID})")
    expect(proposal).to_contain_text("every 2 weeks, 30 minutes")
    proposal.get_by_role("button", name="Accept", exact=True).click()
    expect(
        ben_page.get_by_text("Agreed by everyone: the next meetings are booked.")
    ).to_be_visible()
    expect(ben_page.locator("ul.upcoming > li")).to_have_count(3)
    ana_page.reload()
    expect(ana_page.locator("ul.upcoming > li")).to_have_count(3)
    expect(ana_page.locator("p", has_text="Agreed:")).to_contain_text(f"{ana_time} for {ANA}")
    assert MeetingSeries.objects.get(partnership=partnership).status == "active"

    # --- The first meeting: time passes until it starts. ----------------------------------
    meeting = Meeting.objects.filter(partnership=partnership).order_by("starts_at").first()
    assert meeting is not None
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=clock.now())
    meeting_url = f"{base}/meetings/{meeting.pk}/"
    ana_page.goto(meeting_url)
    ben_page.goto(meeting_url)
    expect(ben_page.locator("#timer")).to_contain_text("The turns have not started yet.")

    ana_page.get_by_role("button", name="Start the turns").click()
    ana_timer = ana_page.locator("#timer")
    expect(ana_timer).to_contain_text(f"{ANA}\u2019s turn")
    expect(ana_timer).to_contain_text(f"then {BEN}")
    countdown = ana_timer.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^1[45]:\d\d$"))  # 15 minutes each
    started = countdown.inner_text()
    expect(countdown).not_to_have_text(started)  # the timer runs
    # Ben's page follows without a reload (it asks the server every few seconds).
    ben_timer = ben_page.locator("#timer")
    expect(ben_timer).to_contain_text(f"{ANA}\u2019s turn", timeout=10_000)
    expect(ben_page.locator(f'li.turn.current:has-text("{ANA}")')).to_be_visible()

    # Ana's turn is nearly over (its start moves back): the timer hands over by itself.
    turn = Turn.objects.get(meeting=meeting, position=0)
    assert turn.planned_seconds == 15 * 60
    Turn.objects.filter(pk=turn.pk).update(
        started_at=F("started_at") - timedelta(seconds=turn.planned_seconds - 4)
    )
    expect(ben_timer).to_contain_text(f"{BEN}\u2019s turn", timeout=20_000)
    expect(ben_page.locator(f'li.turn.current:has-text("{BEN}")')).to_be_visible()
    expect(ana_timer).to_contain_text(f"{BEN}\u2019s turn", timeout=10_000)
    turn.refresh_from_db()
    assert turn.ended_at is not None
    assert Turn.objects.get(meeting=meeting, position=1).started_at == turn.ended_at

    # --- Notes: Ana keeps one to herself and shares another. -------------------------------
    ana_page.get_by_label("Note (Markdown)").fill(PRIVATE_NOTE)
    ana_page.get_by_label("Only me").check()
    ana_page.get_by_role("button", name="Save note").click()
    expect(ana_page.get_by_text("Note saved.")).to_be_visible()
    ana_page.get_by_label("Note (Markdown)").fill(SHARED_NOTE)
    ana_page.get_by_label("Shared with my partners").check()
    ana_page.get_by_role("button", name="Save note").click()
    expect(ana_page.get_by_text("Note saved.")).to_be_visible()
    ana_notes = ana_page.locator("article.note")
    expect(ana_notes).to_have_count(2)
    expect(ana_page.locator("article.note-private")).to_contain_text("Private: only you")
    expect(ana_page.locator("article.note-private em")).to_have_text("nervous")
    expect(ana_page.locator("article.note-shared")).to_contain_text("Shared with the partnership")
    assert Note.objects.filter(meeting=meeting).count() == 2

    ben_page.reload()
    ben_notes = ben_page.locator("article.note")
    expect(ben_notes).to_have_count(1)
    expect(ben_notes).to_contain_text(ANA)
    expect(ben_notes).to_contain_text("Shared with the partnership")
    expect(ben_notes.locator("strong", has_text="rehearse out loud")).to_be_visible()
    expect(ben_timer).to_contain_text(f"{BEN}\u2019s turn")  # the state is the server's
    assert "nervous" not in ben_page.content()
    assert "budget slide" not in ben_page.content()
    shot(ben_page, "meeting.png")

    assert ana_problems == []
    assert ben_problems == []
