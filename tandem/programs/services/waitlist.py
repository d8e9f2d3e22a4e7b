"""The waitlist: sign up (double opt-in), confirm, unsubscribe, and open the doors."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from tandem.core import clock
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, DomainError, ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.core.models import AuditEvent
from tandem.programs.models import Membership, Program, WaitlistEntry
from tandem.programs.services.invitations import invitation_send, normalise_email

# The same answer whether the address is new, pending, confirmed or unsubscribed, so the
# form never tells a stranger who is on the list.
WAITLIST_SIGNUP_ANSWER = gettext_noop(
    "Thank you. Check your inbox: if this address still has to confirm its place on the "
    "waitlist, we have sent it a link."
)
WAITLIST_EMAIL_INVALID = gettext_noop("Enter a whole email address, like name@example.org.")
WAITLIST_NOT_OPEN = gettext_noop("This program is not taking waitlist sign-ups at the moment.")
WAITLIST_DOORS_CANNOT_OPEN = gettext_noop(
    "Only a program on its waitlist or taking intakes can open its doors."
)
WAITLIST_NOBODY_TO_INVITE = gettext_noop(
    "Nobody has confirmed their place and is waiting for an invitation yet, so there is "
    "nobody to invite. Share the program's page; people count here once they confirm their "
    "address."
)
WAITLIST_TOO_MANY_SIGNUPS = gettext_noop(
    "Too many sign-ups from your network in the last minute. Wait a minute and try again."
)

WAITLIST_SIGNUP_STATUSES = {Program.Status.WAITLIST, Program.Status.INTAKE_OPEN}
WAITLIST_DOORS_STATUSES = {Program.Status.WAITLIST, Program.Status.INTAKE_OPEN}
# A pending (or unsubscribed) address gets at most one confirmation email per interval.
WAITLIST_RESEND_INTERVAL = timedelta(minutes=10)
WAITLIST_SIGNUPS_PER_MINUTE = 10


class TooManyRequests(DomainError):
    """The caller sends too much too fast; the message says how long to wait."""

    status_code = 429


def waitlist_signup_throttle(*, ip_address: str) -> None:
    """Count one sign-up attempt from the address; raise TooManyRequests past the limit.

    A fixed one-minute window in Django's cache (shared between processes when the cache is
    Redis; per process with the default local-memory cache).
    """
    window = int(clock.now().timestamp() // 60)
    key = f"tandem:waitlist-signup:{ip_address}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=90)
        attempts = 1
    if attempts > WAITLIST_SIGNUPS_PER_MINUTE:
        raise TooManyRequests(WAITLIST_TOO_MANY_SIGNUPS)


def _enqueue_confirmation(entry: WaitlistEntry) -> None:
    from tandem.programs.tasks import waitlist_confirmation_email_send

    entry_id = entry.pk
    transaction.on_commit(lambda: waitlist_confirmation_email_send.enqueue(entry_id=entry_id))


@transaction.atomic
def waitlist_signup(*, program: Program, email: str) -> WaitlistEntry:
    """Put the address on the program's waitlist (pending) and email it a confirm link.

    Signing up again never duplicates the entry; a pending or unsubscribed address gets a new
    confirmation email, at most once per WAITLIST_RESEND_INTERVAL. Callers answer with
    WAITLIST_SIGNUP_ANSWER whatever happened.
    """
    if program.status not in WAITLIST_SIGNUP_STATUSES:
        raise ValidationFailed(WAITLIST_NOT_OPEN)
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(WAITLIST_EMAIL_INVALID, field="email") from exc

    # The page's language (the visitor's choice or their browser's): their emails use it.
    language = translation.get_language() or settings.LANGUAGE_CODE
    entry = WaitlistEntry.objects.select_for_update().filter(program=program, email=email).first()
    if entry is None:
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(
                    program=program, email=email, language=language
                )
        except IntegrityError:  # the same address, signing up twice at once
            return WaitlistEntry.objects.get(program=program, email=email)
        _enqueue_confirmation(entry)
        return entry

    if entry.language != language:
        entry.language = language
        entry.save(update_fields=["language"])
    resendable = {WaitlistEntry.Status.PENDING, WaitlistEntry.Status.UNSUBSCRIBED}
    # updated_at of a pending entry is when its last confirmation email was asked for.
    if entry.status in resendable and clock.now() - entry.updated_at >= WAITLIST_RESEND_INTERVAL:
        entry.status = WaitlistEntry.Status.PENDING
        entry.save(update_fields=["status"])
        _enqueue_confirmation(entry)
    return entry


@transaction.atomic
def waitlist_confirm(*, entry: WaitlistEntry) -> WaitlistEntry:
    """Confirm a pending (or unsubscribed) address; later states are left as they are."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status in {WaitlistEntry.Status.PENDING, WaitlistEntry.Status.UNSUBSCRIBED}:
        entry.status = WaitlistEntry.Status.CONFIRMED
        entry.confirmed_at = clock.now()
        entry.save(update_fields=["status", "confirmed_at"])
    return entry


