"""Retention: closed programs older than ``TANDEM_RETENTION_MONTHS`` are deleted whole.

A program counts from its last date: the recap day, else the end day, else the day it was
last changed. Accounts stay (a person may be in other programs); audit events stay too,
with their program link cleared (the audit log is append-only).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tandem.core import clock
from tandem.programs.models import Document, Program


@dataclass
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove)."""

    programs: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(*, months: int | None = None, today: date | None = None) -> date:
    """Return the day before which a closed program's last date makes it due for deletion."""
    keep = settings.TANDEM_RETENTION_MONTHS if months is None else months
    return months_before(today or clock.today(), keep)


def programs_due_for_purge(*, months: int | None = None) -> list[Program]:
    """Return closed programs whose recap, end or last change is older than the retention."""
    cutoff = retention_cutoff(months=months)
    due = Program.objects.filter(status=Program.Status.CLOSED).filter(
        Q(recap_on__lt=cutoff)
        | Q(recap_on__isnull=True, ends_on__lt=cutoff)
        | Q(recap_on__isnull=True, ends_on__isnull=True, updated_at__date__lt=cutoff)
    )
    return list(due.order_by("pk"))


@transaction.atomic
def programs_purge(*, months: int | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete every program due for deletion and everything under it; return what went.

    With ``dry_run`` nothing is deleted and the report says what would be.
    """
    report = PurgeReport()
    for program in programs_due_for_purge(months=months):
        report.programs.append(program.slug)
        files = [d.file for d in Document.objects.filter(program=program).exclude(file="")]
        if dry_run:
            from django.db.models.deletion import Collector

            collector = Collector(using="default")
            collector.collect([program])
            for model, instances in collector.data.items():
                label = model._meta.label
                report.rows[label] = report.rows.get(label, 0) + len(instances)
            for qs in collector.fast_deletes:
                label = qs.model._meta.label
                report.rows[label] = report.rows.get(label, 0) + qs.count()
            continue
        _, per_model = program.delete()
        for label, count in per_model.items():
            report.rows[label] = report.rows.get(label, 0) + count
        for stored in files:
            transaction.on_commit(partial(stored.storage.delete, str(stored.name)))
    report.rows = {k: v for k, v in sorted(report.rows.items()) if v}
    return report
