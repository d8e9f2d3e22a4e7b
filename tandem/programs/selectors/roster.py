"""Reads for a coordinator's roster of a program's people."""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, CharField, Count, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from tandem.programs.models import Membership, Program


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def roster_list(*, program: Program, status: str | None = None) -> QuerySet[Membership]:
    """Return the program's memberships, oldest first, each annotated for the roster.

    ``display_name`` is the intake display name, else the account's name, else the email
    (coordinators have no intake); ``intake_complete`` is true
    when the intake was submitted with consent. One query whatever the number of people.
    """
    memberships = (
        Membership.objects.filter(program=program)
        .select_related("user")
        .annotate(
            display_name=Coalesce(
                NullIf("profile__display_name", Value("")),
                NullIf("user__name", Value("")),
                "user__email",
                output_field=CharField(),
            ),
            intake_complete=Case(
                When(
                    profile__submitted_at__isnull=False,
                    profile__consent_at__isnull=False,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("created_at", "id")
    )
    if status:
        memberships = memberships.filter(status=status)
    return memberships


def roster_counts(*, program: Program) -> list[StatusCount]:
    """Return how many people of the program are in each status (zeros included), in one query."""
    counted = dict(
        Membership.objects.filter(program=program)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        StatusCount(status=value, label=str(label), count=counted.get(value, 0))
        for value, label in Membership.Status.choices
    ]
