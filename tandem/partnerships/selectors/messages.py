"""Reads for messages: a page of the thread, a partner's preference, and digest counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q

from tandem.partnerships.models import (
    DigestSent,
    Message,
    MessagePreference,
    Partnership,
    PartnershipMember,
)

MESSAGE_PAGE_SIZE = 50
DIGEST_WINDOW = timedelta(days=1)
# Who to consider at all; each digest task then counts exactly from that person's last digest.
CANDIDATE_WINDOW = timedelta(days=7)


def message_list(
    *,
    partnership: Partnership,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int = MESSAGE_PAGE_SIZE,
) -> list[Message]:
    """Return up to ``limit`` messages, oldest first: the latest ones, those before a message
    (older pages) or those after it (new since the page loaded)."""
    messages = Message.objects.filter(partnership=partnership).select_related(
        "author__membership__user", "author__membership__profile"
    )
    if after_id is not None:
        return list(messages.filter(pk__gt=after_id).order_by("created_at", "id")[:limit])
    if before_id is not None:
        messages = messages.filter(pk__lt=before_id)
    return list(reversed(messages.order_by("-created_at", "-id")[:limit]))


def message_preference_get(*, seat: PartnershipMember) -> MessagePreference:
    """Return the partner's preference (an unsaved default, daily digest, when never set)."""
    preference = MessagePreference.objects.filter(seat=seat).first()
    return preference or MessagePreference(seat=seat)


def message_unread_count(*, seat: PartnershipMember) -> int:
    """Return how many messages from the others the partner has not seen."""
    seen = MessagePreference.objects.filter(seat=seat).values_list("last_seen_at", flat=True)
    last_seen = next(iter(seen), None)
    messages = Message.objects.filter(partnership_id=seat.partnership_id).exclude(author=seat)
    if last_seen is not None:
        messages = messages.filter(created_at__gt=last_seen)
    return messages.count()


@dataclass(frozen=True)
class DigestLine:
    partnership: Partnership
    count: int


def _digest_since(*, user_id: int, now: datetime) -> datetime:
    """Return where the next digest starts: the last one sent, or one day back for a first one.

    Counting from the last digest (not a fixed 24 hours) loses nothing when the daily run
    drifts later one day.
    """
    last = DigestSent.objects.filter(user_id=user_id).aggregate(at=Max("sent_at"))["at"]
    return last if last is not None else now - DIGEST_WINDOW


def _digest_seats() -> Any:
    """Seats whose partner wants a digest: live seats with no preference row or "digest"."""
    return PartnershipMember.objects.filter(active=True).filter(
        Q(message_preference__isnull=True)
        | Q(message_preference__notify=MessagePreference.Notify.DIGEST)
    )


def message_digest_counts(*, user: Any, now: datetime) -> list[DigestLine]:
    """Return, per partnership of ``user`` set to digest, how many messages from the others
    arrived since the last digest (or the last day) and after the user last looked."""
    since = _digest_since(user_id=user.pk, now=now)
    seats = _digest_seats().filter(membership__user=user).select_related("partnership__program")
    lines = []
    for seat in seats:
        messages = Message.objects.filter(
            partnership_id=seat.partnership_id, created_at__gt=since, created_at__lte=now
        ).exclude(author=seat)
        last_seen = getattr(getattr(seat, "message_preference", None), "last_seen_at", None)
        if last_seen is not None:
            messages = messages.filter(created_at__gt=last_seen)
        count = messages.count()
        if count:
            lines.append(DigestLine(partnership=seat.partnership, count=count))
    return lines


def message_digest_candidates(*, now: datetime) -> list[int]:
    """Return the ids of people who may have messages to digest (the task decides for sure)."""
    newer = Message.objects.filter(
        partnership_id=OuterRef("partnership_id"), created_at__gt=now - CANDIDATE_WINDOW
    ).exclude(author_id=OuterRef("pk"))
    return sorted(
        set(
            _digest_seats()
            .annotate(has_new=Exists(newer))
            .filter(has_new=True)
            .values_list("membership__user_id", flat=True)
        )
    )
