"""Reads for a coordinator's roster of a program's people."""

from django.db.models import BooleanField, Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from tandem.programs.models import Membership, Program
from tandem.programs.selectors.member_status import membership_annotate_status


def roster_list(*, program: Program, status: str | None = None) -> QuerySet[Membership]:
    """Return the program's memberships, oldest first, each annotated for the roster.

    ``display_name`` is the intake display name, else the account's name, else the email
    (coordinators have no intake); ``intake_complete`` is true
    when the intake was submitted with consent; ``member_status`` is the member status
    (None for a coordinator, whom a status filter leaves out). One query whatever the number
    of people.
    """
    memberships = membership_annotate_status(
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
        memberships = memberships.filter(Q(member_status=status))
    return memberships
