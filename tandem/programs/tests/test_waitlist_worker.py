"""The real worker: tasks enqueued through django-tasks-db, run by ``manage.py db_worker``."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tandem.programs.models import Invitation, Program
from tandem.programs.services.waitlist import (
    waitlist_confirm,
    waitlist_open_doors,
    waitlist_signup,
)
from tandem.programs.tasks import invitation_email_send
from tandem.programs.tests.factories import CoordinatorFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay")


def test_open_doors_emails_each_invitation_exactly_once_through_the_worker(settings, mailoutbox):
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.backend.DatabaseBackend"
    program = ProgramFactory(status=Program.Status.WAITLIST)
    coordinator = CoordinatorFactory(program=program).user
    entry = waitlist_signup(program=program, email="ada@example.org")
    assert mailoutbox == []  # queued, not sent inline
    run_worker()
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]  # the confirmation
    waitlist_confirm(entry=entry)
    mailoutbox.clear()

    assert waitlist_open_doors(program=program, actor=coordinator) == 1
    invitation = Invitation.objects.get(program=program)
    assert invitation.sent_at is None
    invitation_email_send.enqueue(invitation_id=invitation.pk)  # a duplicate enqueue
    run_worker()
    run_worker()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    assert invitation.get_absolute_url() in mailoutbox[0].body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3


def test_the_worker_emails_links_on_the_address_the_site_is_served_on(settings, mailoutbox):
    settings.SITE_URL = "http://127.0.0.1:8300"  # what `make worker PORT=8300` passes
    program = ProgramFactory(status=Program.Status.WAITLIST)
    coordinator = CoordinatorFactory(program=program).user
    waitlist_confirm(entry=waitlist_signup(program=program, email="ada@example.org"))
    waitlist_open_doors(program=program, actor=coordinator)
    run_worker()
    invitation = Invitation.objects.get(program=program)
    body = mailoutbox[-1].body
    assert f"http://127.0.0.1:8300{invitation.get_absolute_url()}" in body
    assert "127.0.0.1:8000" not in body
