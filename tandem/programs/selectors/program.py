"""Reads for programs. ``access_*`` fetch an object for a given user or raise NotFound."""

from typing import Any

from django.db.models import QuerySet

from tandem.core.errors import NotFound
from tandem.programs.models import Membership, Program


def program_list_public() -> QuerySet[Program]:
    """Return programs a visitor may see (anything but drafts and closed ones)."""
    return Program.objects.exclude(status__in=[Program.Status.DRAFT, Program.Status.CLOSED])


def program_list_for(*, user: Any) -> QuerySet[Membership]:
    """Return the user's memberships, with their programs, newest first."""
    return (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.LEFT)
        .select_related("program")
        .order_by("-created_at")
    )


def membership_get(*, user: Any, program: Program) -> Membership | None:
    """Return the user's membership in the program, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, program=program).first()


def access_program_public(*, slug: str) -> Program:
    """Return a program whose public page may be shown to anyone."""
    program = Program.objects.filter(slug=slug).exclude(status=Program.Status.DRAFT).first()
    if program is None:
        raise NotFound()
    return program


def access_program(*, user: Any, slug: str) -> tuple[Program, Membership]:
    """Return the program and the user's membership in it; NotFound if the user is not in it."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    membership = (
        Membership.objects.select_related("program")
        .filter(program__slug=slug, user=user)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership.program, membership


def access_program_as_coordinator(*, user: Any, slug: str) -> Program:
    """Return the program if the user coordinates it; NotFound otherwise."""
    program, membership = access_program(user=user, slug=slug)
    if not membership.is_coordinator:
        raise NotFound()
    return program
