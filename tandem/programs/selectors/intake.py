"""Reads for the intake: a member's own profile, coordinators' view of profiles, tag suggestions."""

from typing import Any

from django.db.models import QuerySet

from tandem.core.errors import NotFound
from tandem.interchange.members_csv import tag_key
from tandem.programs.models import Membership, Profile, Program, Tag
from tandem.programs.selectors.program import access_program, access_program_as_coordinator

SUGGESTION_LIMIT = 8


def _profiles() -> QuerySet[Profile]:
    return Profile.objects.select_related(
        "membership__user", "membership__program"
    ).prefetch_related("themes", "offers", "wants")


def access_intake(*, user: Any, slug: str) -> tuple[Program, Membership]:
    """Return the program and the user's member (not coordinator) membership; NotFound otherwise."""
    program, membership = access_program(user=user, slug=slug)
    if membership.role != Membership.Role.MEMBER:
        raise NotFound()
    return program, membership


def profile_for(*, membership: Membership) -> Profile | None:
    """Return the membership's intake profile with its tags, or None before the first submission."""
    return _profiles().filter(membership=membership).first()


def profile_list_for_coordinator(*, user: Any, slug: str) -> QuerySet[Profile]:
    """Return the intake profiles of a program the user coordinates, by display name."""
    program = access_program_as_coordinator(user=user, slug=slug)
    return (
        _profiles()
        .filter(membership__program=program, membership__role=Membership.Role.MEMBER)
        .exclude(membership__status=Membership.Status.LEFT)
        .order_by("display_name", "pk")
    )


def access_profile_as_coordinator(*, user: Any, slug: str, membership_id: int) -> Profile:
    """Return one member's profile to a coordinator of its program; NotFound for anyone else."""
    profile = (
        profile_list_for_coordinator(user=user, slug=slug)
        .filter(membership_id=membership_id)
        .first()
    )
    if profile is None:
        raise NotFound()
    return profile


def tag_suggestions(*, program: Program, kind: str, typed: str) -> list[Tag]:
    """Return the program's kept tags that contain the last item being typed, minus those typed."""
    items = typed.replace(",", ";").split(";")
    last = tag_key(items[-1]) if items else ""
    already = {tag_key(item) for item in items[:-1] if item.strip()}
    tags = Tag.objects.filter(program=program, kind=kind, merged_into__isnull=True)
    if last:
        tags = tags.filter(key__contains=last)
    return [
        tag
        for tag in tags.order_by("name")[: SUGGESTION_LIMIT + len(already)]
        if tag.key not in already
    ][:SUGGESTION_LIMIT]
