"""Delete closed programs older than the retention period (TANDEM_RETENTION_MONTHS)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tandem.privacy import retention


class Command(BaseCommand):
    help = (
        "Delete closed programs whose recap (else end, else last change) is older than "
        "TANDEM_RETENTION_MONTHS months, with everything under them. Run it monthly from cron (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted; delete nothing."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"Override the retention (default {settings.TANDEM_RETENTION_MONTHS}).",
        )

    def handle(
        self, *args: Any, dry_run: bool = False, months: int | None = None, **opts: Any
    ) -> None:
        report = retention.programs_purge(months=months, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        cutoff = retention.retention_cutoff(months=months)
        if not report.programs:
            self.stdout.write(f"No closed program ended before {cutoff:%Y-%m-%d}.")
            return
        self.stdout.write(
            f"{verb} {len(report.programs)} closed program(s) ended before {cutoff:%Y-%m-%d}: "
            + ", ".join(report.programs)
        )
        for label, count in report.rows.items():
            self.stdout.write(f"  {label}: {count}")
