"""The one rule for what a member's status is, and the reads that list and count members by it.

The roster, the dashboard, the API and matching's eligibility all read a member's status
through :func:`member_status_expression`, so they cannot disagree. The stored
``Membership.status`` records what the writers know (``ready`` = the intake is complete, from
the member's submission or an import); the member status adds what the profile says: a
complete intake without consent is "consent missing", not ready. Coordinators have no member
status: they are never listed or counted as members to match.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.programs.models import Membership, Program


class MemberStatus(models.TextChoices):
    """A member's status as the roster, the dashboard, the API and matching show it."""

    INVITED = "invited", _("Invited")
    INTAKE = "intake", _("Intake to finish")
    CONSENT_MISSING = "consent_missing", _("Consent missing")
    COOLING_OFF = "cooling_off", _("Cooling off after an ending")
    READY = "ready", _("Ready for matching")
    MATCHED = "matched", _("Matched")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


_KEPT = (
    Membership.Status.INVITED,
    Membership.Status.MATCHED,
    Membership.Status.PAUSED,
    Membership.Status.LEFT,
)


def member_status_expression() -> Case:
    """Return the SQL expression of a membership's member status (NULL for a coordinator).

    Ready means: the intake is complete (stored ``ready``), submitted, and consent is given,
    and no cooling-off after an ending runs (``cooling_off_until`` is past): until then the
    member is "cooling off". A complete, submitted intake without consent is "consent
    missing"; anything else not yet matched, paused, left or invited is "intake to finish".
    """
    submitted = Q(profile__submitted_at__isnull=False)
    consented = Q(profile__consent_at__isnull=False)
    complete = Q(status=Membership.Status.READY) & submitted
    cooling_off = Q(cooling_off_until__gt=clock.now())
    return Case(
        When(role=Membership.Role.COORDINATOR, then=Value(None)),
        *(When(status=value, then=Value(str(value))) for value in _KEPT),
        When(complete & consented & cooling_off, then=Value(MemberStatus.COOLING_OFF.value)),
        When(complete & consented, then=Value(MemberStatus.READY.value)),
        When(complete, then=Value(MemberStatus.CONSENT_MISSING.value)),
        default=Value(MemberStatus.INTAKE.value),
        output_field=CharField(),
    )


def membership_annotate_status(
    memberships: QuerySet[Membership],
) -> QuerySet[Membership]:
    """Annotate each membership with ``member_status`` (a :class:`MemberStatus` value)."""
    return memberships.annotate(member_status=member_status_expression())


def member_list(*, program: Program, status: str | None = None) -> QuerySet[Membership]:
    """Return the program's members (never its coordinators) with ``member_status``."""
    members = membership_annotate_status(
        Membership.objects.filter(program=program, role=Membership.Role.MEMBER)
    )
    if status:
        members = members.filter(Q(member_status=status))
    return members


def member_status_counts(*, program: Program) -> list[StatusCount]:
    """Return how many members are in each member status (zeros included), in one query."""
    counted = dict(
        member_list(program=program)  # type: ignore[misc]  # an annotation, not a field
        .order_by()
        .values("member_status")
        .annotate(n=Count("id"))
        .values_list("member_status", "n")
    )
    return [
        StatusCount(status=value, label=str(label), count=counted.get(value, 0))
        for value, label in MemberStatus.choices
    ]
