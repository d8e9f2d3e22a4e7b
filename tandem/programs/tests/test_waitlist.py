import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.programs.forms.waitlist import WAITLIST_EMAIL_REQUIRED
from tandem.programs.models import Invitation, Program, WaitlistEntry
from tandem.programs.services.waitlist import (
    WAITLIST_DOORS_CANNOT_OPEN,
    WAITLIST_EMAIL_INVALID,
    WAITLIST_NOBODY_TO_INVITE,
    WAITLIST_NOT_OPEN,
    WAITLIST_SIGNUP_ANSWER,
    WAITLIST_SIGNUPS_PER_MINUTE,
    WAITLIST_TOO_MANY_SIGNUPS,
    waitlist_confirm,
    waitlist_open_doors,
    waitlist_signup,
    waitlist_unsubscribe,
)
from tandem.programs.tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program():
    return ProgramFactory(name="Spanish for skiers", status=Program.Status.WAITLIST)


@pytest.fixture
def coordinator(program):
    return CoordinatorFactory(program=program).user


def sign_up(client, program, email, **headers):
    return client.post(
        reverse("programs:waitlist_signup", args=[program.slug]), {"email": email}, **headers
    )


def confirmed_entry(program, email):
    return waitlist_confirm(entry=waitlist_signup(program=program, email=email))


# Sign-up and double opt-in


def test_signup_leaves_entry_pending_and_emails_a_confirm_link_with_unsubscribe(
    client, program, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, program, "Ada@Example.org")
    assert response.status_code == 200
    assert WAITLIST_SIGNUP_ANSWER in response.text
    entry = WaitlistEntry.objects.get(program=program)
    assert entry.email == "ada@example.org"
    assert entry.status == WaitlistEntry.Status.PENDING
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.org"]
    assert "Spanish for skiers" in message.subject
    confirm_url = reverse("programs:waitlist_confirm", args=[entry.confirm_token])
    unsubscribe_url = reverse("programs:waitlist_unsubscribe", args=[entry.unsubscribe_token])
    assert f"http://testserver{confirm_url}" not in message.body  # links use SITE_URL
    assert confirm_url in message.body
    assert unsubscribe_url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert unsubscribe_url in html
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe_url}>")
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirm_link_asks_for_a_click_then_confirms_and_thanks(client, program, frozen_clock):
    entry = waitlist_signup(program=program, email="ada@example.org")
    url = reverse("programs:waitlist_confirm", args=[entry.confirm_token])
    page = client.get(url)
    assert "Confirm my place" in page.text
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.PENDING  # a link scanner's GET confirms nothing
    thanks = client.post(url)
    assert "Thank you, you are on the waitlist" in thanks.text
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CONFIRMED
    assert entry.confirmed_at == frozen_clock


def test_unknown_confirm_link_is_404(client):
    assert client.get(reverse("programs:waitlist_confirm", args=["nope"])).status_code == 404


def test_signing_up_twice_keeps_one_entry_and_answers_the_same(client, program):
    first = sign_up(client, program, "ada@example.org", HTTP_HX_REQUEST="true")
    again = sign_up(client, program, "ADA@example.org ", HTTP_HX_REQUEST="true")
    stranger = sign_up(client, program, "bob@example.org", HTTP_HX_REQUEST="true")
    assert WaitlistEntry.objects.filter(program=program, email="ada@example.org").count() == 1
    assert first.status_code == again.status_code == stranger.status_code == 200
    assert first.text == again.text == stranger.text
    assert WAITLIST_SIGNUP_ANSWER in again.text


