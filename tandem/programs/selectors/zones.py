"""The viewer's time zone: the one rule for every time shown to a person.

Instants are stored in UTC and shown in the viewer's zone: the person's own zone (kept on each
of their intake profiles, the same in every program); else, on a program's page (a
coordinator, a visitor, a member before their intake), the zone most of the program's members
gave; else UTC. :func:`request_zone` fills ``tandem.core.viewer.viewer_zone``, which the
middleware activates for every page; pages name the zone next to the times they show.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.http import HttpRequest

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


def program_zone(*, program: Program | None = None, slug: str = "") -> str:
    """Return the zone most of the program's members gave (ties: the first by name), else UTC.

    The program is given, or named by its ``slug`` (one query either way).
    """
    of_program = (
        {"membership__program": program} if program else {"membership__program__slug": slug}
    )
    rows = (
        Profile.objects.filter(**of_program, membership__role=Membership.Role.MEMBER)
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


def person_zone(*, user: Any) -> str | None:
    """Return the person's own zone (their latest intake's), or None without a valid one."""
    if getattr(user, "pk", None) is None:
        return None
    zone = (
        Profile.objects.filter(membership__user=user)
        .order_by("-updated_at", "-id")
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone if zone and zone_is_valid(zone) else None


def request_zone(request: HttpRequest, view_kwargs: dict[str, Any]) -> str | None:
    """Return the zone this page's times are shown in (see above; None: UTC)."""
    zone = person_zone(user=getattr(request, "user", None))
    slug = view_kwargs.get("slug")
    if zone is not None or not isinstance(slug, str):
        return zone
    return program_zone(slug=slug)


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
