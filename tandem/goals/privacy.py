"""What the goals app holds about a person: goals, comments, nudges, surveys, pulses.

See ``tandem/core/personal_data.py`` for the shape and docs/privacy.md for the rules.
"""

from django.db.models import Q

from tandem.core.personal_data import Declaration, Holding
from tandem.goals.models import (
    Answer,
    Goal,
    GoalComment,
    IncentiveEarned,
    Nudge,
    ProgressUpdate,
    Pulse,
    Step,
    SurveyInvitation,
    SurveyResponse,
)

DECLARATION = Declaration(
    app="goals",
    holdings=(
        Holding(Goal, rows=lambda p: Goal.objects.filter(owner_id__in=p.membership_ids)),
        Holding(Step, rows=lambda p: Step.objects.filter(goal__owner_id__in=p.membership_ids)),
        Holding(
            ProgressUpdate,
            rows=lambda p: ProgressUpdate.objects.filter(goal__owner_id__in=p.membership_ids),
        ),
        Holding(
            IncentiveEarned,
            rows=lambda p: IncentiveEarned.objects.filter(goal__owner_id__in=p.membership_ids),
        ),
        Holding(
            GoalComment, rows=lambda p: GoalComment.objects.filter(author_id__in=p.membership_ids)
        ),
        # Nudges the person sent, and those sent on their goals (which go with the goals).
        Holding(
            Nudge,
            rows=lambda p: Nudge.objects.filter(
                Q(sender_id__in=p.membership_ids) | Q(goal__owner_id__in=p.membership_ids)
            ),
        ),
        Holding(
            SurveyInvitation,
            rows=lambda p: SurveyInvitation.objects.filter(membership_id__in=p.membership_ids),
        ),
        Holding(
            SurveyResponse,
            rows=lambda p: SurveyResponse.objects.filter(membership_id__in=p.membership_ids),
        ),
        Holding(
            Answer,
            rows=lambda p: Answer.objects.filter(
                response__membership_id__in=p.membership_ids
            ).select_related("question"),
            computed=lambda a: {"question_text": a.question.text},
        ),
        Holding(Pulse, rows=lambda p: Pulse.objects.filter(membership_id__in=p.membership_ids)),
    ),
)
