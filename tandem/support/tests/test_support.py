"""Support: the cadence, check-ins due and overdue, warning signs, recording and asking by email."""

from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import AuditEvent
from tandem.goals.tests.factories import PulseFactory
from tandem.meetings.models import Meeting
from tandem.meetings.tests.factories import MeetingFactory
from tandem.partnerships.models import Partnership
from tandem.partnerships.tests.builders import partnership_of
from tandem.partnerships.tests.factories import RematchRequestFactory
from tandem.support import selectors, services
from tandem.support.models import CheckIn, SupportPlan
from tandem.support.selectors import (
    SIGNAL_HELP_ASKED,
    SIGNAL_NO_FIRST_MEETING,
    SIGNAL_REMATCH,
    SIGNAL_TWO_MISSED,
    State,
)
from tandem.support.tests.factories import HelpFlagFactory

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Ana mentioned trouble at home; keep an eye out"


def _started(partnership: Partnership, days_ago: int) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(
        started_at=clock.now() - timedelta(days=days_ago)
    )
    partnership.refresh_from_db()
    return partnership


def _meeting(partnership: Partnership, days_ago: int, status: str) -> Meeting:
    at = clock.now() - timedelta(days=days_ago)
    return cast(
        Meeting,
        MeetingFactory(
            partnership=partnership,
            original_start=at,
            starts_at=at,
            duration_minutes=60,
            status=status,
        ),
    )


def _row(program, partnership):
    return next(r for r in selectors.support_queue(program=program) if r.partnership == partnership)


def _record(program, partnership, coordinator, **answers):
    answers = {"channel": "call", "outcome": "going_well", **answers}
    return services.check_in_record(
        program=program,
        partnership=partnership,
        actor=coordinator,
        answers=services.CheckInAnswers(**answers),
    )


# --- when a check-in is due ------------------------------------------------------------------


def test_a_new_partnership_is_due_its_cadence_after_it_started(program, frozen_clock):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 10)
    row = _row(program, partnership)
    assert row.due_on == (clock.now() - timedelta(days=10)).date() + timedelta(weeks=4)
    assert row.state == State.ON_TRACK


def test_past_its_due_day_a_check_in_is_overdue_and_one_recorded_puts_it_back_on_track(
    program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 40)
    _meeting(partnership, 35, Meeting.Status.HELD)
    row = _row(program, partnership)
    assert row.state == State.OVERDUE
    _record(program, partnership, coordinator)
    row = _row(program, partnership)
    assert row.state == State.ON_TRACK
    assert row.due_on == clock.today() + timedelta(weeks=4)


def test_the_first_meeting_held_makes_a_check_in_due_at_once(program, coordinator, frozen_clock):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 5)
    _meeting(partnership, 1, Meeting.Status.HELD)
    row = _row(program, partnership)
    assert row.state == State.DUE and row.due_reason == selectors.DUE_AFTER_FIRST_MEETING
    services.support_plan_update(
        program=program, actor=coordinator, every_weeks=4, after_first_meeting=False
    )
    assert _row(program, partnership).state == State.ON_TRACK


def test_the_cadence_is_the_programs_own_and_changing_it_is_audited(
    program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 15)
    _meeting(partnership, 10, Meeting.Status.HELD)
    services.support_plan_update(
        program=program, actor=coordinator, every_weeks=4, after_first_meeting=False
    )
    assert _row(program, partnership).state == State.ON_TRACK
    services.support_plan_update(
        program=program, actor=coordinator, every_weeks=2, after_first_meeting=False
    )
    assert _row(program, partnership).state == State.OVERDUE
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SUPPORT_PLAN_CHANGED).first()
    assert event.before == {"every_weeks": 4, "after_first_meeting": False}
    assert event.after == {"every_weeks": 2, "after_first_meeting": False}


