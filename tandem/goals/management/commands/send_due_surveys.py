"""Ask members to answer the surveys due today (run daily, e.g. from cron); safe to repeat."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.goals import services


class Command(BaseCommand):
    help = "Create today's survey invitations (one per member per survey) and queue their emails."

    def handle(self, *args: Any, **options: Any) -> None:
        created = services.survey_invitations_due()
        self.stdout.write(f"{len(created)} survey invitation(s) queued.")
