"""What the partnerships app holds about a person: seats, agreements, events, messages, and
what they answered and chose when a partnership closed (exit survey, staying in touch).

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from typing import Any

from django.db.models import Q

from tandem.core.personal_data import Declaration, Erase, Holding, Person
from tandem.partnerships.models import (
    AgreementAcceptance,
    AgreementVersion,
    ClosingChoice,
    DigestSent,
    ExitSurvey,
    Message,
    MessagePreference,
    Partnership,
    PartnershipEvent,
    PartnershipMember,
    RematchRequest,
)
from tandem.partnerships.services.life import partnership_close


def _partners(partnership: Partnership) -> dict[str, Any]:
    # Partners by display name only: their emails and intakes are theirs.
    names = []
    for seat in partnership.seats.select_related("membership__user", "membership__profile"):
        profile = getattr(seat.membership, "profile", None)
        names.append(str(getattr(profile, "display_name", "") or seat.membership.user.name))
    return {"program": partnership.program.slug, "members": names}


def _seats_leave(person: Person) -> dict[str, int]:
    """End the person's live partnerships as a partner leaving does, then close their seats.

    A partnership does not go on with someone who no longer exists: it ends for everyone in it
    ("Someone left the organisation"), its future meetings are cancelled, and the other
    partners get the usual ending email (with the calendar's cancellation), in which the
    person appears under their pseudonym, as the email is written after the erasure commits.
    """
    ended = 0
    live = (
        PartnershipMember.objects.filter(pk__in=person.seat_ids, active=True)
        .exclude(partnership__status=Partnership.Status.ENDED)
        .order_by("partnership_id")
    )
    for seat in live:
        partnership = Partnership.objects.select_for_update().get(pk=seat.partnership_id)
        if partnership.status == Partnership.Status.ENDED:
            continue
        partnership_close(
            partnership=partnership, seat=seat, end_reason=PartnershipEvent.EndReason.LEFT
        )
        ended += 1
    left = PartnershipMember.objects.filter(pk__in=person.seat_ids).update(active=False)
    return {"seats_left": left, "partnerships_ended": ended}


def _in_my_partnerships(p: Person) -> Q:
    return Q(partnership_id__in=p.partnership_ids)


DECLARATION = Declaration(
    app="partnerships",
    holdings=(
        Holding(
            Partnership,
            rows=lambda p: Partnership.objects.filter(pk__in=p.partnership_ids).select_related(
                "program"
            ),
            erase=Erase.KEEP,
            computed=_partners,
        ),
        Holding(
            PartnershipMember,
            rows=lambda p: PartnershipMember.objects.filter(pk__in=p.seat_ids),
            erase=Erase.KEEP,  # marked inactive: partners keep their partnership whole
        ),
        # An agreement is both partners' joint record: it stays as agreed.
        Holding(
            AgreementVersion,
            rows=lambda p: AgreementVersion.objects.filter(
                agreement__partnership_id__in=p.partnership_ids
            ),
            erase=Erase.KEEP,
        ),
        Holding.by(AgreementAcceptance, "seat_id", "seat_ids", erase=Erase.KEEP),
        # The pause or end stays in the partnership's history; the person's words go.
        Holding.by(
            PartnershipEvent,
            "actor_id",
            "seat_ids",
            erase=Erase.KEEP,
            clear=("reason", "coordinator_feedback"),
        ),
        Holding(
            RematchRequest,
            rows=lambda p: RematchRequest.objects.filter(
                Q(seat_id__in=p.seat_ids) | Q(handled_by=p.user)
            ),
            own=lambda p: Q(seat_id__in=p.seat_ids),
        ),
        Holding.by(Message, "author_id", "seat_ids"),
        Holding.by(MessagePreference, "seat_id", "seat_ids"),
        Holding(DigestSent, rows=lambda p: DigestSent.objects.filter(user=p.user)),
        # The person's own answers and choices: in the download, deleted with the account.
        Holding.by(ExitSurvey, "seat_id", "seat_ids"),
        Holding.by(ClosingChoice, "seat_id", "seat_ids"),
    ),
    finish=_seats_leave,
)
