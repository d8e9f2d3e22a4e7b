"""The viewer's time zone: the one rule for every time shown to a person.

Instants are stored in UTC and shown in the viewer's zone: the zone of the viewer's own intake
profile in the program; else (a coordinator, or a member without a profile) the zone most of the
program's members gave; else UTC. Pages name the zone next to the times they show.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count

from tandem.core.zones import zone_is_valid
from tandem.programs.models import Membership, Profile, Program

FALLBACK_ZONE = "UTC"


def own_zone(membership: Membership) -> str | None:
    """Return the zone of the membership's intake profile, or None without a valid one."""
    try:
        zone = membership.profile.time_zone
    except ObjectDoesNotExist:
        return None
    return zone if zone_is_valid(zone) else None


def program_zone(*, program: Program) -> str:
    """Return the zone most of the program's members gave (ties: the first by name), else UTC."""
    rows = (
        Profile.objects.filter(membership__program=program, membership__role=Membership.Role.MEMBER)
        .exclude(membership__status=Membership.Status.LEFT)
        .values_list("time_zone")
        .annotate(n=Count("id"))
        .order_by("-n", "time_zone")[:10]
    )
    for zone, _n in rows:
        if zone_is_valid(zone):
            return str(zone)
    return FALLBACK_ZONE


def membership_zone(*, membership: Membership) -> str:
    """Return the zone to show times in for this member or coordinator of a program."""
    return own_zone(membership) or program_zone(program=membership.program)


def viewer_zone(*, program: Program, user: Any) -> str:
    """Return the zone to show the program's times in for this user (see above)."""
    user_id = getattr(user, "pk", None)
    membership = (
        Membership.objects.select_related("program", "profile")
        .filter(program=program, user_id=user_id)
        .first()
        if user_id is not None
        else None
    )
    if membership is None:
        return program_zone(program=program)
    return membership_zone(membership=membership)
