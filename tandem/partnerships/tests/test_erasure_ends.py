"""Erasing an account ends the person's live partnerships as a partner leaving does: the
meetings still to come are cancelled and the other partners get the ending email with the
calendar's cancellation, naming the person by their pseudonym; the erased address gets none."""

import pytest
from django.core.management import call_command
from icalendar import Calendar

from tandem.meetings.models import Meeting, MeetingSeries
from tandem.meetings.tests.factories import partnership_make, series_agreed
from tandem.partnerships.models import Partnership, PartnershipEvent
from tandem.privacy import services as privacy
from tandem.programs.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough password 42"


def test_erasing_my_account_ends_my_partnership_and_cancels_our_meetings(mailoutbox):
    partnership, (ana, ben) = partnership_make(
        people=[("Ana", "Europe/Madrid"), ("Ben", "Europe/London")]
    )
    series = series_agreed(partnership, ana, ben)
    user = ana.membership.user
    user.set_password(PASSWORD)
    user.save()
    ana_email = user.email
    call_command("db_worker", "--batch", "--no-startup-delay")
    mailoutbox.clear()

    pseudonym = privacy.account_erase(user=user, password=PASSWORD)
    call_command("db_worker", "--batch", "--no-startup-delay")

    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    event = partnership.events.get(kind=PartnershipEvent.Kind.ENDED)
    assert (event.end_reason, event.actor_id, event.reason) == ("left", ana.pk, "")
    assert not Meeting.objects.filter(partnership=partnership, status="scheduled").exists()
    assert MeetingSeries.objects.get(pk=series.pk).status == MeetingSeries.Status.ENDED
    ben.membership.refresh_from_db()
    assert ben.membership.status == Membership.Status.READY

    # Only Ben is told, by the pseudonym, and his calendar drops the standing meeting.
    assert [m.to for m in mailoutbox] == [[ben.membership.user.email]]
    mail = mailoutbox[0]
    assert pseudonym in mail.body and "Ana" not in mail.body and ana_email not in mail.body
    part = next(p for p in mail.message().walk() if p.get_content_type() == "text/calendar")
    cancel = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert part.get_param("method") == "CANCEL"
    attendees = cancel.get("ATTENDEE")  # one attendee comes alone, several as a list
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{ben.membership.user.email}"]
