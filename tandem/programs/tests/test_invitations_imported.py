"""Imported members (accounts without a password) get a set-up invitation and join with it."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.accounts.models import User
from tandem.accounts.tests.factories import EmailAddressFactory
from tandem.core import clock
from tandem.core.errors import Conflict
from tandem.interchange.members_csv import HEADERS
from tandem.programs.forms.invitations import PASSWORDS_DIFFER
from tandem.programs.models import Invitation, Membership
from tandem.programs.services.invitations import (
    ACCOUNT_SETUP_RESEND_DONE_ALREADY,
    ACCOUNT_SETUP_RESEND_TOO_SOON,
    INVITATION_EXPIRED,
    INVITATION_SETUP_ALREADY_DONE,
    invitation_account_setup_accept,
    invitation_account_setup_resend,
    invitation_account_setup_send,
)
from tandem.programs.services.member_import import member_import_apply
from tandem.programs.tasks import invitation_account_setup_email_send
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
)
from tandem.programs.views.invitations import (
    ACCOUNT_SETUP_DONE,
    ACCOUNT_SETUP_RESENT,
    ACCOUNT_SETUP_SENT,
)

pytestmark = pytest.mark.django_db

ANA = "ana@example.org,Ana Ruiz,she/her,Europe/Madrid,Wed 18:00-20:00,Spanish,skiing,,mid,,,,video,"
BEN = "ben@example.org,Ben Okafor,,America/New_York,,,Spanish,,early,,,,phone,"


def import_members(program, actor, *rows: str) -> None:
    data = ("\n".join([",".join(HEADERS), *rows]) + "\n").encode()
    member_import_apply(program=program, actor=actor, data=data)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def setup_link(message) -> str:
    match = re.search(r"https?://\S+/p/invitation/\S+/", message.body)
    assert match, message.body
    return match.group(0)


@pytest.fixture
def coordinator(frozen_clock):
    coordinator = CoordinatorFactory(program=ProgramFactory(name="Spanish for skiers"))
    import_members(coordinator.program, coordinator.user, ANA, BEN)
    return coordinator


@pytest.fixture
def invitation(coordinator, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_account_setup_send(program=coordinator.program, invited_by=coordinator.user)
    return Invitation.objects.get(email="ana@example.org")


@pytest.mark.django_db(transaction=True)
def test_setup_invitations_go_once_to_each_member_without_a_password(coordinator, settings):
    settings.SITE_URL = "https://tandem.example.org"
    has_password = MembershipFactory(program=coordinator.program)
    result = invitation_account_setup_send(program=coordinator.program, invited_by=coordinator.user)
    assert result.sent == ("ana@example.org", "ben@example.org")
    assert mail.outbox == []  # queued for the worker, not sent inline
    invitation_account_setup_email_send.enqueue(
        invitation_id=Invitation.objects.get(email="ana@example.org").pk
    )  # a duplicate enqueue
    run_worker()
    run_worker()  # a second run finds nothing left to send

    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]
    message = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert message.subject == "Set up your Tandem account for Spanish for skiers"
    invitation = Invitation.objects.get(email="ana@example.org")
    assert f"https://tandem.example.org{invitation.get_absolute_url()}" in message.body
    assert invitation.sent_at == clock.now()
    assert not Invitation.objects.filter(email=has_password.user.email).exists()
    assert not Invitation.objects.filter(email=coordinator.user.email).exists()

    # Sending again while the links are valid sends nothing more.
    again = invitation_account_setup_send(program=coordinator.program, invited_by=coordinator.user)
    run_worker()
    assert again.sent == ()
    assert again.already_on_the_way == ("ana@example.org", "ben@example.org")
    assert len(mail.outbox) == 2


def test_an_expired_setup_invitation_is_sent_again_with_the_same_link(
    invitation, coordinator, django_capture_on_commit_callbacks
):
    clock.advance(timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        result = invitation_account_setup_send(
            program=coordinator.program, invited_by=coordinator.user
        )
    assert result.sent == ("ana@example.org", "ben@example.org")
    assert Invitation.objects.filter(program=coordinator.program).count() == 2
    ana = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    assert len(ana) == 2
    assert setup_link(ana[0]) == setup_link(ana[1])
    invitation.refresh_from_db()
    assert invitation.expires_at == clock.now() + timedelta(days=30)


def test_imported_member_sets_a_password_on_the_existing_account_and_reviews_the_intake(
    client, invitation
):
    ana = User.objects.get(email="ana@example.org")
    users_before = User.objects.count()
    landing = client.get(invitation.get_absolute_url())
    setup_url = reverse("programs:invitation_setup", args=[invitation.token])
    assert landing.status_code == 302 and landing.url == setup_url
    page = client.get(setup_url)
    assert "Set up your account" in page.text and "ana@example.org" in page.text
    assert "Create your account" not in page.text

    wrong = client.post(setup_url, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert wrong.status_code == 400
    assert escape(PASSWORDS_DIFFER) in wrong.text
    short = client.post(setup_url, {"password1": "abc", "password2": "abc"})
    assert short.status_code == 400
    assert "This password is too short" in short.text
    assert not User.objects.get(pk=ana.pk).has_usable_password()

    response = client.post(setup_url, {"password1": PASSWORD, "password2": PASSWORD})
    intake_url = reverse("programs:intake", kwargs={"slug": invitation.program.slug})
    assert response.status_code == 302 and response.url == intake_url
    assert User.objects.count() == users_before  # no second account
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=ana, email="ana@example.org").verified
    assert auth.get_user(client).pk == ana.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at == clock.now()
    membership = Membership.objects.get(user=ana, program=invitation.program)
    assert membership.status == Membership.Status.READY  # the import's status is kept

    intake = client.get(intake_url)
    assert ACCOUNT_SETUP_DONE in intake.text
    assert 'value="Ana Ruiz"' in intake.text
    assert "Spanish" in intake.text
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', intake.text)
    assert consent and "checked" not in consent.group(0)


def test_a_setup_link_for_an_account_with_a_password_leads_to_the_normal_sign_in(
    client, invitation
):
    ana = User.objects.get(email="ana@example.org")
    # As "forgot password" leaves it, before the set-up email is opened.
    ana.set_password(PASSWORD)
    ana.save()
    EmailAddressFactory(user=ana, email=ana.email, verified=True, primary=True)
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200
    assert "Sign in" in page.text and "Create your account" not in page.text
    setup_url = reverse("programs:invitation_setup", args=[invitation.token])
    assert client.get(setup_url).url == invitation.get_absolute_url()
    client.post(setup_url, {"password1": "new-" + PASSWORD, "password2": "new-" + PASSWORD})
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)
    with pytest.raises(Conflict) as error:
        invitation_account_setup_accept(token=invitation.token, password="another-password-1")
    assert error.value.message == INVITATION_SETUP_ALREADY_DONE

    signed_in = client.post(
        f"{reverse('account_login')}?next={invitation.get_absolute_url()}",
        {"login": "ana@example.org", "password": PASSWORD},
    )
    assert signed_in.url == invitation.get_absolute_url()
    joined = client.post(invitation.get_absolute_url())
    assert joined.url == reverse("programs:intake", kwargs={"slug": invitation.program.slug})
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_expired_setup_link_says_so_and_sets_no_password(client, invitation):
    clock.advance(timedelta(days=30))
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 410
    assert escape(INVITATION_EXPIRED) in page.text
    setup_url = reverse("programs:invitation_setup", args=[invitation.token])
    response = client.post(setup_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.url == invitation.get_absolute_url()
    assert not User.objects.get(email="ana@example.org").has_usable_password()
    assert auth.get_user(client).is_anonymous
    with pytest.raises(Conflict) as error:
        invitation_account_setup_accept(token=invitation.token, password=PASSWORD)
    assert error.value.message == INVITATION_EXPIRED


# The coordinator's page


def test_coordinator_sends_setup_invitations_from_the_account_setup_page(
    client, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    url = reverse("programs:invitation_account_setup", kwargs={"slug": coordinator.program.slug})
    client.force_login(coordinator.user)
    page = client.get(url)
    assert "Send 2 set-up invitations" in page.text
    assert "Ana Ruiz" in page.text and "ben@example.org" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert ACCOUNT_SETUP_SENT.format(count=2, noun="members") in response.text
    assert len(mail.outbox) == 2
    after = client.get(url)
    assert "Send 0 set-up invitations" in after.text
    assert "Sent 11 Jan 2027, valid until 10 Feb 2027" in after.text


def test_account_setup_page_is_404_for_members_and_other_coordinators(client, coordinator):
    url = reverse("programs:invitation_account_setup", kwargs={"slug": coordinator.program.slug})
    member = Membership.objects.get(user__email="ana@example.org")
    member.user.set_password(PASSWORD)
    member.user.save()
    for user in (member.user, CoordinatorFactory().user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Invitation.objects.exists()


def test_account_setup_page_queries_stay_constant_as_members_grow(client, coordinator):
    url = reverse("programs:invitation_account_setup", kwargs={"slug": coordinator.program.slug})
    client.force_login(coordinator.user)
    client.get(url)  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    rows = [f"m{n}@example.org,Member {n},,UTC,,,,,,,,,video," for n in range(12)]
    import_members(coordinator.program, coordinator.user, *rows)
    invitation_account_setup_send(program=coordinator.program, invited_by=coordinator.user)
    assert count() == few


# Send again, one member at a time


def resend_url(membership: Membership) -> str:
    return reverse(
        "programs:invitation_account_setup_resend",
        kwargs={"slug": membership.program.slug, "pk": membership.pk},
    )


@pytest.mark.django_db(transaction=True)
def test_send_again_emails_one_member_their_same_link_once_through_the_worker(
    client, coordinator, settings
):
    settings.SITE_URL = "https://tandem.example.org"
    invitation_account_setup_send(program=coordinator.program, invited_by=coordinator.user)
    run_worker()
    ana = Membership.objects.get(user__email="ana@example.org")
    first_link = setup_link(next(m for m in mail.outbox if m.to == ["ana@example.org"]))
    url = reverse("programs:invitation_account_setup", kwargs={"slug": coordinator.program.slug})
    client.force_login(coordinator.user)
    assert client.get(url).text.count(">Send again</button>") == 2
    mail.outbox.clear()
    clock.advance(timedelta(days=3))

    response = client.post(resend_url(ana), follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert ACCOUNT_SETUP_RESENT.format(email="ana@example.org") in response.text
    assert mail.outbox == []  # queued for the worker, not sent inline
    run_worker()
    run_worker()  # a second run finds nothing left to send
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]  # Ben gets nothing
    message = mail.outbox[0]
    assert message.subject == "Set up your Tandem account for Spanish for skiers"
    link = setup_link(message)
    assert link == first_link  # the earlier email's link keeps working too
    invitation = Invitation.objects.get(email="ana@example.org")
    assert invitation.sent_at == clock.now()
    assert invitation.expires_at == clock.now() + timedelta(days=30)

    # The link in the new email sets the password up.
    client.logout()
    path = link.removeprefix("https://tandem.example.org")
    setup_url = reverse("programs:invitation_setup", args=[invitation.token])
    assert client.get(path).url == setup_url
    done = client.post(setup_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.url == reverse("programs:intake", kwargs={"slug": coordinator.program.slug})
    assert User.objects.get(email="ana@example.org").check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_send_again_sends_one_email_and_says_when_to_try_again(
    client, coordinator
):
    ana = Membership.objects.get(user__email="ana@example.org")
    client.force_login(coordinator.user)

    first = client.post(resend_url(ana), follow=True)
    clock.advance(timedelta(minutes=3, seconds=30))
    second = client.post(resend_url(ana), follow=True)
    run_worker()

    assert ACCOUNT_SETUP_RESENT.format(email="ana@example.org") in first.text
    too_soon = ACCOUNT_SETUP_RESEND_TOO_SOON.format(
        email="ana@example.org", interval=10, wait=7, plural="s"
    )
    assert escape(too_soon) in second.text
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]

    clock.advance(timedelta(minutes=6, seconds=1))  # 59 seconds left
    with pytest.raises(Conflict) as error:
        invitation_account_setup_resend(membership=ana, invited_by=coordinator.user)
    assert error.value.message == ACCOUNT_SETUP_RESEND_TOO_SOON.format(
        email="ana@example.org", interval=10, wait=1, plural=""
    )
    clock.advance(timedelta(seconds=59))  # ten minutes after the first send
    third = client.post(resend_url(ana), follow=True)
    run_worker()
    assert ACCOUNT_SETUP_RESENT.format(email="ana@example.org") in third.text
    assert [m.to for m in mail.outbox] == [["ana@example.org"], ["ana@example.org"]]


def test_send_again_right_after_the_bulk_send_is_refused(
    invitation, coordinator, django_capture_on_commit_callbacks
):
    ana = Membership.objects.get(user__email="ana@example.org")
    with pytest.raises(Conflict) as error:
        invitation_account_setup_resend(membership=ana, invited_by=coordinator.user)
    assert error.value.message == ACCOUNT_SETUP_RESEND_TOO_SOON.format(
        email="ana@example.org", interval=10, wait=10, plural="s"
    )
    assert len([m for m in mail.outbox if m.to == ["ana@example.org"]]) == 1


def test_send_to_a_member_without_an_invitation_yet_creates_one(
    client, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    ben = Membership.objects.get(user__email="ben@example.org")
    url = reverse("programs:invitation_account_setup", kwargs={"slug": coordinator.program.slug})
    client.force_login(coordinator.user)
    assert client.get(url).text.count(">Send</button>") == 2

    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend_url(ben))

    invitation = Invitation.objects.get(program=coordinator.program)
    assert (invitation.email, invitation.invited_by) == ("ben@example.org", coordinator.user)
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    page = client.get(url).text
    assert page.count(">Send again</button>") == 1 and page.count(">Send</button>") == 1


def test_send_again_to_a_member_who_set_up_their_account_says_so(client, invitation, coordinator):
    ana = Membership.objects.get(user__email="ana@example.org")
    ana.user.set_password(PASSWORD)
    ana.user.save()
    clock.advance(timedelta(hours=1))
    client.force_login(coordinator.user)

    response = client.post(resend_url(ana), follow=True)

    expected = ACCOUNT_SETUP_RESEND_DONE_ALREADY.format(email="ana@example.org")
    assert escape(expected) in response.text
    invitation.refresh_from_db()
    assert invitation.expires_at == clock.now() - timedelta(hours=1) + timedelta(days=30)
    assert len(mail.outbox) == 2  # the two bulk emails only


def test_send_again_is_404_for_members_other_coordinators_and_other_programs(
    client, invitation, coordinator
):
    ana = Membership.objects.get(user__email="ana@example.org")
    member = MembershipFactory(program=coordinator.program)
    other = CoordinatorFactory()
    clock.advance(timedelta(hours=1))
    for user in (member.user, other.user):
        client.force_login(user)
        assert client.post(resend_url(ana)).status_code == 404
    # Another program's coordinator cannot reach the member through their own program.
    through_other = reverse(
        "programs:invitation_account_setup_resend",
        kwargs={"slug": other.program.slug, "pk": ana.pk},
    )
    assert client.post(through_other).status_code == 404
    # A coordinator of the program is not a member to send a set-up link to.
    client.force_login(coordinator.user)
    assert client.post(resend_url(coordinator)).status_code == 404
    assert client.get(resend_url(ana)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.sent_at == clock.now() - timedelta(hours=1)
    assert len(mail.outbox) == 2
