"""``manage.py send_reminders``: run from cron every 5 minutes (see docs/meetings.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.meetings.services import meeting_reminders_due


class Command(BaseCommand):
    help = "Top up booked meetings and enqueue due reminders and clock-change notices."

    def handle(self, *args: Any, **options: Any) -> None:
        count = meeting_reminders_due()
        self.stdout.write(f"Enqueued {count} email(s).")
