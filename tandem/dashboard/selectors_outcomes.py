"""The outcomes a program can show: its outcome measures before and after, how many
partnerships kept going, early endings by reason, goals reached and meetings held; for the
program and for the earlier cohorts it was copied from.

Aggregates only. A mean drawn from fewer than ``MIN_GROUP`` answers is withheld (on the
dashboard and in the export), and the evaluation export withholds every count of one to four,
so that no one can be singled out of a small group.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery

from tandem.goals.models import Answer, Goal, Measure, Survey
from tandem.meetings.models import Meeting
from tandem.partnerships.models import Partnership, PartnershipEvent, PartnershipMember
from tandem.programs.models import Membership, Program

# The smallest group whose mean or count is shown in the evaluation.
MIN_GROUP = 5
# The program and up to five cohorts before it.
COHORTS_SHOWN = 6
# Endings that are not early: the partners reached their goals, or the program ended.
GOOD_ENDINGS = (PartnershipEvent.EndReason.GOALS_REACHED, PartnershipEvent.EndReason.PROGRAM_OVER)


def shown(value: float | None, n: int) -> float | None:
    """Return the value when ``n`` people stand behind it, else None (withheld)."""
    return value if n >= MIN_GROUP and value is not None else None


@dataclass
class MeasureOutcome:
    """One outcome measure in one cohort: the means at kick-off and recap, and the change."""

    text: str
    before_n: int = 0
    before_mean: float | None = None
    after_n: int = 0
    after_mean: float | None = None
    # Members who answered both times, and the mean of their own change (recap - kick-off).
    paired_n: int = 0
    change: float | None = None

    @property
    def withheld(self) -> bool:
        """Some answers exist but too few to show a mean."""
        return any(0 < n < MIN_GROUP for n in (self.before_n, self.after_n, self.paired_n))


@dataclass
class CohortOutcomes:
    program: Program
    members: int  # members who had a seat in a partnership
    partnerships: int
    ended_early: int
    early_endings: dict[str, int]  # reason code -> partnerships, in the reasons' order
    meetings_held: int
    goals_set: int
    goals_completed: int
    measures: list[MeasureOutcome] = field(default_factory=list)
    # Beside the latest cohort's measures, this cohort's measure of the same wording (or None).
    compared: list[MeasureOutcome | None] = field(default_factory=list)

    @property
    def early_endings_by_label(self) -> dict[str, int]:
        """The early endings by reason, worded in the current language."""
        return {
            str(PartnershipEvent.EndReason(code).label): n for code, n in self.early_endings.items()
        }

    @property
    def kept_going(self) -> int:
        """Partnerships that did not end early (still going, or ended well)."""
        return self.partnerships - self.ended_early

    @property
    def retention(self) -> int | None:
        """Percentage of partnerships that did not end early; None without any."""
        if not self.partnerships:
            return None
        return round(100 * self.kept_going / self.partnerships)

    @property
    def goal_attainment(self) -> int | None:
        if not self.goals_set:
            return None
        return round(100 * self.goals_completed / self.goals_set)

    @property
    def meetings_per_partnership(self) -> float | None:
        if not self.partnerships:
            return None
        return round(self.meetings_held / self.partnerships, 1)

    def measure(self, text: str) -> MeasureOutcome | None:
        """Return this cohort's measure worded ``text`` (cohorts copy their measures)."""
        return next((m for m in self.measures if m.text == text), None)


