"""Series follow the ground rules the partners agreed, not only the program's defaults."""

import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from tandem.core import clock
from tandem.meetings import services
from tandem.meetings.tests.factories import partnership_make
from tandem.partnerships.selectors.agreement import agreement_default_content
from tandem.partnerships.services.agreement import agreement_accept, agreement_propose

MONDAY = datetime(2027, 1, 11, 9, tzinfo=UTC)
PAIR = [("Ana", "Europe/Madrid"), ("Ben", "Europe/Madrid")]


def _propose(partnership, seat):
    return services.series_propose(
        partnership=partnership,
        seat=seat,
        starts_on=date(2027, 1, 13),
        start_time=time(18),
        time_zone="Europe/Madrid",
    )


@pytest.mark.django_db
def test_series_uses_the_programs_rhythm_until_ground_rules_are_agreed():
    with clock.frozen(MONDAY):
        partnership, (ana, _ben) = partnership_make(people=PAIR)
        program = partnership.program
        series = _propose(partnership, ana)
    assert f"INTERVAL={program.cadence_weeks}" in series.rrule
    assert series.duration_minutes == program.meeting_minutes


@pytest.mark.django_db
def test_series_follows_the_agreed_cadence_and_length():
    with clock.frozen(MONDAY):
        partnership, (ana, ben) = partnership_make(people=PAIR)
        content = dataclasses.replace(
            agreement_default_content(partnership=partnership), cadence_weeks=3, meeting_minutes=45
        )
        users = [ana.membership.user, ben.membership.user]
        version = agreement_propose(
            partnership=partnership, user=users[0], content=content, base_number=None
        )
        proposed_only = _propose(partnership, ana)
        for user in users:
            agreement_accept(
                partnership=partnership, user=user, number=version.number, promise=True
            )
        agreed = _propose(partnership, ana)
    assert "INTERVAL=3" not in proposed_only.rrule  # a proposal nobody accepted changes nothing
    assert "INTERVAL=3" in agreed.rrule
    assert agreed.duration_minutes == 45
