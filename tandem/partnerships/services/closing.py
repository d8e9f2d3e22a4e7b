"""Writes for closing well: a partner's exit survey (once), their choices after an ending
(stay in touch, the alumni list) and joining the program's next cohort.

All of them are for the partners of an ended partnership; before the end they answer Conflict.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tandem.core import clock
from tandem.core.errors import Conflict, ValidationFailed
from tandem.partnerships.models import (
    EXIT_TEXT_MAX_LENGTH,
    ClosingChoice,
    ExitSurvey,
    Partnership,
    PartnershipMember,
)
from tandem.partnerships.selectors.closing import next_cohort_of
from tandem.partnerships.selectors.partnership import access_partnership_seat
from tandem.partnerships.services.life import check_length
from tandem.programs.models import Membership, Program
from tandem.programs.services.invitations import invitation_send
from tandem.programs.services.waitlist import waitlist_signup

MSG_NOT_ENDED = _(
    "This partnership has not ended, so there is nothing to close yet. "
    "End it on the “Pause or end” page first."
)
MSG_SURVEY_ONCE = _("You have answered the exit survey already; thank you.")
MSG_USEFULNESS = _("Choose how useful the partnership was, from 1 (not at all) to 5 (very).")
MSG_AGAIN = _("Say whether you would take part again: yes or no.")
MSG_NO_NEXT_COHORT = _("There is no next cohort taking people at the moment.")
MSG_IN_NEXT_COHORT = _("You are in the next cohort already.")
JOINED_WAITLIST = _(
    "You are on the waitlist of {program}: confirm your address with the link we emailed you, "
    "and we will tell you when the doors open."
)
JOINED_INVITED = _(
    "We emailed you an invitation to {program}: follow its link to join and fill the intake."
)


def _ended_seat(*, partnership_id: int, user: Any) -> tuple[Partnership, PartnershipMember]:
    partnership, seat = access_partnership_seat(user=user, pk=partnership_id)
    if partnership.status != Partnership.Status.ENDED:
        raise Conflict(str(MSG_NOT_ENDED))
    return partnership, seat


@transaction.atomic
def exit_survey_answer(
    *,
    partnership: Partnership,
    user: Any,
    usefulness: Any,
    would_take_part_again: Any,
    what_worked: str = "",
    could_be_better: str = "",
) -> ExitSurvey:
    """Save the partner's exit survey of an ended partnership; once per partner."""
    _partnership, seat = _ended_seat(partnership_id=partnership.pk, user=user)
    if ExitSurvey.objects.filter(seat=seat).exists():
        raise Conflict(str(MSG_SURVEY_ONCE))
    if isinstance(usefulness, bool) or not isinstance(usefulness, int) or not 1 <= usefulness <= 5:
        raise ValidationFailed(str(MSG_USEFULNESS), field="usefulness")
    if not isinstance(would_take_part_again, bool):
        raise ValidationFailed(str(MSG_AGAIN), field="would_take_part_again")
    what_worked = check_length(what_worked, field="what_worked", limit=EXIT_TEXT_MAX_LENGTH)
    could_be_better = check_length(
        could_be_better, field="could_be_better", limit=EXIT_TEXT_MAX_LENGTH
    )
    try:
        with transaction.atomic():
            return ExitSurvey.objects.create(
                seat=seat,
                usefulness=usefulness,
                what_worked=what_worked,
                could_be_better=could_be_better,
                would_take_part_again=would_take_part_again,
                answered_at=clock.now(),
            )
    except IntegrityError as exc:  # a double click that raced past the check above
        raise Conflict(str(MSG_SURVEY_ONCE)) from exc


@transaction.atomic
def closing_choice_set(
    *, partnership: Partnership, user: Any, stay_in_touch: bool, alumni_listed: bool
) -> ClosingChoice:
    """Save whether the partner stays in touch with their partners and is in the alumni list.

    Partners see each other's email address only once every one of them chose to stay in
    touch; either choice can be taken back at any time.
    """
    _partnership, seat = _ended_seat(partnership_id=partnership.pk, user=user)
    choice, _created = ClosingChoice.objects.update_or_create(
        seat=seat,
        defaults={
            "stay_in_touch": bool(stay_in_touch),
            "alumni_listed": bool(alumni_listed),
            "updated_at": clock.now(),
        },
    )
    return choice


@transaction.atomic
def next_cohort_join(*, partnership: Partnership, user: Any) -> tuple[Program, str]:
    """Put the partner of an ended partnership into the next cohort of its program.

    The way anyone gets in: on its waitlist (a confirmation email) while the next cohort has a
    waitlist, an invitation email once it takes intakes. Returns the cohort and what to say.
    """
    partnership, seat = _ended_seat(partnership_id=partnership.pk, user=user)
    cohort = next_cohort_of(program=partnership.program)
    if cohort is None:
        raise Conflict(str(MSG_NO_NEXT_COHORT))
    email = seat.membership.user.email
    taken = (
        Membership.objects.filter(program=cohort, user_id=seat.membership.user_id)
        .exclude(status=Membership.Status.LEFT)
        .exists()
    )
    if taken:
        raise Conflict(str(MSG_IN_NEXT_COHORT))
    if cohort.status == Program.Status.WAITLIST:
        waitlist_signup(program=cohort, email=email)
        return cohort, JOINED_WAITLIST.format(program=cohort.name)
    invitation_send(program=cohort, email=email, role=Membership.Role.MEMBER, invited_by=None)
    return cohort, JOINED_INVITED.format(program=cohort.name)
