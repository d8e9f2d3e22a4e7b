"""Writes for announcements and intake reminders (each audited; emails go through the worker).

The services queue their emails after the commit through the ``enqueue`` callable the caller
hands in (the tasks module's), so this module never imports its own tasks.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tandem.announcements import selectors
from tandem.announcements.models import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Announcement,
    AnnouncementDelivery,
    AnnouncementOptOut,
    IntakeReminder,
)
from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.core.nudges import iso_week, nudge_is_too_soon
from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import MemberStatus

MSG_SUBJECT_REQUIRED = _("Write a subject: it is the first thing people see in their inbox.")
MSG_SUBJECT_TOO_LONG = _("Keep the subject under {limit} characters (it has {count}).")
MSG_BODY_REQUIRED = _("Write the message: the email needs a body.")
MSG_BODY_TOO_LONG = _("Keep the message under {limit} characters (it has {count}).")
# Plain text marked for translation (the dashboard's form and tests compare it as text): the
# domain error puts it into the reader's language when raised.
MSG_STATUS_UNKNOWN = gettext_noop("Choose a member status from the list, or everyone.")
MSG_STATE_UNKNOWN = _("Choose a partnership state from the list, or everyone.")
MSG_NOBODY = _(
    "Nobody would get this announcement: no member is in this segment, or all of them opted "
    "out. Choose another segment."
)
MSG_NO_INTAKE_LEFT = _("Every member has finished their intake: there is nobody to remind.")
MSG_ALL_REMINDED = _(
    "Everyone with an unfinished intake was reminded in the last week already; "
    "you can remind them again seven days after the last reminder."
)
MSG_ALL_OPTED_OUT = _(
    "Everyone with an unfinished intake opted out of emails from this program: "
    "there is nobody to remind."
)

Enqueue = Callable[[int], Any]


def announcement_validate(
    *, subject: str, body: str, member_status: str = "", partnership_state: str = ""
) -> list[ValidationFailed]:
    """Return every problem with an announcement at once (empty when it can be sent)."""
    problems = []
    subject, body = subject.strip(), body.strip()
    if not subject:
        problems.append(ValidationFailed(MSG_SUBJECT_REQUIRED, field="subject"))
    elif len(subject) > SUBJECT_MAX_LENGTH:
        problems.append(
            ValidationFailed(
                MSG_SUBJECT_TOO_LONG.format(limit=SUBJECT_MAX_LENGTH, count=len(subject)),
                field="subject",
            )
        )
    if not body:
        problems.append(ValidationFailed(MSG_BODY_REQUIRED, field="body"))
    elif len(body) > BODY_MAX_LENGTH:
        problems.append(
            ValidationFailed(
                MSG_BODY_TOO_LONG.format(limit=BODY_MAX_LENGTH, count=len(body)), field="body"
            )
        )
    statuses = set(MemberStatus.values) - {MemberStatus.LEFT}
    if member_status and member_status not in statuses:
        problems.append(ValidationFailed(MSG_STATUS_UNKNOWN, field="member_status"))
    if partnership_state and partnership_state not in Announcement.PartnershipState.values:
        problems.append(ValidationFailed(MSG_STATE_UNKNOWN, field="partnership_state"))
    return problems


@transaction.atomic
def announcement_send(
    *,
    program: Program,
    author: Any,
    subject: str,
    body: str,
    enqueue: Enqueue,
    member_status: str = "",
    partnership_state: str = "",
) -> Announcement:
    """Record an announcement with one delivery per recipient; queue each email after commit.

    Opted-out members get no delivery and are counted. Raises the first ValidationFailed of
    :func:`announcement_validate` (views show them all before calling) and Conflict when the
    segment reaches nobody.
    """
    problems = announcement_validate(
        subject=subject,
        body=body,
        member_status=member_status,
        partnership_state=partnership_state,
    )
    if problems:
        raise problems[0]
    audience = list(
        selectors.announcement_audience(
            program=program, member_status=member_status, partnership_state=partnership_state
        )
    )
    recipients = [m for m in audience if not getattr(m, "opted_out", False)]
    if not recipients:
        raise Conflict(MSG_NOBODY)
    announcement = Announcement.objects.create(
        program=program,
        author=author if getattr(author, "pk", None) else None,
        subject=subject.strip(),
        body=body.strip(),
        member_status=member_status,
        partnership_state=partnership_state,
        sent_at=clock.now(),
        recipient_count=len(recipients),
        opted_out_count=len(audience) - len(recipients),
    )
    deliveries = AnnouncementDelivery.objects.bulk_create(
        [AnnouncementDelivery(announcement=announcement, membership=m) for m in recipients]
    )
    ids = [d.pk for d in deliveries]
    if None in ids:  # databases that do not return ids from a bulk insert
        ids = list(announcement.deliveries.values_list("pk", flat=True))
    audit_record(
        action=AuditEvent.Action.ANNOUNCEMENT_SENT,
        actor=author,
        subject_label=announcement.subject[:254],
        program=program,
        after={
            "announcement": announcement.pk,
            "member_status": member_status,
            "partnership_state": partnership_state,
            "recipients": announcement.recipient_count,
            "opted_out": announcement.opted_out_count,
        },
    )
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    event_emit(
        EventType.ANNOUNCEMENT_SENT,
        program_id=program.pk,
        key=str(announcement.pk),
        data={
            "announcement_id": announcement.pk,
            "subject": announcement.subject,
            "recipients": announcement.recipient_count,
        },
    )
    return announcement


@transaction.atomic
def announcement_opt_out(*, membership: Membership) -> AnnouncementOptOut:
    """Stop announcements (and intake reminders) to the member; doing it twice changes nothing."""
    opt_out, _ = AnnouncementOptOut.objects.get_or_create(
        membership=membership, defaults={"opted_out_at": clock.now()}
    )
    return opt_out


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    skipped: int  # reminded in the last week
    opted_out: int


@transaction.atomic
def intake_reminder_send(
    *, program: Program, actor: Any, enqueue: Enqueue, raise_when_none: bool = True
) -> ReminderResult:
    """Remind every member whose intake is unfinished, at most once a week each.

    One ``IntakeReminder`` row per membership and ISO week (unique), and seven days between
    two reminders. Opted-out members are skipped and counted. ``actor`` None is the schedule.
    With ``raise_when_none``, Conflict tells the coordinator why nobody was reminded.
    """
    now = clock.now()
    members = list(selectors.intake_unfinished(program=program))
    if not members and raise_when_none:
        raise Conflict(MSG_NO_INTAKE_LEFT)
    last = selectors.intake_reminder_last_sent(membership_ids=[m.pk for m in members])
    sent: list[int] = []
    skipped = opted_out = 0
    for membership in members:
        if getattr(membership, "opted_out", False):
            opted_out += 1
            continue
        if nudge_is_too_soon(last.get(membership.pk), now=now):
            skipped += 1
            continue
        try:
            with transaction.atomic():
                reminder = IntakeReminder.objects.create(
                    membership=membership,
                    sent_by=actor if getattr(actor, "pk", None) else None,
                    week=iso_week(now),
                    sent_at=now,
                )
        except IntegrityError:  # a second press (or the schedule) got there first
            skipped += 1
            continue
        sent.append(reminder.pk)
    if not sent and members and raise_when_none:
        raise Conflict(MSG_ALL_REMINDED if skipped else MSG_ALL_OPTED_OUT)
    if sent:
        audit_record(
            action=AuditEvent.Action.INTAKE_REMINDED,
            actor=actor,
            subject_label=program.name,
            program=program,
            after={"sent": len(sent), "skipped": skipped, "opted_out": opted_out},
        )
        transaction.on_commit(lambda: [enqueue(pk) for pk in sent])
    return ReminderResult(sent=len(sent), skipped=skipped, opted_out=opted_out)


def intake_reminder_send_due(*, enqueue: Enqueue) -> int:
    """Remind unfinished intakes in every program taking intakes; return how many were sent."""
    total = 0
    for program in Program.objects.filter(status=Program.Status.INTAKE_OPEN).order_by("pk"):
        result = intake_reminder_send(
            program=program, actor=None, enqueue=enqueue, raise_when_none=False
        )
        total += result.sent
    return total
