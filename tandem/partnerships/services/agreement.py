"""Writes for the ground rules (the agreement): propose or edit a version, accept it.

Every save makes a new AgreementVersion with the full content; acceptances belong to a version,
so an edit leaves the new version with no acceptances (everyone reads and accepts again). Both
operations lock the Agreement row (``select_for_update``; on SQLite the write transaction is
``BEGIN IMMEDIATE``), so partners acting at the same moment are applied one after the other:
no lost edit, and a version becomes agreed exactly once.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from tandem.core import clock
from tandem.core.deadlines import due_date_check
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.partnerships.models import (
    Agreement,
    AgreementAcceptance,
    AgreementVersion,
    Partnership,
)
from tandem.partnerships.selectors.agreement import AgreementContent, Goal, agreement_content_of
from tandem.partnerships.services.life import seat_lock_for_change

MSG_STALE_EDIT = gettext_noop(
    "Someone saved new ground rules (version {number}) while you were editing. "
    "Your changes are still in the form: read their version, then save again."
)
MSG_STALE_ACCEPT = gettext_noop(
    "The ground rules changed (now version {number}) while you were reading them. "
    "Read the new version, then accept it."
)
MSG_NOTHING_TO_ACCEPT = gettext_noop("Nobody has proposed ground rules yet: propose them first.")
MSG_NOTHING_CHANGED = gettext_noop("Nothing changed: edit something before saving a new version.")
MSG_PROMISE_REQUIRED = gettext_noop("Tick the confidentiality promise to accept the ground rules.")
MSG_CADENCE = gettext_noop("Meet every 1 to 12 weeks.")
MSG_MINUTES = gettext_noop("A meeting lasts 15 to 240 minutes.")
MSG_CHANNEL = gettext_noop("Choose phone, video call or in person.")
MSG_WHERE_TOO_LONG = gettext_noop("Keep where you meet under 300 characters.")
MSG_INCENTIVE_TOO_LONG = gettext_noop("Keep the incentive under 1,000 characters.")
MSG_GOAL_TEXT = gettext_noop("Each goal needs a text of at most 300 characters.")
MSG_GOAL_DEADLINE = gettext_noop("Each goal needs a deadline date.")
MSG_GOAL_PARTNER = gettext_noop("Goals can only belong to partners in this partnership.")
MSG_TOO_MANY_GOALS = gettext_noop("Keep it to 10 goals per partner.")

GOAL_MAX_LENGTH = 300
GOALS_PER_PARTNER = 10


def _clean(
    content: AgreementContent, *, seat_ids: set[int], previous: AgreementContent | None = None
) -> AgreementContent:
    """Return the content tidied; refuse what breaks a rule (goal deadlines as on Goals)."""
    if not 1 <= content.cadence_weeks <= 12:
        raise ValidationFailed(MSG_CADENCE, field="cadence_weeks")
    if not 15 <= content.meeting_minutes <= 240:
        raise ValidationFailed(MSG_MINUTES, field="meeting_minutes")
    if content.channel not in AgreementVersion.Channel.values:
        raise ValidationFailed(MSG_CHANNEL, field="channel")
    where = content.where.strip()
    if len(where) > 300:
        raise ValidationFailed(MSG_WHERE_TOO_LONG, field="where")
    incentive = content.incentive.strip()
    if len(incentive) > 1000:
        raise ValidationFailed(MSG_INCENTIVE_TOO_LONG, field="incentive")
    goals = []
    per_seat: dict[int, int] = {}
    for goal in content.goals:
        if goal.seat_id not in seat_ids:
            raise ValidationFailed(MSG_GOAL_PARTNER, field="goals")
        text = " ".join(goal.text.split())
        if not text or len(text) > GOAL_MAX_LENGTH:
            raise ValidationFailed(MSG_GOAL_TEXT, field="goals")
        if not isinstance(goal.deadline, date):
            raise ValidationFailed(MSG_GOAL_DEADLINE, field="goals")
        # The same rule as on Goals: a goal kept unchanged from the last version keeps its date.
        kept = previous is not None and any(
            g.seat_id == goal.seat_id and g.text == text and g.deadline == goal.deadline
            for g in previous.goals
        )
        due_date_check(goal.deadline, was=goal.deadline if kept else None, field="goals")
        per_seat[goal.seat_id] = per_seat.get(goal.seat_id, 0) + 1
        if per_seat[goal.seat_id] > GOALS_PER_PARTNER:
            raise ValidationFailed(MSG_TOO_MANY_GOALS, field="goals")
        goals.append(Goal(seat_id=goal.seat_id, text=text, deadline=goal.deadline))
    return AgreementContent(
        cadence_weeks=content.cadence_weeks,
        meeting_minutes=content.meeting_minutes,
        channel=content.channel,
        where=where,
        goals=tuple(goals),
        incentive=incentive,
    )


def _agreement_lock(partnership: Partnership) -> Agreement:
    """Return the partnership's Agreement row, created if missing, locked for this transaction."""
    Agreement.objects.get_or_create(partnership=partnership)
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(partnership=partnership)
    )


