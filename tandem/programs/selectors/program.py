"""Reads for programs. ``access_*`` fetch an object for a given user or raise NotFound."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tandem.core.errors import NotFound
from tandem.programs.models import Document, Invitation, Membership, Profile, Program, Resource, Tag


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
    # The profile comes along: member pages show times in its zone and its name.
    membership = (
        Membership.objects.select_related("program", "profile")
        .filter(program__slug=slug, user=user)
        .exclude(status=Membership.Status.LEFT)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership.program, membership


def access_program_as_coordinator(*, user: Any, slug: str) -> Program:
    """Return the program if the user coordinates it; NotFound otherwise."""
    return access_program_as_coordinator_with_membership(user=user, slug=slug)[0]


def access_program_as_coordinator_with_membership(
    *, user: Any, slug: str
) -> tuple[Program, Membership]:
    """Return the program and the user's coordinator membership (with its profile)."""
    program, membership = access_program(user=user, slug=slug)
    if not membership.is_coordinator:
        raise NotFound()
    return program, membership


def coordinator_list(*, program: Program) -> QuerySet[Membership]:
    """Return the program's coordinators (with their accounts), longest-serving first."""
    return (
        Membership.objects.filter(program=program, role=Membership.Role.COORDINATOR)
        .exclude(status=Membership.Status.LEFT)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def coordinator_invitation_list(*, program: Program) -> QuerySet[Invitation]:
    """Return the open invitations to coordinate the program, newest first."""
    return Invitation.objects.filter(
        program=program, role=Membership.Role.COORDINATOR, accepted_at__isnull=True
    ).order_by("-created_at")


def document_list(*, program: Program) -> QuerySet[Document]:
    """Return the program's guidebook pages and worksheets in reading order."""
    return Document.objects.filter(program=program).order_by("kind", "position", "title", "pk")


def access_document(*, user: Any, slug: str, document_id: int) -> tuple[Program, Document]:
    """Return a document of a program the user belongs to; NotFound otherwise."""
    program, _membership = access_program(user=user, slug=slug)
    document = Document.objects.filter(program=program, pk=document_id).first()
    if document is None:
        raise NotFound()
    return program, document


def access_document_as_coordinator(*, user: Any, slug: str, document_id: int) -> Document:
    """Return a document of a program the user coordinates; NotFound otherwise."""
    program = access_program_as_coordinator(user=user, slug=slug)
    document = Document.objects.filter(program=program, pk=document_id).first()
    if document is None:
        raise NotFound()
    return document


def resource_list(*, program: Program) -> QuerySet[Resource]:
    """Return the program's referral resources in the order the coordinators chose."""
    return Resource.objects.filter(program=program).order_by("position", "name", "pk")


def access_resource_as_coordinator(*, user: Any, slug: str, resource_id: int) -> Resource:
    """Return a referral resource of a program the user coordinates; NotFound otherwise."""
    program = access_program_as_coordinator(user=user, slug=slug)
    resource = Resource.objects.filter(program=program, pk=resource_id).first()
    if resource is None:
        raise NotFound()
    return resource


def tag_list_active(*, program: Program, kind: str | None = None) -> QuerySet[Tag]:
    """Return the tags people may choose: merged synonyms are left out."""
    tags = Tag.objects.filter(program=program, merged_into__isnull=True)
    if kind is not None:
        tags = tags.filter(kind=kind)
    return tags.order_by("kind", "name")


def _tag_use_count(through: Any) -> Subquery:
    """Count the profiles of members still in the program that link a tag through ``through``."""
    return Subquery(
        through.objects.filter(tag=OuterRef("pk"))
        .exclude(profile__membership__status=Membership.Status.LEFT)
        .values("tag")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def tag_list_with_counts(*, program: Program) -> QuerySet[Tag]:
    """Return the choosable tags with ``offered``, ``wanted`` and ``themed`` member counts."""
    return tag_list_active(program=program).annotate(
        offered=Coalesce(_tag_use_count(Profile.offers.through), 0),
        wanted=Coalesce(_tag_use_count(Profile.wants.through), 0),
        themed=Coalesce(_tag_use_count(Profile.themes.through), 0),
    )


def program_cohort_ids(*, program: Program, limit: int = 50) -> list[int]:
    """Return the ids of the program and of the cohorts it was copied from, newest first.

    One query per earlier cohort (none for a program that is not a copy), at most ``limit``.
    """
    ids = [program.pk]
    earlier = program.previous_cohort_id
    while earlier is not None and earlier not in ids and len(ids) < limit:
        ids.append(earlier)
        earlier = Program.objects.filter(pk=earlier).values_list("previous_cohort_id", flat=True)[0]
    return ids