def test_confirmed_address_signing_up_again_answers_the_same_and_gets_no_email(
    client, program, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_entry(program, "ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, program, "ada@example.org")
    assert WAITLIST_SIGNUP_ANSWER in response.text
    assert mailoutbox == []
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.CONFIRMED


def test_pending_address_gets_the_confirmation_again_at_most_once_per_ten_minutes(
    program, frozen_clock, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    for minutes in [0, 1, 9, 10, 15, 20]:
        at = frozen_clock + timedelta(minutes=minutes)
        with clock.frozen(at), django_capture_on_commit_callbacks(execute=True):
            waitlist_signup(program=program, email="ada@example.org")
    # Sent at 0, 10 and 20 minutes; 1, 9 and 15 fall within ten minutes of a send.
    assert len(mailoutbox) == 3
    assert WaitlistEntry.objects.count() == 1


def test_htmx_signup_swaps_in_the_answer_fragment(client, program):
    response = sign_up(client, program, "ada@example.org", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="waitlist-signup"' in response.text
    assert WAITLIST_SIGNUP_ANSWER in response.text


def test_plain_post_gets_a_full_page_answer(client, program):
    response = sign_up(client, program, "ada@example.org")
    assert "<html" in response.text
    assert WAITLIST_SIGNUP_ANSWER in response.text


def test_bad_email_keeps_what_was_typed_and_says_what_to_fix(client, program):
    response = sign_up(client, program, "ada@example")
    assert response.status_code == 400
    assert WAITLIST_EMAIL_INVALID in response.text
    assert 'value="ada@example"' in response.text
    assert not WaitlistEntry.objects.exists()
    empty = sign_up(client, program, "", HTTP_HX_REQUEST="true")
    assert empty.status_code == 200  # htmx only swaps 2xx answers
    assert WAITLIST_EMAIL_REQUIRED in empty.text


def test_public_page_offers_the_waitlist_form_while_on_waitlist_or_intake(client, program):
    page = client.get(program.get_absolute_url())
    assert "Tell me when the doors open" in page.text
    assert reverse("programs:waitlist_signup", args=[program.slug]) in page.text
    running = ProgramFactory(status=Program.Status.RUNNING)
    assert "Tell me when the doors open" not in client.get(running.get_absolute_url()).text


def test_public_page_writes_key_dates_like_every_other_page(client):
    program = ProgramFactory(
        status=Program.Status.WAITLIST, kickoff_on=date(2027, 2, 3), ends_on=date(2027, 6, 30)
    )
    text = client.get(program.get_absolute_url()).text
    assert "<dt>Kick-off</dt><dd>3 February 2027</dd>" in text
    assert "<dt>End</dt><dd>30 June 2027</dd>" in text


def test_signup_refused_when_the_program_takes_no_signups(client):
    running = ProgramFactory(status=Program.Status.RUNNING)
    with pytest.raises(ValidationFailed) as error:
        waitlist_signup(program=running, email="ada@example.org")
    assert error.value.message == WAITLIST_NOT_OPEN
    response = sign_up(client, running, "ada@example.org")
    assert response.status_code == 400
    assert WAITLIST_NOT_OPEN in response.text
    draft = ProgramFactory(status=Program.Status.DRAFT)
    assert sign_up(client, draft, "ada@example.org").status_code == 404
    assert not WaitlistEntry.objects.exists()


def test_too_many_signups_from_one_address_are_refused_with_429(client, program):
    for n in range(WAITLIST_SIGNUPS_PER_MINUTE):
        assert sign_up(client, program, f"p{n}@example.org").status_code == 200
    response = sign_up(client, program, "late@example.org")
    assert response.status_code == 429
    assert WAITLIST_TOO_MANY_SIGNUPS in response.text
    assert not WaitlistEntry.objects.filter(email="late@example.org").exists()


# Unsubscribe


def test_unsubscribe_link_shows_a_button_and_the_post_unsubscribes(client, program):
    entry = confirmed_entry(program, "ada@example.org")
    url = reverse("programs:waitlist_unsubscribe", args=[entry.unsubscribe_token])
    page = client.get(url)
    assert "<button" in page.text and "Unsubscribe" in page.text
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CONFIRMED
    done = client.post(url)
    assert "You are unsubscribed" in done.text
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.UNSUBSCRIBED


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(program):
    entry = waitlist_signup(program=program, email="ada@example.org")
    client = Client(enforce_csrf_checks=True)
    url = reverse("programs:waitlist_unsubscribe", args=[entry.unsubscribe_token])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.UNSUBSCRIBED


def test_unsubscribed_address_is_never_invited(program, coordinator):
    entry = confirmed_entry(program, "ada@example.org")
    waitlist_unsubscribe(entry=entry)
    with pytest.raises(Conflict) as error:
        waitlist_open_doors(program=program, actor=coordinator)
    assert error.value.message == WAITLIST_NOBODY_TO_INVITE
    assert not Invitation.objects.exists()
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.UNSUBSCRIBED


# Opening the doors


def test_open_doors_invites_confirmed_entries_only_and_opens_the_intake(
    program,
    coordinator,
    frozen_clock,
    immediate_tasks,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    ada = confirmed_entry(program, "ada@example.org")
    bob = confirmed_entry(program, "bob@example.org")
    pending = waitlist_signup(program=program, email="pending@example.org")
    gone = waitlist_unsubscribe(entry=confirmed_entry(program, "gone@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        invited = waitlist_open_doors(program=program, actor=coordinator)
    assert invited == 2
    invitations = Invitation.objects.filter(program=program).order_by("email")
    assert [(i.email, i.role, i.waitlist_entry_id) for i in invitations] == [
        ("ada@example.org", "member", ada.pk),
        ("bob@example.org", "member", bob.pk),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.org", "bob@example.org"]
    for message in mailoutbox:
        entry = ada if message.to == ["ada@example.org"] else bob
        unsubscribe = reverse("programs:waitlist_unsubscribe", args=[entry.unsubscribe_token])
        assert unsubscribe in message.body
        assert "List-Unsubscribe" in message.extra_headers
        assert Invitation.objects.get(email=entry.email).get_absolute_url() in message.body
    ada.refresh_from_db()
    assert (ada.status, ada.invited_at) == (WaitlistEntry.Status.INVITED, frozen_clock)
    pending.refresh_from_db()
    gone.refresh_from_db()
    assert pending.status == WaitlistEntry.Status.PENDING
    assert gone.status == WaitlistEntry.Status.UNSUBSCRIBED
    program.refresh_from_db()
    assert program.status == Program.Status.INTAKE_OPEN
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOORS_OPENED)
    assert event.program == program
    assert event.actor == coordinator
    assert event.after == {"status": "intake_open", "invited": 2}


def test_opening_the_doors_again_invites_only_the_newly_confirmed(program, coordinator):
    confirmed_entry(program, "ada@example.org")
    assert waitlist_open_doors(program=program, actor=coordinator) == 1
    confirmed_entry(program, "bob@example.org")
    assert waitlist_open_doors(program=program, actor=coordinator) == 1
    with pytest.raises(Conflict):
        waitlist_open_doors(program=program, actor=coordinator)
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ada@example.org",
        "bob@example.org",
    ]


def test_confirmed_address_that_already_takes_part_is_marked_joined_not_invited(
    program, coordinator
):
    member = MembershipFactory(program=program, user=UserFactory(email="ada@example.org"))
    entry = confirmed_entry(program, member.user.email)
    assert waitlist_open_doors(program=program, actor=coordinator) == 0
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.JOINED
    assert not Invitation.objects.exists()


def test_a_running_program_cannot_open_its_doors(coordinator, program):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.RUNNING)
    program.refresh_from_db()
    with pytest.raises(Conflict) as error:
        waitlist_open_doors(program=program, actor=coordinator)
    assert error.value.message == WAITLIST_DOORS_CANNOT_OPEN


# The coordinator's page


def test_manage_page_lists_entries_with_status_dates_and_counts(client, program, coordinator):
    confirmed_entry(program, "ada@example.org")
    waitlist_signup(program=program, email="bob@example.org")
    client.force_login(coordinator)
    page = client.get(reverse("programs:waitlist_manage", args=[program.slug]))
    assert page.status_code == 200
    assert "ada@example.org" in page.text and "bob@example.org" in page.text
    assert "Awaiting confirmation" in page.text and "Confirmed" in page.text
    assert '<dd data-count="total">2</dd>' in page.text
    assert '<dd data-count="confirmed">1</dd>' in page.text
    assert '<dd data-count="pending">1</dd>' in page.text
    assert "Open the doors" in page.text


@pytest.mark.parametrize("who", ["anonymous", "member", "other_coordinator"])
def test_manage_page_and_open_doors_are_404_for_anyone_but_its_coordinators(client, program, who):
    confirmed_entry(program, "ada@example.org")
    if who == "member":
        client.force_login(MembershipFactory(program=program).user)
    elif who == "other_coordinator":
        client.force_login(CoordinatorFactory().user)
    manage = reverse("programs:waitlist_manage", args=[program.slug])
    assert client.get(manage).status_code == 404
    open_doors = reverse("programs:waitlist_open_doors", args=[program.slug])
    assert client.post(open_doors).status_code == 404
    assert not Invitation.objects.exists()


def test_open_the_doors_is_disabled_and_says_why_when_nobody_is_waiting(
    client, program, coordinator
):
    waitlist_signup(program=program, email="pending@example.org")
    client.force_login(coordinator)
    page = client.get(reverse("programs:waitlist_manage", args=[program.slug]))
    assert re.search(r"<button[^>]*disabled[^>]*>Open the doors</button>", page.text)
    assert WAITLIST_NOBODY_TO_INVITE.replace("'", "&#x27;") in page.text
    response = client.post(
        reverse("programs:waitlist_open_doors", args=[program.slug]), follow=True
    )
    assert WAITLIST_NOBODY_TO_INVITE.replace("'", "&#x27;") in response.text
    program.refresh_from_db()
    assert program.status == Program.Status.WAITLIST
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOORS_OPENED).exists()


def test_open_the_doors_is_enabled_when_someone_confirmed_is_waiting(client, program, coordinator):
    confirmed_entry(program, "ada@example.org")
    client.force_login(coordinator)
    page = client.get(reverse("programs:waitlist_manage", args=[program.slug]))
    assert re.search(r"<button type=\"submit\">Open the doors</button>", page.text)
    assert "Invites the 1 confirmed person not yet invited" in page.text


def test_open_the_doors_button_invites_and_says_how_many(client, program, coordinator):
    confirmed_entry(program, "ada@example.org")
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:waitlist_open_doors", args=[program.slug]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "programs:waitlist_manage", args=[program.slug]
    )
    assert "The doors are open: 1 invitation is on the way." in response.text
    assert Invitation.objects.filter(email="ada@example.org").exists()


def test_manage_page_query_count_does_not_grow_with_entries(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("programs:waitlist_manage", args=[program.slug])
    confirmed_entry(program, "first@example.org")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(30):
        waitlist_signup(program=program, email=f"p{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        assert "p29@example.org" in client.get(url).text
    assert len(many) == len(few)
