"""The private calendar feed: its token, and the meetings it carries."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch

from tandem.core import clock
from tandem.core.errors import NotFound
from tandem.meetings.models import (
    CalendarFeed,
    Meeting,
)
from tandem.meetings.selectors.schedule import meeting_list_for
from tandem.partnerships.models import PartnershipMember


def access_calendar_feed(*, token: str) -> CalendarFeed:
    """Return the live feed for a secret token; NotFound for unknown or revoked ones."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise NotFound()
    return feed


def calendar_feed_live(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_meetings(*, user: Any, now: datetime | None = None) -> list[Meeting]:
    """Return the meetings a feed carries: from 60 days ago on, cancelled ones included."""
    at = now or clock.now()
    return list(
        meeting_list_for(user=user, since=at - timedelta(days=60))
        .select_related("series")
        .prefetch_related(
            Prefetch(
                "partnership__seats",
                queryset=PartnershipMember.objects.select_related(
                    "membership__user", "membership__profile"
                ),
            )
        )
    )
