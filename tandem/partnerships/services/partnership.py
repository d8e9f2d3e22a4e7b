"""Writes for partnerships."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from tandem.core import clock
from tandem.core.errors import ValidationFailed
from tandem.core.events import EventType, event_emit
from tandem.partnerships.models import Partnership, PartnershipMember
from tandem.programs.models import Membership, Program

MSG_TOO_FEW_PARTNERS = gettext_noop("A partnership needs at least two people.")
MSG_WRONG_PROGRAM = gettext_noop("Every partner must be a member of the partnership's program.")


@transaction.atomic
def partnership_create_from_match(
    *,
    program: Program,
    memberships: Sequence[Membership],
    started_at: datetime | None = None,
) -> Partnership:
    """Create an active partnership with one seat per person (a published match).

    The database refuses a person who already sits in a live partnership.
    """
    if len({m.pk for m in memberships}) < 2:
        raise ValidationFailed(MSG_TOO_FEW_PARTNERS)
    if any(m.program_id != program.pk for m in memberships):
        raise ValidationFailed(MSG_WRONG_PROGRAM)
    at = started_at or clock.now()
    partnership = Partnership.objects.create(program=program, started_at=at)
    PartnershipMember.objects.bulk_create(
        PartnershipMember(partnership=partnership, membership=m, joined_at=at) for m in memberships
    )
    event_emit(
        EventType.PARTNERSHIP_CREATED,
        program_id=program.pk,
        key=str(partnership.pk),
        data={
            "partnership_id": partnership.pk,
            "membership_ids": sorted(m.pk for m in memberships),
        },
    )
    return partnership
