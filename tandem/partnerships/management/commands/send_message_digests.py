"""Queue today's message digests (run once a day, e.g. from cron; safe to run more often)."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.partnerships.services.messages import message_digests_enqueue


class Command(BaseCommand):
    help = "Queue a daily digest for each partner with new messages (at most one a day each)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = message_digests_enqueue()
        self.stdout.write(f"Queued {count} digest{'s' if count != 1 else ''}.")
