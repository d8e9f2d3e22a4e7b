"""Reads for closing well: the closing page of an ended partnership, the next cohort, the
program's alumni list and what coordinators see of the exit survey (counts, never text)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q

from tandem.core.errors import NotFound
from tandem.partnerships.models import (
    ClosingChoice,
    ExitSurvey,
    Partnership,
    PartnershipMember,
)
from tandem.partnerships.selectors.life import partnership_all_seats, seat_name
from tandem.programs.models import Invitation, Membership, Program, WaitlistEntry
from tandem.programs.selectors.program import access_program

# Under this many answers the mean and the "would take part again" count are not shown:
# with fewer, a coordinator could tell one person's answer from the others.
EXIT_SURVEY_MIN_ANSWERS = 5

NEXT_COHORT_STATUSES = (Program.Status.WAITLIST, Program.Status.INTAKE_OPEN)


@dataclass
class PartnerContact:
    """A partner on the closing page; ``email`` only when every partner chose to stay in touch."""

    name: str
    email: str


@dataclass
class Closing:
    """The closing page of one partnership as one of its partners sees it."""

    partnership: Partnership
    program: Program
    seat: PartnershipMember
    ended: bool
    survey: ExitSurvey | None
    stay_in_touch: bool
    alumni_listed: bool
    partners: list[PartnerContact]
    # Every partner chose to stay in touch: the page shows their email addresses.
    in_touch: bool
    next_cohort: Program | None
    in_next_cohort: bool
    # On the next cohort's waitlist, or invited to it (the email tells what to do next).
    asked_next_cohort: bool = False


@dataclass
class Alumnus:
    name: str
    email: str


@dataclass
class Alumni:
    """The program's alumni page: open once the program closed or the viewer's partnership ended."""

    program: Program
    open: bool
    people: list[Alumnus]
    listed: bool


@dataclass
class ExitSurveySummary:
    """What coordinators see of the exit survey: how many answered; the rest from five answers."""

    answers: int
    mean_usefulness: float | None
    would_again: int | None

    @property
    def suppressed(self) -> bool:
        return 0 < self.answers < EXIT_SURVEY_MIN_ANSWERS


def next_cohort_of(*, program: Program) -> Program | None:
    """Return the program's next cohort when it takes people (waitlist or intake open)."""
    return (
        Program.objects.filter(previous_cohort=program, status__in=NEXT_COHORT_STATUSES)
        .order_by("created_at", "pk")
        .first()
    )


def closing_overview(*, partnership: Partnership, seat: PartnershipMember) -> Closing:
    """Return the closing page of ``partnership`` for the partner in ``seat``."""
    seats = partnership_all_seats(partnership=partnership)
    choices = {c.seat_id: c for c in ClosingChoice.objects.filter(seat__in=[s.pk for s in seats])}
    mine = choices.get(seat.pk)
    in_touch = len(seats) > 1 and all(
        choices.get(s.pk) is not None and choices[s.pk].stay_in_touch for s in seats
    )
    partners = [
        PartnerContact(name=seat_name(s), email=s.membership.user.email if in_touch else "")
        for s in seats
        if s.pk != seat.pk
    ]
    next_cohort = next_cohort_of(program=partnership.program)
    in_next = (
        next_cohort is not None
        and Membership.objects.filter(program=next_cohort, user_id=seat.membership.user_id)
        .exclude(status=Membership.Status.LEFT)
        .exists()
    )
    asked = (
        next_cohort is not None
        and not in_next
        and (
            Invitation.objects.filter(
                program=next_cohort,
                email__iexact=seat.membership.user.email,
                accepted_at__isnull=True,
            ).exists()
            or WaitlistEntry.objects.filter(
                program=next_cohort, email__iexact=seat.membership.user.email
            )
            .exclude(status=WaitlistEntry.Status.UNSUBSCRIBED)
            .exists()
        )
    )
    return Closing(
        partnership=partnership,
        program=partnership.program,
        seat=seat,
        ended=partnership.status == Partnership.Status.ENDED,
        survey=ExitSurvey.objects.filter(seat=seat).first(),
        stay_in_touch=bool(mine and mine.stay_in_touch),
        alumni_listed=bool(mine and mine.alumni_listed),
        partners=partners,
        in_touch=in_touch,
        next_cohort=next_cohort,
        in_next_cohort=in_next,
        asked_next_cohort=asked,
    )


def closing_list_for(*, membership: Membership) -> list[Partnership]:
    """Return the member's ended partnerships in the program, newest first (for the home)."""
    return list(
        Partnership.objects.filter(
            seats__membership=membership, status=Partnership.Status.ENDED
        ).order_by("-ended_at", "-pk")
    )


def access_alumni(*, user: Any, slug: str) -> Alumni:
    """Return the alumni page of a program for one of its members; NotFound for anyone else
    (coordinators included: the list is for members finding each other).

    The list itself is shown once the program is closed or the member's partnership ended;
    it holds the members who chose to be listed, with name and email only.
    """
    program, membership = access_program(user=user, slug=slug)
    if membership.role != Membership.Role.MEMBER:
        raise NotFound()
    is_open = (
        program.status == Program.Status.CLOSED
        or Partnership.objects.filter(
            seats__membership=membership, status=Partnership.Status.ENDED
        ).exists()
    )
    choices = (
        ClosingChoice.objects.filter(alumni_listed=True, seat__partnership__program=program)
        .select_related("seat__membership__user", "seat__membership__profile")
        .order_by("seat__membership_id", "pk")
    )
    people: dict[int, Alumnus] = {}
    listed = False
    for choice in choices:
        m = choice.seat.membership
        listed = listed or m.pk == membership.pk
        people.setdefault(m.pk, Alumnus(name=seat_name(choice.seat), email=str(m.user.email)))
    return Alumni(
        program=program,
        open=is_open,
        people=sorted(people.values(), key=lambda a: a.name.lower()) if is_open else [],
        listed=listed,
    )


def exit_survey_summary(*, program: Program) -> ExitSurveySummary:
    """Return how many partners answered the program's exit survey and, from five answers,
    the mean usefulness (1 to 5) and how many would take part again. Never the text."""
    row = ExitSurvey.objects.filter(seat__partnership__program=program).aggregate(
        answers=Count("pk"),
        mean=Avg("usefulness"),
        again=Count("pk", filter=Q(would_take_part_again=True)),
    )
    enough = row["answers"] >= EXIT_SURVEY_MIN_ANSWERS
    return ExitSurveySummary(
        answers=row["answers"],
        mean_usefulness=round(float(row["mean"]), 1) if enough and row["mean"] else None,
        would_again=row["again"] if enough else None,
    )
