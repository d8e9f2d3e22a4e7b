"""Partnerships ended before endings stopped their meetings (0004) kept their agreed series
and future meetings: end those series and cancel those meetings, as an ending does now.

Nobody is emailed: the partnerships ended long ago, and their partners were told then.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def end_meetings_of_ended_partnerships(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingSeries = apps.get_model("meetings", "MeetingSeries")
    Reschedule = apps.get_model("meetings", "Reschedule")
    now = timezone.now()
    MeetingSeries.objects.filter(
        partnership__status="ended", status__in=["active", "proposed"]
    ).update(status="ended", updated_at=now)
    future = Meeting.objects.filter(
        partnership__status="ended", status="scheduled", starts_at__gt=now
    )
    Reschedule.objects.filter(meeting__in=future, status="proposed").update(
        status="withdrawn", updated_at=now
    )
    future.update(status="cancelled", sequence=F("sequence") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_series_ended"),
        ("partnerships", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(end_meetings_of_ended_partnerships, migrations.RunPython.noop),
    ]