def measure_outcomes(*, program: Program) -> list[MeasureOutcome]:
    """Return each outcome measure of the program with its before/after means (four queries)."""
    measures = list(Measure.objects.filter(program=program).order_by("position", "id"))
    if not measures:
        return []
    results = {m.pk: MeasureOutcome(text=m.text) for m in measures}
    answers = Answer.objects.filter(question__measure__program=program, scale__isnull=False)
    for measure_id, kind, n, mean in (
        answers.values_list("question__measure", "question__survey__kind")
        .annotate(n=Count("id"), mean=Avg("scale"))
        .order_by()
    ):
        result = results[measure_id]
        if kind == Survey.Kind.KICKOFF:
            result.before_n, result.before_mean = n, round(mean, 2)
        elif kind == Survey.Kind.RECAP:
            result.after_n, result.after_mean = n, round(mean, 2)
    before = answers.filter(
        question__measure=OuterRef("question__measure"),
        question__survey__kind=Survey.Kind.KICKOFF,
        response__membership=OuterRef("response__membership"),
    ).values("scale")[:1]
    for measure_id, n, change in (
        answers.filter(question__survey__kind=Survey.Kind.RECAP)
        .annotate(before=Subquery(before))
        .filter(before__isnull=False)
        .values_list("question__measure")
        .annotate(n=Count("id"), change=Avg(F("scale") - F("before")))
        .order_by()
    ):
        results[measure_id].paired_n, results[measure_id].change = n, round(change, 2)
    for result in results.values():
        result.before_mean = shown(result.before_mean, result.before_n)
        result.after_mean = shown(result.after_mean, result.after_n)
        result.change = shown(result.change, result.paired_n)
    return list(results.values())


def cohort_outcomes(*, program: Program) -> CohortOutcomes:
    """Return the outcomes of one cohort (a fixed number of queries)."""
    partnerships = Partnership.objects.filter(program=program).aggregate(
        total=Count("id"), ended=Count("id", filter=Q(status=Partnership.Status.ENDED))
    )
    ended_well = (
        PartnershipEvent.objects.filter(
            partnership__program=program,
            partnership__status=Partnership.Status.ENDED,
            kind=PartnershipEvent.Kind.ENDED,
            end_reason__in=GOOD_ENDINGS,
        )
        .values("partnership")
        .distinct()
        .count()
    )
    by_reason = dict(
        PartnershipEvent.objects.filter(
            partnership__program=program,
            partnership__status=Partnership.Status.ENDED,
            kind=PartnershipEvent.Kind.ENDED,
        )
        .exclude(end_reason__in=GOOD_ENDINGS)
        .values_list("end_reason")
        .annotate(n=Count("partnership", distinct=True))
        .order_by()
    )
    goals = Goal.objects.filter(partnership__program=program).aggregate(
        set=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False))
    )
    return CohortOutcomes(
        program=program,
        members=PartnershipMember.objects.filter(partnership__program=program)
        .values("membership")
        .distinct()
        .count(),
        partnerships=partnerships["total"],
        ended_early=partnerships["ended"] - ended_well,
        early_endings={
            code: by_reason[code]
            for code in PartnershipEvent.EndReason.values
            if by_reason.get(code)
        },
        meetings_held=Meeting.objects.filter(
            partnership__program=program, status=Meeting.Status.HELD
        ).count(),
        goals_set=goals["set"],
        goals_completed=goals["completed"],
        measures=measure_outcomes(program=program),
    )


def cohort_chain(*, program: Program, user: Any) -> list[Program]:
    """Return the program and the cohorts it was copied from that ``user`` coordinates too,
    oldest first (at most ``COHORTS_SHOWN``)."""
    chain = [program]
    seen = {program.pk}
    current = program
    while current.previous_cohort_id and len(chain) < COHORTS_SHOWN:
        earlier = Program.objects.filter(pk=current.previous_cohort_id).first()
        if earlier is None or earlier.pk in seen:
            break
        chain.append(earlier)
        seen.add(earlier.pk)
        current = earlier
    coordinated = set(
        Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR, program__in=chain)
        .exclude(status=Membership.Status.LEFT)
        .values_list("program", flat=True)
    )
    return [p for p in reversed(chain) if p.pk == program.pk or p.pk in coordinated]


def outcomes_by_cohort(*, program: Program, user: Any) -> list[CohortOutcomes]:
    """Return the outcomes of the program and of its earlier cohorts, oldest first (the
    program last); each cohort's ``compared`` lines its measures up with the program's."""
    cohorts = [cohort_outcomes(program=p) for p in cohort_chain(program=program, user=user)]
    latest = cohorts[-1]
    for cohort in cohorts:
        cohort.compared = [cohort.measure(m.text) for m in latest.measures]
    return cohorts