@transaction.atomic
def waitlist_unsubscribe(*, entry: WaitlistEntry) -> WaitlistEntry:
    """Take the address off the waitlist: no more emails, never invited by opening the doors."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistEntry.Status.JOINED:
        entry.status = WaitlistEntry.Status.UNSUBSCRIBED
        entry.save(update_fields=["status"])
    return entry


def waitlist_doors_refusal(*, program: Program, confirmed: int) -> str | None:
    """Return why the doors cannot be opened now, or None when opening them would invite someone.

    ``confirmed`` is how many entries are confirmed and not yet invited.
    """
    if program.status not in WAITLIST_DOORS_STATUSES:
        return WAITLIST_DOORS_CANNOT_OPEN
    if confirmed == 0:
        return WAITLIST_NOBODY_TO_INVITE
    return None


@transaction.atomic
def waitlist_open_doors(*, program: Program, actor: Any) -> int:
    """Invite every confirmed entry not yet invited; return how many were invited.

    Refused (Conflict) when no entry is confirmed and waiting: there is nobody to invite.

    Invitation emails go out through the worker after commit. A program on its waitlist
    moves to intake open. Addresses that already take part are marked joined instead.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in WAITLIST_DOORS_STATUSES:
        raise Conflict(WAITLIST_DOORS_CANNOT_OPEN)
    now = clock.now()
    entries = list(
        WaitlistEntry.objects.select_for_update()
        .filter(program=program, status=WaitlistEntry.Status.CONFIRMED)
        .order_by("created_at", "id")
    )
    refusal = waitlist_doors_refusal(program=program, confirmed=len(entries))
    if refusal:
        raise Conflict(refusal)
    members = {
        email.lower()
        for email in Membership.objects.filter(
            program=program, user__email__in=[entry.email for entry in entries]
        )
        .exclude(status=Membership.Status.LEFT)
        .values_list("user__email", flat=True)
    }
    invited_ids = []
    for entry in entries:
        if entry.email.lower() in members:
            continue
        invitation_send(
            program=program,
            email=entry.email,
            role=Membership.Role.MEMBER,
            invited_by=actor,
            waitlist_entry=entry,
        )
        invited_ids.append(entry.pk)
    WaitlistEntry.objects.filter(pk__in=invited_ids).update(
        status=WaitlistEntry.Status.INVITED, invited_at=now, updated_at=now
    )
    WaitlistEntry.objects.filter(
        pk__in=[entry.pk for entry in entries if entry.email.lower() in members]
    ).update(status=WaitlistEntry.Status.JOINED, updated_at=now)

    event_emit(
        EventType.DOORS_OPENED,
        program_id=program.pk,
        key=now.isoformat(),
        data={"invited": len(invited_ids)},
    )
    before = program.status
    if program.status == Program.Status.WAITLIST:
        program.status = Program.Status.INTAKE_OPEN
        program.save(update_fields=["status"])
    audit_record(
        action=AuditEvent.Action.DOORS_OPENED,
        actor=actor,
        subject_label=program.name,
        program=program,
        before={"status": before},
        after={"status": program.status, "invited": len(invited_ids)},
    )
    return len(invited_ids)
