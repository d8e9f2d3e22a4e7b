"""Background tasks of the goals app (django-tasks-db worker). Each takes ids and claims its row
before sending, so a retried task never sends twice."""

from django.tasks import task
from django.urls import reverse

from tandem.core import clock
from tandem.core.emails import email_build, send_once
from tandem.core.links import absolute_url
from tandem.goals.models import Goal, Nudge, SurveyInvitation
from tandem.partnerships.models import PartnershipMember
from tandem.programs.names import member_name


def _send(*, name: str, to: list[str], context: dict) -> None:
    email_build(name, folder="goals/email", to=to, context=context).send()


@task()
def goal_nudge_email_send(*, nudge_id: int) -> bool:
    """Email the goal's owner that a partner asks how it is going."""
    nudge = (
        Nudge.objects.select_related(
            "goal__owner__user", "goal__owner__profile", "sender__user", "sender__profile"
        )
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is None:
        return False
    goal = nudge.goal
    _send(
        name="nudge",
        to=[goal.owner.user.email],
        context={
            "name": member_name(goal.owner),
            "sender": member_name(nudge.sender),
            "goal": goal,
            "goal_url": absolute_url(goal.get_absolute_url()),
        },
    )
    return True


@task()
def goal_completed_email_send(*, goal_id: int, seat_id: int) -> bool:
    """Tell one partner that the goal's owner completed it (a private goal's title stays out)."""
    goal = (
        Goal.objects.select_related("owner__user", "owner__profile", "partnership__program")
        .filter(pk=goal_id, completed_at__isnull=False)
        .first()
    )
    if goal is None:
        return False
    seat = (
        PartnershipMember.objects.select_related("membership__user", "membership__profile")
        .filter(pk=seat_id, partnership_id=goal.partnership_id)
        .first()
    )
    if seat is None:
        return False
    _send(
        name="goal_completed",
        to=[seat.membership.user.email],
        context={
            "name": member_name(seat.membership),
            "owner": member_name(goal.owner),
            "goal": goal,
            "shared": goal.is_shared,
            "goals_url": absolute_url(
                reverse("goals:partnership", kwargs={"pk": goal.partnership_id})
            ),
        },
    )
    return True


@task()
def survey_invitation_email_send(*, invitation_id: int) -> bool:
    """Ask one member to answer a survey; the claim on ``sent_at`` makes it go out once."""
    invitation = (
        SurveyInvitation.objects.select_related(
            "survey__program", "membership__user", "membership__profile"
        )
        .filter(pk=invitation_id, sent_at__isnull=True)
        .first()
    )
    if invitation is None:
        return False
    survey = invitation.survey
    return send_once(
        claim=lambda: SurveyInvitation.objects.filter(
            pk=invitation_id, sent_at__isnull=True
        ).update(sent_at=clock.now()),
        send=lambda: _send(
            name="survey",
            to=[invitation.membership.user.email],
            context={
                "name": member_name(invitation.membership),
                "survey": survey,
                "program": survey.program,
                "survey_url": absolute_url(
                    reverse(
                        "goals:survey_answer",
                        kwargs={"slug": survey.program.slug, "kind": survey.kind},
                    )
                ),
            },
        ),
    )
