from datetime import timedelta

import pytest

from tandem.core import clock
from tandem.core.errors import Conflict
from tandem.programs.models import Invitation, Membership
from tandem.programs.services.invitations import INVITATION_ALREADY_MEMBER, invitation_send
from tandem.programs.tests.factories import CoordinatorFactory, MembershipFactory, ProgramFactory

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
