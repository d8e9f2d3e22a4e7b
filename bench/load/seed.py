"""Seed the load-test database: the demo program, every member matched, weekly meetings, notes.

Run with the production settings against the load database (bench/load/run.sh does this). Writes
a JSON plan for the load driver: program slug, one signed-in session per person, and each
member's next meeting. Sessions are made here so the measured traffic is the pages themselves,
not password hashing at sign-in.
"""

import json
import sys
from datetime import time, timedelta
from typing import Any

import django


def _session_for(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _page(name: str, **kwargs: Any) -> str | None:
    """Return the page's address if the app has it (features land at different times)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def seed() -> dict[str, Any]:
    from tandem.core import clock
    from tandem.matching import services as matching
    from tandem.meetings import services as meetings
    from tandem.meetings.models import Meeting
    from tandem.programs.demo import loader
    from tandem.programs.models import Membership, Profile, Program

    loader.demo_load()
    program = Program.objects.get(slug=loader.PROGRAM_SLUG)
    coordinator = Membership.objects.get(program=program, role=Membership.Role.COORDINATOR).user
    if not program.partnerships.exists():
        # The demo leaves intakes to be filled in; for the benchmark every member has done it.
        now = clock.now()
        Profile.objects.filter(membership__program=program).update(submitted_at=now, consent_at=now)
        Membership.objects.filter(
            program=program, role=Membership.Role.MEMBER, profile__isnull=False
        ).update(status=Membership.Status.READY)
        run = matching.match_run_start(program=program, created_by=coordinator)
        matching.match_run_publish(run_id=run.pk, actor=coordinator)
    program.refresh_from_db()
    members = []
    for number, partnership in enumerate(program.partnerships.prefetch_related("seats")):
        seats = list(partnership.seats.filter(active=True).select_related("membership__user"))
        if not partnership.meetings.exists():
            series = meetings.series_propose(
                partnership=partnership,
                seat=seats[0],
                starts_on=clock.today() + timedelta(days=1 + number % 7),
                start_time=time(17 + number % 3, 0),
                time_zone="Europe/Madrid",
            )
            for seat in seats[1:]:
                meetings.series_accept(series=series, seat=seat)
        meeting = Meeting.objects.filter(partnership=partnership).earliest("starts_at")
        for seat in seats:
            if not meeting.notes.filter(author=seat).exists():
                for visibility in ("private", "shared"):
                    meetings.note_create(
                        meeting=meeting,
                        seat=seat,
                        body=f"**Goals**: practise the talk.\n\n- ask about {visibility} things",
                        visibility=visibility,
                    )
            members.append(
                {
                    "session": _session_for(seat.membership.user),
                    "meeting": _page("meetings:detail", pk=meeting.pk),
                    "note": _page("meetings:note_create", pk=meeting.pk),
                }
            )
    return plan_for(program.slug, members=members, coordinator=coordinator)


def plan_for(slug: str, *, members: list[dict[str, Any]], coordinator: Any) -> dict[str, Any]:
    """Return the load driver's plan: the members' sessions and pages, three coordinator
    sessions, and the pages each side opens."""
    return {
        "program": slug,
        "members": members,
        "coordinators": [_session_for(coordinator) for _ in range(3)],
        "member_pages": [
            p
            for p in (
                _page("home"),
                _page("programs:detail", slug=slug),
                _page("dashboard:member_home", slug=slug),
            )
            if p
        ],
        "coordinator_pages": [
            p
            for p in (_page("dashboard:program", slug=slug), _page("programs:manage", slug=slug))
            if p
        ],
    }


if __name__ == "__main__":
    django.setup()
    plan = seed()
    with open(sys.argv[1], "w") as out:
        json.dump(plan, out, indent=1)
    print(
        f"seeded {len(plan['members'])} members; member pages {plan['member_pages']}; "
        f"coordinator pages {plan['coordinator_pages']}"
    )
