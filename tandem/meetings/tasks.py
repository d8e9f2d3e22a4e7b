"""Background tasks of the meetings app, run by the django-tasks-db worker (``make worker``)."""

from django.tasks import task

from tandem.meetings import emails


@task()
def meeting_email_send(*, meeting_id: int, seat_id: int, kind: str) -> bool:
    """Send one reminder or clock-change notice, at most once per (meeting, partner, kind)."""
    return emails.delivery_send(meeting_id=meeting_id, seat_id=seat_id, kind=kind)


@task()
def schedule_notice_send(*, kind: str, subject_id: int, seat_id: int) -> bool:
    """Tell one partner about a proposal, an agreement or a cancellation, at most once."""
    return emails.schedule_notice_send(kind=kind, subject_id=subject_id, seat_id=seat_id)
