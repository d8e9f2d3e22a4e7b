import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.html import escape

from tandem.accounts.models import User
from tandem.core import clock
from tandem.core.errors import Conflict
from tandem.programs.models import Invitation, Membership, WaitlistEntry
from tandem.programs.services.invitations import (
    INVITATION_ALREADY_MEMBER,
    INVITATION_EXPIRED,
    INVITATION_USED,
    INVITATION_WRONG_ACCOUNT,
    invitation_accept,
    invitation_send,
)
from tandem.programs.services.waitlist import waitlist_confirm, waitlist_signup
from tandem.programs.tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.programs.views.invitations import PENDING_INVITATION_SESSION_KEY

pytestmark = pytest.mark.django_db


def test_invitation_send_creates_invitation_valid_30_days_and_emails_it(
    frozen_clock, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(
            program=coordinator.program,
            email=" Ada@Example.org ",
            role=Membership.Role.COORDINATOR,
            invited_by=coordinator.user,
        )
    assert invitation.email == "ada@example.org"
    assert invitation.expires_at == frozen_clock + timedelta(days=30)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.org"]
    assert coordinator.program.name in message.subject
    assert "as a coordinator" in message.subject
    assert invitation.get_absolute_url() in message.body
    assert message.alternatives[0].mimetype == "text/html"
    invitation.refresh_from_db()
    assert invitation.sent_at == frozen_clock


def test_invitation_send_twice_refreshes_the_one_open_invitation_and_resends(
    frozen_clock, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    program = coordinator.program
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_send(
            program=program, email="ada@example.org", role="member", invited_by=coordinator.user
        )
    clock.advance(timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        second = invitation_send(
            program=program, email="ADA@example.org", role="member", invited_by=coordinator.user
        )
    assert second.pk == first.pk
    assert second.token == first.token
    assert Invitation.objects.filter(program=program).count() == 1
    assert second.expires_at == frozen_clock + timedelta(days=40)
    assert len(mailoutbox) == 2


def test_invitation_send_refuses_someone_already_in_the_program_with_that_role():
    member = MembershipFactory(program=ProgramFactory())
    with pytest.raises(Conflict) as error:
        invitation_send(
            program=member.program, email=member.user.email, role="member", invited_by=None
        )
    assert error.value.message == INVITATION_ALREADY_MEMBER.format(email=member.user.email)


# Joining through the invitation page


@pytest.fixture
def invitation(frozen_clock):
    coordinator = CoordinatorFactory(program=ProgramFactory(name="Spanish for skiers"))
    entry = waitlist_confirm(
        entry=waitlist_signup(program=coordinator.program, email="ada@example.org")
    )
    return invitation_send(
        program=coordinator.program,
        email="ada@example.org",
        role=Membership.Role.MEMBER,
        invited_by=coordinator.user,
        waitlist_entry=entry,
    )


def test_signed_in_invitee_joins_and_lands_on_the_intake(client, invitation):
    user = UserFactory(email="ada@example.org")
    client.force_login(user)
    page = client.get(invitation.get_absolute_url())
    assert "Join Spanish for skiers" in page.text
    assert not Membership.objects.filter(user=user).exists()
    response = client.post(invitation.get_absolute_url())
    membership = Membership.objects.get(user=user, program=invitation.program)
    assert (membership.role, membership.status) == ("member", Membership.Status.INTAKE)
    assert response.status_code == 302
    assert response.url == reverse("programs:intake", kwargs={"slug": invitation.program.slug})
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert WaitlistEntry.objects.get(email="ada@example.org").status == WaitlistEntry.Status.JOINED


def test_coordinator_invitation_makes_a_coordinator_and_leads_to_management(client, frozen_clock):
    program = ProgramFactory()
    user = UserFactory(email="co@example.org")
    invitation = invitation_send(
        program=program, email=user.email, role=Membership.Role.COORDINATOR, invited_by=None
    )
    client.force_login(user)
    response = client.post(invitation.get_absolute_url())
    assert Membership.objects.get(user=user, program=program).is_coordinator
    assert response.url == reverse("programs:manage", kwargs={"slug": program.slug})


def test_visitor_creates_an_account_with_the_invited_address_and_joins(client, invitation):
    page = client.get(invitation.get_absolute_url())
    assert "Create your account" in page.text and "I already have an account" in page.text
    signup_url = reverse("programs:invitation_signup", args=[invitation.token])
    assert signup_url in page.text
    assert client.session[PENDING_INVITATION_SESSION_KEY] == invitation.token

    form = client.get(signup_url)
    assert re.search(r'<input[^>]*name="email"[^>]*value="ada@example.org"[^>]*disabled', form.text)
    response = client.post(
        signup_url,
        {"email": "mallory@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    # The typed address is ignored: the account gets the invited one, verified by the link.
    assert response.status_code == 302
    assert response.url == invitation.get_absolute_url()
    user = User.objects.get(email="ada@example.org")
    assert not User.objects.filter(email="mallory@example.org").exists()
    assert EmailAddress.objects.get(user=user, email="ada@example.org").verified
    assert "Join Spanish for skiers" in client.get(response.url).text
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(user=user, program=invitation.program).exists()


def test_visitor_with_an_account_signs_in_and_comes_back_to_the_invitation(client, invitation):
    UserFactory(email="ada@example.org")
    page = client.get(invitation.get_absolute_url())
    login_url = f"{reverse('account_login')}?{urlencode({'next': invitation.get_absolute_url()})}"
    assert login_url.replace("&", "&amp;") in page.text or login_url in page.text
    response = client.post(
        login_url, {"login": "ada@example.org", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert response.url == invitation.get_absolute_url()
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(
        user__email="ada@example.org", program=invitation.program
    ).exists()


def test_someone_signed_in_with_another_address_is_told_to_sign_out_first(client, invitation):
    client.force_login(UserFactory(email="bob@example.org"))
    page = client.get(invitation.get_absolute_url())
    assert escape(INVITATION_WRONG_ACCOUNT) in page.text
    assert "Sign out" in page.text
    client.post(invitation.get_absolute_url())
    assert not Membership.objects.filter(program=invitation.program, role="member").exists()
    with pytest.raises(Conflict) as error:
        invitation_accept(token=invitation.token, user=User.objects.get(email="bob@example.org"))
    assert error.value.message == INVITATION_WRONG_ACCOUNT


def test_expired_invitation_shows_a_clear_page(client, invitation):
    client.force_login(UserFactory(email="ada@example.org"))
    clock.advance(timedelta(days=30))
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 410
    assert escape(INVITATION_EXPIRED) in page.text
    assert client.post(invitation.get_absolute_url()).status_code == 410
    assert not Membership.objects.filter(user__email="ada@example.org").exists()
    signup = client.get(reverse("programs:invitation_signup", args=[invitation.token]))
    assert signup.url == invitation.get_absolute_url()


def test_used_invitation_shows_a_clear_page(client, invitation):
    user = UserFactory(email="ada@example.org")
    invitation_accept(token=invitation.token, user=user)
    client.force_login(user)
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 410
    assert escape(INVITATION_USED) in page.text


def test_unknown_invitation_link_is_404(client):
    assert client.get(reverse("programs:invitation", args=["nope"])).status_code == 404