@pytest.mark.parametrize("weeks", [0, 27])
def test_a_cadence_outside_1_to_26_weeks_is_refused(program, coordinator, weeks):
    with pytest.raises(services.ValidationFailed) as exc:
        services.support_plan_update(
            program=program, actor=coordinator, every_weeks=weeks, after_first_meeting=True
        )
    assert exc.value.message == "Check in every 1 to 26 weeks."
    assert not SupportPlan.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "next_in_days"), [("going_well", 28), ("needs_a_hand", 7), ("no_answer", 7)]
)
def test_a_check_in_that_left_something_open_calls_for_the_next_within_a_week(
    program, coordinator, frozen_clock, outcome, next_in_days
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 3)
    _record(program, partnership, coordinator, outcome=outcome)
    assert _row(program, partnership).due_on == clock.today() + timedelta(days=next_in_days)


# --- warning signs -----------------------------------------------------------------------------


def test_no_first_meeting_within_two_weeks_is_a_warning_sign_until_a_check_in(
    program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 13)
    assert _row(program, partnership).signals == []
    _started(partnership, 15)
    row = _row(program, partnership)
    assert [s.label for s in row.signals] == [SIGNAL_NO_FIRST_MEETING]
    assert row.state == State.SIGNAL
    _record(program, partnership, coordinator, outcome="needs_a_hand")
    row = _row(program, partnership)
    assert row.signals == [] and row.state == State.DUE  # a hand needed: again within a week


def test_two_missed_meetings_in_a_row_and_a_new_match_request_are_warning_signs(
    program, coordinator, frozen_clock
):
    partnership, people = partnership_of(program, "Ana", "Ben")
    _started(partnership, 20)
    _meeting(partnership, 14, Meeting.Status.HELD)
    _record(program, partnership, coordinator, on=clock.today() - timedelta(days=13))
    _meeting(partnership, 7, Meeting.Status.MISSED)
    assert _row(program, partnership).signals == []
    _meeting(partnership, 1, Meeting.Status.MISSED)
    seat = partnership.seats.get(membership=people["Ana"])
    RematchRequestFactory(program=program, partnership=partnership, seat=seat)
    row = _row(program, partnership)
    assert [s.label for s in row.signals] == [SIGNAL_TWO_MISSED, SIGNAL_REMATCH]
    assert row.state == State.SIGNAL


def test_a_low_pulse_after_the_last_check_in_is_a_warning_sign(program, coordinator, frozen_clock):
    partnership, people = partnership_of(program, "Ana", "Ben")
    _started(partnership, 20)
    meeting = _meeting(partnership, 4, Meeting.Status.HELD)
    _record(program, partnership, coordinator, on=clock.today() - timedelta(days=3))
    PulseFactory(meeting=meeting, membership=people["Ben"], score=4)
    assert _row(program, partnership).signals == []
    PulseFactory(meeting=meeting, membership=people["Ana"], score=2)
    assert [str(s.label) for s in _row(program, partnership).signals] == [
        "A low pulse after a meeting"
    ]


def test_an_open_help_request_of_a_current_partner_is_a_warning_sign_until_handled_or_checked_in(
    client, program, coordinator, frozen_clock
):
    partnership, people = partnership_of(program, "Ana", "Ben", "Cleo")
    _started(partnership, 10)
    partnership.seats.filter(membership=people["Cleo"]).update(active=False)  # Cleo left
    _other, others = partnership_of(program, "Dan", "Eve")
    an_hour_ago = clock.now() - timedelta(hours=1)
    for membership in (people["Cleo"], others["Dan"]):
        HelpFlagFactory(program=program, membership=membership, kind="hr")
    assert _row(program, partnership).signals == []  # a past partner's, another partnership's

    flag = services.help_flag_raise(membership=people["Ana"], kind="hr")
    row = _row(program, partnership)
    assert [(s.label, s.since) for s in row.signals] == [(SIGNAL_HELP_ASKED, flag.raised_at)]
    assert row.state == State.SIGNAL
    page = client.get(reverse("support:list", args=[program.slug])).content.decode()
    assert "A partner asked for help" in page
    api = client.get(f"/api/v1/support/{program.slug}").json()
    [listed] = [r for r in api if r["partnership_id"] == partnership.pk]
    assert listed["signals"] == ["A partner asked for help"]

    services.help_flag_handle(flag=flag, user=coordinator)
    assert _row(program, partnership).signals == []

    HelpFlagFactory(program=program, membership=people["Ben"], kind="hr", raised_at=an_hour_ago)
    assert [s.label for s in _row(program, partnership).signals] == [SIGNAL_HELP_ASKED]
    _record(program, partnership, coordinator)
    row = _row(program, partnership)
    assert row.signals == [] and row.state == State.ON_TRACK