@transaction.atomic
def agreement_propose(
    *,
    partnership: Partnership,
    user: Any,
    content: AgreementContent,
    base_number: int | None,
) -> AgreementVersion:
    """Save the ground rules as a new version (the first proposal, or an edit of version
    ``base_number``); the new version starts with no acceptances.

    Conflict when another partner saved a version after ``base_number``: nothing is lost, the
    caller shows the form again with what was typed.
    """
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    seat_ids = set(partnership.seats.filter(active=True).values_list("pk", flat=True))
    agreement = _agreement_lock(partnership)
    current = agreement.current_version
    previous = agreement_content_of(current) if current is not None else None
    content = _clean(content, seat_ids=seat_ids, previous=previous)
    current_number = current.number if current is not None else None
    if base_number != current_number:
        raise Conflict(gettext(MSG_STALE_EDIT).format(number=current_number))
    if current is not None and agreement_content_of(current) == content:
        raise ValidationFailed(MSG_NOTHING_CHANGED)
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(current_number or 0) + 1,
        author=seat,
        created_at=clock.now(),
        cadence_weeks=content.cadence_weeks,
        meeting_minutes=content.meeting_minutes,
        channel=content.channel,
        where=content.where,
        goals=[
            {"seat": g.seat_id, "text": g.text, "deadline": g.deadline.isoformat()}
            for g in content.goals
        ],
        incentive=content.incentive,
        confidentiality_rules=partnership.program.confidentiality_rules,
    )
    agreement.current_version = version
    agreement.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def agreement_accept(
    *, partnership: Partnership, user: Any, number: int, promise: bool
) -> AgreementAcceptance:
    """Accept version ``number`` (it must still be the current one), promising confidentiality.

    Accepting again says "still good" (the mid-point review): it moves ``confirmed_at``. When
    the last active partner accepts, the version is agreed (``agreed_at`` set once).
    """
    if not promise:
        raise ValidationFailed(MSG_PROMISE_REQUIRED, field="promise")
    partnership, seat = seat_lock_for_change(partnership_id=partnership.pk, user=user)
    agreement = Agreement.objects.filter(partnership=partnership).first()
    if agreement is None or agreement.current_version_id is None:
        raise NotFound(MSG_NOTHING_TO_ACCEPT)
    agreement = _agreement_lock(partnership)
    version = agreement.current_version
    assert version is not None
    if version.number != number:
        raise Conflict(gettext(MSG_STALE_ACCEPT).format(number=version.number))
    now = clock.now()
    acceptance, created = AgreementAcceptance.objects.get_or_create(
        version=version,
        seat=seat,
        defaults={"accepted_at": now, "confirmed_at": now, "promised_confidentiality": True},
    )
    if not created:
        acceptance.confirmed_at = now
        acceptance.save(update_fields=["confirmed_at"])
    if version.agreed_at is None:
        active = set(partnership.seats.filter(active=True).values_list("pk", flat=True))
        accepted = set(version.acceptances.values_list("seat_id", flat=True))
        if active <= accepted:
            version.agreed_at = now
            version.save(update_fields=["agreed_at"])
    return acceptance
