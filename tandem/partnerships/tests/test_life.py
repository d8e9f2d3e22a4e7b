"""The life of a partnership: pause, resume, end (seats freed), and the coordinator's queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.errors import Conflict, ValidationFailed
from tandem.partnerships.models import (
    Partnership,
    PartnershipEvent,
    PartnershipMember,
    RematchRequest,
)
from tandem.partnerships.services import life as sl
from tandem.partnerships.services.messages import message_post
from tandem.partnerships.services.partnership import partnership_create_from_match
from tandem.partnerships.tests.builders import ROLES, outsiders, partnership_of
from tandem.programs.models import Membership
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(name="Skiers and speakers", slug="skiers")


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


def test_pause_and_resume_record_who_and_change_the_status(pair):
    partnership, people = pair
    sl.partnership_pause(partnership=partnership, user=people["Ana"].user, reason="Exams")
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.PAUSED
    assert partnership.paused_at is not None
    with pytest.raises(Conflict) as exc:
        sl.partnership_pause(partnership=partnership, user=people["Ben"].user)
    assert exc.value.message == sl.MSG_ALREADY_PAUSED
    sl.partnership_resume(partnership=partnership, user=people["Ben"].user)
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    with pytest.raises(Conflict) as exc:
        sl.partnership_resume(partnership=partnership, user=people["Ben"].user)
    assert exc.value.message == sl.MSG_NOT_PAUSED
    kinds = [(e.kind, e.actor.membership.profile.display_name) for e in partnership.events.all()]
    assert kinds == [("resumed", "Ben"), ("paused", "Ana")]


def test_ending_frees_the_seats_so_partners_can_be_matched_again(pair, program):
    partnership, people = pair
    sl.partnership_end(
        partnership=partnership,
        user=people["Ben"].user,
        end_reason="not_a_fit",
        details="Our schedules never fit.",
        feedback="Please match me with someone in my time zone.",
    )
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    assert partnership.ended_at is not None
    assert partnership.end_reason == "We are not a good fit"
    assert not PartnershipMember.objects.filter(partnership=partnership, active=True).exists()
    statuses = set(
        Membership.objects.filter(pk__in=[m.pk for m in people.values()]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {Membership.Status.READY}
    again = partnership_create_from_match(
        program=program, memberships=[people["Ana"], people["Ben"]]
    )
    assert again.seats.filter(active=True).count() == 2


def test_ending_needs_a_reason_from_the_list(pair):
    partnership, people = pair
    with pytest.raises(ValidationFailed) as exc:
        sl.partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="bored")
    assert exc.value.message == sl.MSG_END_REASON
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE


def test_an_ended_partnership_cannot_change_or_take_messages(pair):
    partnership, people = pair
    sl.partnership_end(partnership=partnership, user=people["Ana"].user, end_reason="program_over")
    for action in (
        lambda: sl.partnership_pause(partnership=partnership, user=people["Ben"].user),
        lambda: sl.rematch_request_create(partnership=partnership, user=people["Ben"].user),
        lambda: message_post(partnership=partnership, user=people["Ben"].user, body="Hi?"),
    ):
        with pytest.raises(Conflict) as exc:
            action()
        assert exc.value.message == sl.MSG_ENDED


def test_end_form_says_feedback_goes_to_the_coordinator_and_keeps_input_on_error(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.get(reverse("partnerships:life", args=[partnership.pk]))
    assert "Your program&#x27;s coordinators read this; your partners do not." in page.text
    response = client.post(
        reverse("partnerships:end", args=[partnership.pk]),
        {"end_reason": "", "details": "Moving abroad", "feedback": "Lovely program"},
    )
    assert response.status_code == 400
    assert "Choose why the partnership ends." in response.text
    assert "Moving abroad" in response.text and "Lovely program" in response.text


def test_partner_pauses_resumes_and_ends_through_the_page(client, pair):
    partnership, people = pair
    client.force_login(people["Ana"].user)
    page = client.post(
        reverse("partnerships:pause", args=[partnership.pk]), {"reason": ""}, follow=True
    )
    assert "The partnership is paused." in page.text
    assert "Resume the partnership" in page.text
    page = client.post(reverse("partnerships:resume", args=[partnership.pk]), follow=True)
    assert "The partnership is running again." in page.text
    page = client.post(
        reverse("partnerships:end", args=[partnership.pk]),
        {"end_reason": "goals_reached"},
        follow=True,
    )
    assert "The partnership has ended." in page.text
    assert "End the partnership" not in page.text


def test_a_partner_asks_once_and_the_coordinator_sees_who_and_when_without_content(
    client, pair, coordinator, program
):
    partnership, people = pair
    message_post(partnership=partnership, user=people["Ana"].user, body="SECRET-MESSAGE")
    client.force_login(people["Ben"].user)
    client.post(reverse("partnerships:rematch", args=[partnership.pk]))
    again = client.post(reverse("partnerships:rematch", args=[partnership.pk]))
    assert sl.MSG_REMATCH_OPEN in again.text
    assert RematchRequest.objects.count() == 1
    sl.partnership_end(
        partnership=partnership,
        user=people["Ben"].user,
        end_reason="other",
        details="SECRET-DETAILS",
        feedback="Needs a partner who skis.",
    )

    client.force_login(coordinator)
    queue = client.get(reverse("partnerships:rematch_queue", args=[program.slug]))
    assert queue.status_code == 200
    assert "Ben" in queue.text and "Mark handled" in queue.text
    assert "Needs a partner who skis." in queue.text
    assert "SECRET-MESSAGE" not in queue.text
    assert "SECRET-DETAILS" not in queue.text

    request_row = RematchRequest.objects.get()
    page = client.post(
        reverse("partnerships:rematch_handle", args=[program.slug, request_row.pk]), follow=True
    )
    assert "Marked handled." in page.text
    request_row.refresh_from_db()
    assert request_row.handled_by == coordinator


@pytest.mark.parametrize("role", ["member", *ROLES])
def test_only_the_programs_coordinators_see_the_queue(client, pair, program, role):
    partnership, people = pair
    sl.rematch_request_create(partnership=partnership, user=people["Ana"].user)
    users = outsiders(ProgramFactory()) | {"member": people["Ben"].user}
    if role == "member_same_program":
        users[role] = people["Ben"].user
    user = users[role]
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("partnerships:rematch_queue", args=[program.slug])).status_code == 404
    handle = reverse(
        "partnerships:rematch_handle", args=[program.slug, RematchRequest.objects.get().pk]
    )
    assert client.post(handle).status_code == 404
    assert RematchRequest.objects.get().handled_at is None


@pytest.mark.parametrize("role", ROLES)
def test_only_partners_can_pause_end_or_ask(client, pair, program, role):
    partnership, _ = pair
    user = outsiders(program)[role]
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("partnerships:life", args=[partnership.pk])).status_code == 404
    assert (
        client.get(reverse("partnerships:life_summary", args=[partnership.pk])).status_code == 404
    )
    for name in ("pause", "resume", "rematch"):
        assert (
            client.post(reverse(f"partnerships:{name}", args=[partnership.pk])).status_code == 404
        )
    end = client.post(reverse("partnerships:end", args=[partnership.pk]), {"end_reason": "other"})
    assert end.status_code == 404
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE
    assert not PartnershipEvent.objects.exists() and not RematchRequest.objects.exists()


def test_queue_queries_do_not_grow_with_requests(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("partnerships:rematch_queue", args=[program.slug])

    def add(k):
        partnership, people = partnership_of(program, f"A{k}", f"B{k}")
        sl.rematch_request_create(partnership=partnership, user=people[f"A{k}"].user)
        sl.partnership_end(partnership=partnership, user=people[f"B{k}"].user, end_reason="no_time")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        return len(ctx.captured_queries), page.text.count("Mark handled")

    add(0)
    small, shown = count()
    assert shown == 1
    for k in range(1, 6):
        add(k)
    assert count() == (small, 6)