def test_the_queue_costs_the_same_queries_for_one_or_many_partnerships(
    program, frozen_clock, django_assert_max_num_queries
):
    for k in range(6):
        partnership, people = partnership_of(program, f"A{k}", f"B{k}")
        _meeting(_started(partnership, 30), 20, Meeting.Status.HELD)
        for membership in list(people.values())[: k % 3]:
            HelpFlagFactory(program=program, membership=membership, kind="hr")
    with django_assert_max_num_queries(8):
        rows = selectors.support_queue(program=program)
    assert len(rows) == 6
    assert sum(SIGNAL_HELP_ASKED in [s.label for s in r.signals] for r in rows) == 4


# --- recording and asking ---------------------------------------------------------------------


def test_recording_names_every_problem_at_once_and_saves_nothing(
    program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    with pytest.raises(services.CheckInInvalid) as exc:
        _record(
            program,
            partnership,
            coordinator,
            channel="message",
            outcome="asked",
            note="x" * 2001,
            on=clock.today() + timedelta(days=1),
        )
    assert set(exc.value.errors) == {"channel", "outcome", "note", "on"}
    assert not CheckIn.objects.exists()


def test_a_check_in_on_an_ended_partnership_is_refused(program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    Partnership.objects.filter(pk=partnership.pk).update(status="ended", ended_at=clock.now())
    with pytest.raises(services.Conflict):
        _record(program, partnership, coordinator)


def test_the_audit_log_records_a_check_in_without_its_note(program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _record(program, partnership, coordinator, note=SECRET_NOTE)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN_RECORDED)
    assert event.after == {
        "partnership": partnership.pk,
        "channel": "call",
        "outcome": "going_well",
    }
    assert SECRET_NOTE not in str(event.before) + str(event.after) + event.subject_label


def test_a_check_in_message_reaches_each_partner_once_with_replies_to_the_coordinator(
    program, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    partnership, people = partnership_of(program, "Ana", "Ben")
    with django_capture_on_commit_callbacks(execute=True):
        check_in = services.check_in_message_send(
            program=program, partnership=partnership, actor=coordinator, message="How is it?"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.user.email for p in people.values())
    assert all(m.reply_to == [coordinator.email] for m in mail.outbox)
    assert all("How is it?" in m.body for m in mail.outbox)
    assert "Hello Ana," in next(m.body for m in mail.outbox if m.to[0] == people["Ana"].user.email)
    check_in.refresh_from_db()
    assert check_in.emailed_at is not None and check_in.outcome == CheckIn.Outcome.ASKED
    from tandem.support.tasks import check_in_message_email_send

    assert check_in_message_email_send.call(check_in_id=check_in.pk) == 0
    assert len(mail.outbox) == 2


# --- the pages ------------------------------------------------------------------------------


def test_the_support_page_lists_what_to_do_and_a_coordinator_records_a_check_in(
    client, program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 40)
    page = client.get(reverse("support:list", args=[program.slug])).content.decode()
    assert "1 partnership to check in with" in page
    assert "Overdue" in page
    url = reverse("support:check_in_record", args=[program.slug, partnership.pk])
    response = client.post(url, {"channel": "call", "outcome": "going_well", "note": SECRET_NOTE})
    assert response.status_code == 302
    page = client.get(reverse("support:list", args=[program.slug])).content.decode()
    assert "0 partnerships to check in with" in page
    detail = client.get(reverse("support:partnership", args=[program.slug, partnership.pk]))
    assert SECRET_NOTE in detail.content.decode()


def test_a_refused_check_in_shows_every_problem_on_its_field(client, program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    url = reverse("support:check_in_record", args=[program.slug, partnership.pk])
    response = client.post(url, {"channel": "", "outcome": "", "on": "not a date"})
    assert response.status_code == 400
    form = response.context["record_form"]
    assert set(form.errors) == {"channel", "outcome", "on"}
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post(url, {"channel": "", "outcome": "going_well", "on": tomorrow})
    form = response.context["record_form"]
    assert set(form.errors) == {"channel", "on"}
    assert "cannot happen in the future" in form.errors["on"][0]
    assert not CheckIn.objects.exists()


def test_the_cockpit_links_support_and_makes_overdue_check_ins_its_next_step(
    client, program, coordinator, frozen_clock
):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    _started(partnership, 40)
    page = client.get(reverse("dashboard:cockpit", args=[program.slug])).content.decode()
    assert reverse("support:list", args=[program.slug]) in page
    assert "1 partnership to check in with" in page


def test_the_dashboard_shows_the_support_rate_never_a_note(
    client, program, coordinator, frozen_clock
):
    late, _ = partnership_of(program, "Ana", "Ben")
    _started(late, 40)
    kept, _ = partnership_of(program, "Cleo", "Dan")
    _started(kept, 40)
    _record(program, kept, coordinator, note=SECRET_NOTE)
    page = client.get(reverse("dashboard:program", args=[program.slug])).content.decode()
    assert 'id="figure-support">50%' in page
    assert "1 of 2" in page
    assert SECRET_NOTE not in page
    export = client.get(reverse("dashboard:export", args=[program.slug])).content.decode()
    assert "Active partnerships supported on time,1" in export
    assert SECRET_NOTE not in export


def test_partners_never_see_the_coordinators_note(client, program, coordinator):
    partnership, people = partnership_of(program, "Ana", "Ben")
    _record(program, partnership, coordinator, note=SECRET_NOTE)
    client.force_login(people["Ana"].user)
    for url in (
        reverse("partnerships:detail", args=[partnership.pk]),
        reverse("dashboard:member_home", args=[program.slug]),
        reverse("support:partnership", args=[program.slug, partnership.pk]),
        reverse("api:check_in_list", args=[program.slug, partnership.pk]),
    ):
        response = client.get(url)
        assert SECRET_NOTE not in response.content.decode(), url
    assert client.get(reverse("support:list", args=[program.slug])).status_code == 404


# --- the API ----------------------------------------------------------------------------------


def test_the_api_records_a_check_in_and_lists_every_problem_at_once(client, program, coordinator):
    partnership, _ = partnership_of(program, "Ana", "Ben")
    url = f"/api/v1/support/{program.slug}/partnerships/{partnership.pk}/check-ins"
    bad = client.post(url, {"channel": "fax", "outcome": "fine"}, content_type="application/json")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"channel", "outcome"}
    good = client.post(
        url, {"channel": "call", "outcome": "going_well"}, content_type="application/json"
    )
    assert good.status_code == 201, good.content
    assert good.json()["outcome"] == "going_well"
    queue = client.get(f"/api/v1/support/{program.slug}").json()
    assert queue[0]["last_check_in"]["outcome"] == "going_well"


def test_a_partners_download_has_the_check_ins_without_the_note_the_coordinators_with_it(
    program, coordinator
):
    from tandem.privacy.services import account_export_data

    partnership, people = partnership_of(program, "Ana", "Ben")
    _record(program, partnership, coordinator, note=SECRET_NOTE)
    partner = account_export_data(user=people["Ana"].user)["support.json"]
    [row] = partner["check-ins with your partnership"]
    assert row["outcome"] == "going_well" and "note" not in row and "coordinator_id" not in row
    assert SECRET_NOTE not in str(partner)
    own = account_export_data(user=coordinator)["support.json"]
    assert own["check-ins you recorded"][0]["note"] == SECRET_NOTE
