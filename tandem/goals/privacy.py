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
        Holding.by(Goal, "owner_id", "membership_ids"),
        Holding.by(Step, "goal__owner_id", "membership_ids"),
        Holding.by(ProgressUpdate, "goal__owner_id", "membership_ids"),
        Holding.by(IncentiveEarned, "goal__owner_id", "membership_ids"),
        Holding.by(GoalComment, "author_id", "membership_ids"),
        # Nudges the person sent, and those sent on their goals (which go with the goals).
        Holding(
            Nudge,
            rows=lambda p: Nudge.objects.filter(
                Q(sender_id__in=p.membership_ids) | Q(goal__owner_id__in=p.membership_ids)
            ),
        ),
        Holding.by(SurveyInvitation, "membership_id", "membership_ids"),
        Holding.by(SurveyResponse, "membership_id", "membership_ids"),
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
