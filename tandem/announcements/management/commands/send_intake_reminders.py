"""``manage.py send_intake_reminders``: run from cron once a day (see docs/operations.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.announcements.services import intake_reminder_send_due
from tandem.announcements.tasks import intake_reminder_enqueue


class Command(BaseCommand):
    help = "Remind members of programs taking intakes to finish theirs (once a week each)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = intake_reminder_send_due(enqueue=intake_reminder_enqueue)
        self.stdout.write(f"Enqueued {count} intake reminder(s).")
