"""``manage.py resume_webhook_deliveries``: run from cron every 5 minutes (docs/webhooks.md)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tandem.integrations.deliveries import deliveries_prune
from tandem.integrations.tasks import deliveries_resume_and_enqueue


class Command(BaseCommand):
    help = (
        "Queue again the webhook and chat deliveries a stopped worker left, and delete finished "
        "deliveries older than TANDEM_WEBHOOK_LOG_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = deliveries_resume_and_enqueue()
        pruned = deliveries_prune(days=int(settings.TANDEM_WEBHOOK_LOG_DAYS))
        self.stdout.write(f"Queued {queued} delivery(ies) again; deleted {pruned} old one(s).")
