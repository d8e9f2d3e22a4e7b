"""Writes for messages between meetings: post, choose how to hear about them, digests.

Emails about messages carry the sender's name and a link, never the message text: messages are
partnership content, and email leaves the app (forwarded, kept on other servers, read over a
shoulder). ``tasks`` builds those emails.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.errors import ValidationFailed
from tandem.partnerships.models import (
    MESSAGE_MAX_LENGTH,
    Message,
    MessagePreference,
    Partnership,
    PartnershipMember,
)
from tandem.partnerships.services.life import seat_lock_for_change

MSG_EMPTY = gettext_noop("Write a message before sending.")
MSG_TOO_LONG = gettext_noop(
    "A message can be at most 2,000 characters; yours has {count}. Shorten it."
)
MSG_NOTIFY_CHOICE = gettext_noop("Choose an email for each message, a daily digest, or no email.")


@transaction.atomic
def message_post(*, partnership: Partnership, user: Any, body: str) -> Message:
    """Add a message to the partnership's thread and queue the per-message notifications."""
    body = body.strip()
    if not body:
        raise ValidationFailed(MSG_EMPTY, field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationFailed(gettext(MSG_TOO_LONG).format(count=f"{len(body):,}"), field="body")
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    message = Message.objects.create(
        partnership=partnership, author=seat, body=body, created_at=clock.now()
    )
    # Your own message counts as seen.
    MessagePreference.objects.update_or_create(
        seat=seat, defaults={"last_seen_at": message.created_at}
    )
    from tandem.partnerships.tasks import message_notification_send

    transaction.on_commit(lambda: message_notification_send.enqueue(message_id=message.pk))
    return message


@transaction.atomic
def message_preference_set(*, seat: PartnershipMember, notify: str) -> MessagePreference:
    """Set how the partner hears about new messages in this partnership."""
    if notify not in MessagePreference.Notify.values:
        raise ValidationFailed(MSG_NOTIFY_CHOICE, field="notify")
    preference, _ = MessagePreference.objects.update_or_create(
        seat=seat, defaults={"notify": notify}
    )
    return preference


@transaction.atomic
def message_thread_mark_seen(*, seat: PartnershipMember) -> None:
    """Record that the partner has read the thread up to now (digests skip what they read)."""
    MessagePreference.objects.update_or_create(seat=seat, defaults={"last_seen_at": clock.now()})


def message_digests_enqueue(*, today: date | None = None) -> int:
    """Queue one digest task per person with unread messages to digest; return how many.

    Safe to run more than once a day: each task claims ``DigestSent(user, day)`` first, so a
    person gets at most one digest a day however often this runs.
    """
    from tandem.partnerships.selectors.messages import message_digest_candidates
    from tandem.partnerships.tasks import message_digest_send

    day = today or clock.today()
    user_ids = message_digest_candidates(now=clock.now())
    for user_id in user_ids:
        message_digest_send.enqueue(user_id=user_id, day=day.isoformat())
    return len(user_ids)
