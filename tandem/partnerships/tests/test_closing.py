"""Closing well: the closing page, the exit survey (once, text for the partner only), staying
in touch (emails shown only when every partner chose it), the alumni list, closing a program
(every live partnership ends with it, audited) and the offer of the next cohort."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.matching.tests.helpers import member
from tandem.partnerships.models import ClosingChoice, ExitSurvey, Partnership, PartnershipEvent
from tandem.partnerships.selectors.closing import exit_survey_summary
from tandem.partnerships.services import closing as sc
from tandem.partnerships.services.life import partnership_end, partnership_pause
from tandem.partnerships.tests.builders import ROLES, outsiders, partnership_of
from tandem.programs.models import Invitation, Program, WaitlistEntry
from tandem.programs.services.program import program_update
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers and speakers", slug="skiers", status="running")


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


@pytest.fixture
def ended(pair):
    partnership, people = pair
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="goals_reached")
    partnership.refresh_from_db()
    return partnership, people


def _survey(partnership, user, **extra):
    values = {"usefulness": 4, "would_take_part_again": True, **extra}
    return sc.exit_survey_answer(partnership=partnership, user=user, **values)


def _choose(partnership, user, *, touch=False, alumni=False):
    return sc.closing_choice_set(
        partnership=partnership, user=user, stay_in_touch=touch, alumni_listed=alumni
    )


def test_end_form_says_ending_is_normal_and_the_ended_page_links_the_closing_page(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:life", args=[partnership.pk])).content.decode()
    assert "Partnerships end; that is fine." in page
    client.post(reverse("partnerships:end", args=[partnership.pk]), {"end_reason": "no_time"})
    closing = reverse("partnerships:closing", args=[partnership.pk])
    assert (
        closing in client.get(reverse("partnerships:life", args=[partnership.pk])).content.decode()
    )
    assert closing in client.get(partnership.get_absolute_url()).content.decode()
    home = client.get(reverse("dashboard:member_home", args=["skiers"])).content.decode()
    assert closing in home
    assert reverse("partnerships:alumni", args=["skiers"]) in home


def test_closing_page_shows_the_guide_the_survey_and_the_choices(client, ended):
    partnership, people = ended
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:closing", args=[partnership.pk])).content.decode()
    for words in ("What we learned.", "What we keep doing.", "Thanks.", "Send my answers"):
        assert words in page
    assert "Stay in touch with Ben" not in page
    assert "Stay in touch with Ana" in page
    assert "Show me in the program&#x27;s alumni list" in page


def test_before_the_end_there_is_nothing_to_close(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:closing", args=[partnership.pk]))
    assert page.status_code == 200
    assert b"closing-not-ended" in page.content
    with pytest.raises(Conflict) as exc:
        _survey(partnership, people["Ana"].user)
    assert exc.value.message == sc.MSG_NOT_ENDED
    with pytest.raises(Conflict):
        _choose(partnership, people["Ana"].user, touch=True)


def test_exit_survey_is_answered_once(client, ended):
    partnership, people = ended
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:closing_survey", args=[partnership.pk])
    data = {"usefulness": "5", "what_worked": "Weekly calls", "would_take_part_again": "yes"}
    assert client.post(url, data).status_code == 302
    survey = ExitSurvey.objects.get()
    assert (survey.usefulness, survey.what_worked, survey.would_take_part_again) == (
        5,
        "Weekly calls",
        True,
    )
    again = client.post(url, data)
    assert again.status_code == 409
    assert str(sc.MSG_SURVEY_ONCE) in again.content.decode()
    assert ExitSurvey.objects.count() == 1


def test_exit_survey_names_what_to_fix(client, ended):
    partnership, people = ended
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:closing_survey", args=[partnership.pk])
    answer = client.post(url, {"usefulness": "9", "what_worked": "kept"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert str(sc.MSG_USEFULNESS) in page and str(sc.MSG_AGAIN) in page and "kept" in page
    with pytest.raises(ValidationFailed) as exc:
        _survey(partnership, people["Ben"].user, usefulness=0)
    assert exc.value.field == "usefulness"
    assert not ExitSurvey.objects.exists()


def test_emails_show_only_when_every_partner_chose_to_stay_in_touch(client, program):
    partnership, people = partnership_of(program, "Ana", "Ben", "Cleo")
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="no_time")
    url = reverse("partnerships:closing", args=[partnership.pk])
    client.force_login(people["Ana"].user)
    _choose(partnership, people["Ana"].user, touch=True)
    _choose(partnership, people["Ben"].user, touch=True)
    assert "ben@example.org" not in client.get(url).content.decode()
    _choose(partnership, people["Cleo"].user, touch=True)
    page = client.get(url).content.decode()
    assert "ben@example.org" in page and "cleo@example.org" in page
    _choose(partnership, people["Cleo"].user, touch=False)  # taken back
    assert "ben@example.org" not in client.get(url).content.decode()


def test_alumni_list_holds_only_members_who_opted_in_with_name_and_email(
    client, program, coordinator
):
    partnership, people = partnership_of(program, "Ana", "Ben")
    _other, more = partnership_of(program, "Cleo", "Dan")
    partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="no_time")
    _choose(partnership, people["Ana"].user, alumni=True)
    _choose(partnership, people["Ben"].user, touch=True)  # in touch, but not listed
    url = reverse("partnerships:alumni", args=["skiers"])
    client.force_login(more["Cleo"].user)  # partnership still live, program running
    page = client.get(url)
    assert page.status_code == 200 and b"alumni-closed" in page.content
    client.force_login(people["Ben"].user)
    page = client.get(url).content.decode().split('id="alumni-list"')[1]
    assert "Ana: " in page and "ana@example.org" in page
    assert "ben@example.org" not in page and "cleo@example.org" not in page
    for user in (coordinator, member(ProgramFactory(), "Zed").user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_alumni_page_query_count_stays_constant(client, program):
    first, people = partnership_of(program, "Ana", "Ben")
    partnership_end(partnership=first, user=people["Ana"].user, end_reason="no_time")
    _choose(first, people["Ana"].user, alumni=True)
    client.force_login(people["Ben"].user)
    url = reverse("partnerships:alumni", args=["skiers"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for names in (("Cleo", "Dan"), ("Eva", "Finn")):
        other, more = partnership_of(program, *names)
        partnership_end(partnership=other, user=more[names[0]].user, end_reason="no_time")
        for name in names:
            _choose(other, more[name].user, alumni=True)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "finn@example.org" in page.content.decode()
    assert len(many) == len(few)


def test_coordinator_sees_counts_and_the_mean_from_five_answers_never_text(
    client, program, coordinator
):
    url = reverse("partnerships:rematch_queue", args=["skiers"])
    client.force_login(coordinator)
    for i in range(3):
        partnership, people = partnership_of(program, f"A{i}", f"B{i}")
        partnership_end(partnership=partnership, user=people[f"A{i}"].user, end_reason="no_time")
        _survey(partnership, people[f"A{i}"].user, usefulness=5, what_worked=f"SECRET-{i}")
        if i < 2:
            _survey(partnership, people[f"B{i}"].user, usefulness=2, could_be_better="SECRET-B")
        if i == 1:
            page = client.get(url).content.decode()
            assert "4 partners answered the exit survey." in page
            assert "out of 5 on average" not in page
    summary = exit_survey_summary(program=program)
    assert (summary.answers, summary.mean_usefulness, summary.would_again) == (5, 3.8, 5)
    page = client.get(url).content.decode()
    assert "5 partners answered the exit survey." in page
    assert "Usefulness: 3.8 out of 5 on average; 5 would take part again." in page
    assert "SECRET" not in page


def test_partners_see_their_own_survey_answer_only(client, ended):
    partnership, people = ended
    _survey(partnership, people["Ana"].user, what_worked="ANA-OWN-WORDS")
    client.force_login(people["Ben"].user)
    page = client.get(reverse("partnerships:closing", args=[partnership.pk])).content.decode()
    assert "ANA-OWN-WORDS" not in page and "Send my answers" in page


@pytest.mark.parametrize("role", ROLES)
def test_closing_pages_answer_404_to_everyone_but_the_partners(client, ended, role):
    partnership, _ = ended
    user = outsiders(partnership.program)[role]
    if user is not None:
        client.force_login(user)
    for name in ("closing", "closing_survey", "closing_choice", "closing_next_cohort"):
        url = reverse(f"partnerships:{name}", args=[partnership.pk])
        answer = client.get(url) if name == "closing" else client.post(url)
        assert answer.status_code == 404, name
    assert not ExitSurvey.objects.exists() and not ClosingChoice.objects.exists()


def test_closing_the_program_ends_every_live_partnership_audited(program, coordinator):
    live, _people = partnership_of(program, "Ana", "Ben")
    paused, others = partnership_of(program, "Cleo", "Dan")
    partnership_pause(partnership=paused, user=others["Cleo"].user)
    done, last = partnership_of(program, "Eva", "Finn")
    partnership_end(partnership=done, user=last["Eva"].user, end_reason="no_time")
    program_update(program=program, actor=coordinator, status="closed")
    assert set(Partnership.objects.values_list("status", flat=True)) == {"ended"}
    events = PartnershipEvent.objects.filter(kind="ended", end_reason="program_over")
    assert {e.partnership_id for e in events} == {live.pk, paused.pk}
    assert all(e.by_coordinator for e in events)
    audits = AuditEvent.objects.filter(action=AuditEvent.Action.PARTNERSHIP_ENDED)
    assert sorted(a.before["status"] for a in audits) == ["active", "paused"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PROGRAM_CHANGED).count() == 1


def test_closing_the_program_is_one_transaction(program, coordinator, monkeypatch):
    live, _people = partnership_of(program, "Ana", "Ben")

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("tandem.partnerships.services.coordinator.audit_record", broken)
    with pytest.raises(RuntimeError):
        program_update(program=program, actor=coordinator, status="closed")
    live.refresh_from_db()
    program.refresh_from_db()
    assert (live.status, program.status) == ("active", "running")


def test_next_cohort_is_offered_and_joined_the_way_anyone_joins(client, ended, coordinator):
    partnership, people = ended
    url = reverse("partnerships:closing", args=[partnership.pk])
    client.force_login(people["Ana"].user)
    assert b"Join the next cohort" not in client.get(url).content
    cohort = ProgramFactory(name="Skiers 2", slug="skiers-2", status="waitlist")
    Program.objects.filter(pk=cohort.pk).update(previous_cohort=partnership.program)
    assert b"Join the next cohort" in client.get(url).content
    join = reverse("partnerships:closing_next_cohort", args=[partnership.pk])
    assert client.post(join).status_code == 302
    assert WaitlistEntry.objects.get(program=cohort).email == "ana@example.org"
    assert b"next-cohort-asked" in client.get(url).content

    Program.objects.filter(pk=cohort.pk).update(status="intake_open")
    client.force_login(people["Ben"].user)
    assert client.post(join).status_code == 302
    assert Invitation.objects.get(program=cohort).email == "ben@example.org"
    Program.objects.filter(pk=cohort.pk).update(status="running")
    assert b"Join the next cohort" not in client.get(url).content
    with pytest.raises(Conflict) as exc:
        sc.next_cohort_join(partnership=partnership, user=people["Ben"].user)
    assert exc.value.message == sc.MSG_NO_NEXT_COHORT
