"""meetings 0005: partnerships ended before endings stopped their meetings lose their
standing series and future meetings, as an ending does now; nothing else changes."""

import importlib

import pytest
from django.apps import apps

from tandem.core import clock
from tandem.meetings.models import Meeting, MeetingSeries
from tandem.meetings.tests.factories import partnership_make, series_agreed
from tandem.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "tandem.meetings.migrations.0005_end_meetings_of_ended_partnerships"
)


def _agreed(people):
    partnership, (first, second) = partnership_make(people=people)
    series_agreed(partnership, first, second)
    return partnership


def test_an_old_ending_cancels_its_future_meetings_and_ends_its_series():
    ended = _agreed([("Ana", "Europe/Madrid"), ("Ben", "Europe/London")])
    going = _agreed([("Cleo", "Europe/Madrid"), ("Dan", "Europe/London")])
    # Ended the old way: the row changed, the meetings stayed booked.
    Partnership.objects.filter(pk=ended.pk).update(status="ended", ended_at=clock.now())
    booked = list(ended.meetings.values_list("pk", "sequence"))
    assert booked and {m.status for m in ended.meetings.all()} == {"scheduled"}

    migration.end_meetings_of_ended_partnerships(apps, None)

    after = dict(ended.meetings.values_list("pk", "sequence"))
    assert set(ended.meetings.values_list("status", flat=True)) == {Meeting.Status.CANCELLED}
    assert all(after[pk] == sequence + 1 for pk, sequence in booked)
    assert set(ended.series.values_list("status", flat=True)) == {MeetingSeries.Status.ENDED}
    # The partnership that goes on keeps its series and meetings.
    assert set(going.meetings.values_list("status", flat=True)) == {Meeting.Status.SCHEDULED}
    assert set(going.series.values_list("status", flat=True)) == {MeetingSeries.Status.ACTIVE}
